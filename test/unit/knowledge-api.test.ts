/**
 * Knowledge bases over the HTTP edge, in-process: documents in every way the contract takes them,
 * indexed by the real ingester use case (real parsers and chunker, in-memory store and blobs),
 * searched, replaced, deleted, and refused with a 4xx naming the field.
 */
import { createHttpHandler } from '#functions/http/router';
import { routes } from '#functions/http/routes/index';
import { LibraryDocumentReader } from '#lib/adapters/documents/document-reader';
import { ingestDocument } from '#lib/app/knowledge/ingest-document';
import { UnreadableDocumentError } from '#lib/domain/errors';
import { MAX_DOCUMENT_BYTES } from '#lib/domain/limits/knowledge';
import { ensureTenantForKey } from '#lib/app/tenants';
import { type FakeDeps, makeFakeDeps } from '#test/support/fakes';
import { apiEvent, httpClient } from '#test/support/http';
import { TEST_API_KEY } from '#test/support/scenario';

async function setup() {
  const deps = makeFakeDeps({ webhookTargets: 'public' });
  await ensureTenantForKey(deps, { apiKey: TEST_API_KEY, tenantName: 'Test' });
  return { deps, call: httpClient(deps, TEST_API_KEY) };
}

/** Runs the ingester over every queued job, as the ingestion queue's consumer would. */
async function ingestQueued(deps: FakeDeps): Promise<void> {
  const fetcher = {
    fetch: async () => {
      throw new UnreadableDocumentError('no network in unit tests');
    },
  };
  for (const job of deps.ingestionQueue.jobs.splice(0)) {
    await ingestDocument({ ...deps, reader: new LibraryDocumentReader(), fetcher }, { ...job, attempt: 1 });
  }
}

/** POSTs a multipart/form-data upload, built by the platform's FormData as a browser or Zap would. */
async function upload(deps: FakeDeps, baseId: string, file: { name: string; type: string; bytes: Uint8Array }) {
  const form = new FormData();
  form.set('file', new Blob([file.bytes], { type: file.type }), file.name);
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  const body = Buffer.from(await request.arrayBuffer());
  const event = apiEvent('POST', `/v1/knowledge-bases/${baseId}/documents`, {
    body: body.toString('base64'),
    headers: {
      authorization: `Bearer ${TEST_API_KEY}`,
      'content-type': request.headers.get('content-type') ?? '',
    },
  });
  const result = await createHttpHandler(routes)(deps, { ...event, isBase64Encoded: true });
  return { status: result.statusCode ?? 0, body: JSON.parse(result.body ?? '{}') };
}

async function givenBase(call: ReturnType<typeof httpClient>) {
  const base = await call('POST', '/v1/knowledge-bases', { name: 'Help centre' });
  return base.body.id as string;
}

const SHIPPING = [
  '# Shipping',
  '## Countries',
  'We ship to Canada, Mexico and every state of the USA. Orders to Canada arrive within 5 business days.',
  '## Costs',
  'Shipping is free on orders over $80.',
].join('\n\n');

describe('knowledge bases over HTTP', () => {
  it('creates, lists and reads a base, and answers 404 for one it does not have', async () => {
    const { call } = await setup();

    const created = await call('POST', '/v1/knowledge-bases', { name: 'Help centre' });
    const listed = await call('GET', '/v1/knowledge-bases');
    const missing = await call('GET', '/v1/knowledge-bases/kb_missing');

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Help centre', document_count: 0 });
    expect(listed.body.data.map((b: { id: string }) => b.id)).toEqual([created.body.id]);
    expect(missing.status).toBe(404);
  });

  it('queues a Markdown document, indexes it, and finds its passage first for a plainly worded question', async () => {
    const { deps, call } = await setup();
    const baseId = await givenBase(call);

    const added = await call('POST', `/v1/knowledge-bases/${baseId}/documents`, {
      title: 'Shipping',
      content: SHIPPING,
      content_type: 'text/markdown',
    });
    const queued = await call('GET', `/v1/knowledge-bases/${baseId}/documents/${added.body.document_id}`);
    await ingestQueued(deps);
    const ready = await call('GET', `/v1/knowledge-bases/${baseId}/documents`);
    const found = await call('POST', `/v1/knowledge-bases/${baseId}/search`, {
      query: 'how long does delivery to canada take',
    });

    expect(added.status).toBe(202);
    expect(queued.body.status).toBe('queued');
    expect(ready.body.data).toEqual([
      expect.objectContaining({ document_id: added.body.document_id, status: 'ready', title: 'Shipping' }),
    ]);
    expect(ready.body.data[0].chunk_count).toBeGreaterThan(0);
    expect(found.body.data[0]).toMatchObject({ document_id: added.body.document_id, title: 'Shipping' });
    expect(found.body.data[0].text).toContain('5 business days');
  });

  it('replaces a document uploaded again under the same title: the old fact leaves search at once', async () => {
    const { deps, call } = await setup();
    const baseId = await givenBase(call);
    const first = await call('POST', `/v1/knowledge-bases/${baseId}/documents`, {
      title: 'Opening hours',
      content: 'The showroom opens at 9am on weekdays.',
    });
    await ingestQueued(deps);

    const second = await call('POST', `/v1/knowledge-bases/${baseId}/documents`, {
      title: 'Opening hours',
      content: 'The showroom opens at 10am on weekdays.',
    });
    const meanwhile = await call('POST', `/v1/knowledge-bases/${baseId}/search`, {
      query: 'when does the showroom open',
    });
    await ingestQueued(deps);
    const after = await call('POST', `/v1/knowledge-bases/${baseId}/search`, { query: 'when does the showroom open' });
    const listed = await call('GET', `/v1/knowledge-bases/${baseId}/documents`);

    expect(second.body.document_id).toBe(first.body.document_id);
    expect(meanwhile.body.data).toEqual([]);
    expect(after.body.data.map((p: { text: string }) => p.text)).toEqual(['The showroom opens at 10am on weekdays.']);
    expect(listed.body.data).toHaveLength(1);
  });

  it('deletes a document: it leaves search, its record and its blobs', async () => {
    const { deps, call } = await setup();
    const baseId = await givenBase(call);
    const added = await call('POST', `/v1/knowledge-bases/${baseId}/documents`, {
      title: 'Shipping',
      content: SHIPPING,
    });
    await ingestQueued(deps);

    const deleted = await call('DELETE', `/v1/knowledge-bases/${baseId}/documents/${added.body.document_id}`);
    const search = await call('POST', `/v1/knowledge-bases/${baseId}/search`, { query: 'shipping to canada' });

    expect(deleted.status).toBe(204);
    expect(search.body.data).toEqual([]);
    expect((await call('GET', `/v1/knowledge-bases/${baseId}/documents/${added.body.document_id}`)).status).toBe(404);
    expect([...deps.blobs.blobs.keys()].filter((key) => key.includes(added.body.document_id))).toEqual([]);
  });

  it('takes a file as multipart/form-data, and names it after the file', async () => {
    const { deps, call } = await setup();
    const baseId = await givenBase(call);

    const added = await upload(deps, baseId, {
      name: 'returns.txt',
      type: 'text/plain',
      bytes: Buffer.from('Returns are accepted within 45 days of delivery.\n\nKeep the receipt.'),
    });
    await ingestQueued(deps);
    const found = await call('POST', `/v1/knowledge-bases/${baseId}/search`, {
      query: 'how many days do I have to return',
    });

    expect(added.status).toBe(202);
    expect(added.body).toMatchObject({ title: 'returns.txt', source: { kind: 'file', filename: 'returns.txt' } });
    expect(found.body.data[0]).toMatchObject({ document_id: added.body.document_id, title: 'returns.txt' });
  });

  it('refuses a file type it cannot read with a 415 naming the file, and stores nothing', async () => {
    const { deps, call } = await setup();
    const baseId = await givenBase(call);

    const refused = await upload(deps, baseId, { name: 'photo.png', type: 'image/png', bytes: new Uint8Array(8) });

    expect(refused.status).toBe(415);
    expect(refused.body.error).toMatchObject({ code: 'unsupported_media_type', details: [{ path: 'file' }] });
    expect((await call('GET', `/v1/knowledge-bases/${baseId}/documents`)).body.data).toEqual([]);
    expect(deps.blobs.blobs.size).toBe(0);
  });

  it('refuses a file over the limit with a 413 naming the file', async () => {
    const { deps, call } = await setup();
    const baseId = await givenBase(call);

    const refused = await upload(deps, baseId, {
      name: 'huge.txt',
      type: 'text/plain',
      bytes: new Uint8Array(MAX_DOCUMENT_BYTES + 1).fill(97),
    });

    expect(refused.status).toBe(413);
    expect(refused.body.error.details).toEqual([{ path: 'file', message: expect.stringContaining('at most') }]);
  });

  it.each([
    [{}, 'content'],
    [{ content: 'Hello', url: 'https://example.com/' }, 'url'],
    [{ url: 'http://10.0.0.1/internal' }, 'url'],
    [{ url: 'ftp://example.com/file.pdf' }, 'url'],
    [{ content_type: 'text/html', url: 'https://example.com/' }, 'content_type'],
  ])('refuses %j with a 400 naming %s', async (body, path) => {
    const { deps, call } = await setup();
    const baseId = await givenBase(call);

    const refused = await call('POST', `/v1/knowledge-bases/${baseId}/documents`, body);

    expect(refused.status).toBe(400);
    expect(refused.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(deps.ingestionQueue.jobs).toEqual([]);
  });

  it('marks a document it cannot read as failed, with the reason', async () => {
    const { deps, call } = await setup();
    const baseId = await givenBase(call);

    const added = await upload(deps, baseId, {
      name: 'broken.pdf',
      type: 'application/pdf',
      bytes: Buffer.from('%PDF-1.7 this is not really a PDF'),
    });
    await ingestQueued(deps);
    const read = await call('GET', `/v1/knowledge-bases/${baseId}/documents/${added.body.document_id}`);

    expect(read.body).toMatchObject({ status: 'failed', chunk_count: 0 });
    expect(read.body.error).toEqual(expect.any(String));
  });

  it('refuses an AI naming a base the account does not have, and the deletion of a base an AI uses', async () => {
    const { call } = await setup();
    const baseId = await givenBase(call);
    const webhooks = { answer_url: 'https://example.com/hook' };

    const missing = await call('POST', '/v1/ais', {
      type: 'support',
      name: 'Sam',
      webhooks,
      knowledge_base_ids: [baseId, 'kb_missing'],
    });
    const ai = await call('POST', '/v1/ais', { type: 'support', name: 'Sam', webhooks, knowledge_base_ids: [baseId] });
    const refused = await call('DELETE', `/v1/knowledge-bases/${baseId}`);

    expect(missing.status).toBe(404);
    expect(missing.body.error.details).toEqual([{ path: 'knowledge_base_ids.1', message: expect.any(String) }]);
    expect(ai.body.knowledge_base_ids).toEqual([baseId]);
    expect(refused.status).toBe(409);
    expect(refused.body.error.details[0].message).toContain(ai.body.id);
  });

  it('deletes a base with its documents and blobs', async () => {
    const { deps, call } = await setup();
    const baseId = await givenBase(call);
    await call('POST', `/v1/knowledge-bases/${baseId}/documents`, { title: 'Shipping', content: SHIPPING });
    await ingestQueued(deps);

    const deleted = await call('DELETE', `/v1/knowledge-bases/${baseId}`);

    expect(deleted.status).toBe(204);
    expect((await call('GET', `/v1/knowledge-bases/${baseId}`)).status).toBe(404);
    expect(deps.blobs.blobs.size).toBe(0);
  });
});
