/**
 * The knowledge base limits (lib/domain/limits/knowledge.ts and generation.ts), each at its edge:
 * documents per base, title and search query lengths, search sizes, what the model is given,
 * citation snippets, ingestion attempts, the index cache and the upload request size.
 */
import { LibraryDocumentReader } from '#lib/adapters/documents/document-reader';
import { addDocument } from '#lib/app/knowledge/documents';
import { groundReply, snippetOf } from '#lib/app/knowledge/ground-reply';
import { ingestDocument } from '#lib/app/knowledge/ingest-document';
import { KnowledgeIndexCache } from '#lib/app/knowledge/knowledge-index';
import { createKnowledgeBase } from '#lib/app/knowledge/knowledge-bases';
import { UnreadableDocumentError } from '#lib/domain/errors';
import { MAX_PROMPT_CORRECTIONS, MAX_PROMPT_PASSAGES } from '#lib/domain/limits/generation';
import {
  CITATION_SNIPPET_CHARS,
  DEFAULT_SEARCH_TOP_K,
  MAX_CACHED_INDEXES,
  MAX_DOCUMENT_BYTES,
  MAX_DOCUMENT_REQUEST_BYTES,
  MAX_DOCUMENT_TITLE_CHARS,
  MAX_DOCUMENTS_PER_BASE,
  MAX_INGESTION_ATTEMPTS,
  MAX_SEARCH_QUERY_CHARS,
  MAX_SEARCH_TOP_K,
} from '#lib/domain/limits/knowledge';
import { ensureTenantForKey } from '#lib/app/tenants';
import type { BlobStore } from '#lib/ports/knowledge';
import type { KnowledgeBase } from '#lib/domain/knowledge/types';
import { type FakeDeps, makeFakeDeps } from '#test/support/fakes';
import { apiEvent, httpClient } from '#test/support/http';
import { createHttpHandler } from '#functions/http/router';
import { routes } from '#functions/http/routes/index';
import { givenTenantWithAi, TEST_API_KEY } from '#test/support/scenario';

const noNetwork = {
  fetch: async () => {
    throw new UnreadableDocumentError('no network in unit tests');
  },
};

async function setup() {
  const deps = makeFakeDeps();
  const tenantId = await ensureTenantForKey(deps, { apiKey: TEST_API_KEY, tenantName: 'Acme' });
  const call = httpClient(deps, TEST_API_KEY);
  const base = await call('POST', '/v1/knowledge-bases', { name: 'Help' });
  return { deps, tenantId, call, baseId: base.body.id as string };
}

/** Indexes every queued document, as the ingestion queue's consumer would. */
async function ingestQueued(deps: FakeDeps): Promise<void> {
  for (const job of deps.ingestionQueue.jobs.splice(0)) {
    await ingestDocument({ ...deps, reader: new LibraryDocumentReader(), fetcher: noNetwork }, { ...job, attempt: 1 });
  }
}

/** `count` short documents that all answer a question about shipping, each its own passage. */
async function givenShippingDocuments(deps: FakeDeps, tenantId: string, baseId: string, count: number) {
  for (let i = 0; i < count; i++) {
    const upload = {
      kind: 'text' as const,
      contentType: 'text/plain' as const,
      title: `Shipping ${i}`,
      content: `Shipping to region ${i} takes ${i + 2} business days.`,
    };
    await addDocument(deps, { tenantId, baseId, upload, newId: deps.ids.newId('doc') });
  }
  await ingestQueued(deps);
}

describe('knowledge base limits', () => {
  it(`accepts a knowledge base's ${MAX_DOCUMENTS_PER_BASE}th document and refuses one more with 409`, async () => {
    const { deps, tenantId, call, baseId } = await setup();
    const text = (title: string) => ({
      kind: 'text' as const,
      contentType: 'text/plain' as const,
      title,
      content: 'x',
    });
    for (let i = 0; i < MAX_DOCUMENTS_PER_BASE - 1; i++) {
      await addDocument(deps, { tenantId, baseId, upload: text(`doc ${i}`), newId: deps.ids.newId('doc') });
    }
    const post = (title: string) =>
      call('POST', `/v1/knowledge-bases/${baseId}/documents`, { title, content: 'x', content_type: 'text/plain' });

    const last = await post('the last one');
    const over = await post('one too many');
    const replaced = await post('doc 0');

    expect(last.status).toBe(202);
    expect([over.status, over.body.error.code]).toEqual([409, 'conflict']);
    expect(over.body.error.message).toContain(String(MAX_DOCUMENTS_PER_BASE));
    expect(replaced.status).toBe(202); // a new version of a document it holds still fits
  });

  it(`takes a text document of ${MAX_DOCUMENT_BYTES} bytes and refuses one more with a 413 naming content`, async () => {
    const { call, baseId } = await setup();
    const post = (bytes: number) =>
      call('POST', `/v1/knowledge-bases/${baseId}/documents`, {
        content: 'x'.repeat(bytes),
        content_type: 'text/plain',
      });

    expect((await post(MAX_DOCUMENT_BYTES)).status).toBe(202);
    const over = await post(MAX_DOCUMENT_BYTES + 1);
    expect([over.status, over.body.error.details[0].path]).toEqual([413, 'content']);
  });

  it(`accepts a document title of ${MAX_DOCUMENT_TITLE_CHARS} characters and refuses one more`, async () => {
    const { call, baseId } = await setup();
    const post = (title: string) =>
      call('POST', `/v1/knowledge-bases/${baseId}/documents`, { title, content: 'Hello', content_type: 'text/plain' });

    expect((await post('t'.repeat(MAX_DOCUMENT_TITLE_CHARS))).status).toBe(202);
    const over = await post('t'.repeat(MAX_DOCUMENT_TITLE_CHARS + 1));
    expect([over.status, over.body.error.details[0].path]).toEqual([400, 'title']);
  });

  it(`accepts a search query of ${MAX_SEARCH_QUERY_CHARS} characters and refuses one more`, async () => {
    const { call, baseId } = await setup();
    const search = (query: string) => call('POST', `/v1/knowledge-bases/${baseId}/search`, { query });

    expect((await search('q'.repeat(MAX_SEARCH_QUERY_CHARS))).status).toBe(200);
    const over = await search('q'.repeat(MAX_SEARCH_QUERY_CHARS + 1));
    expect([over.status, over.body.error.details[0].path]).toEqual([400, 'query']);
  });

  it(`returns ${DEFAULT_SEARCH_TOP_K} passages by default, up to ${MAX_SEARCH_TOP_K} on request, and refuses more`, async () => {
    const { deps, tenantId, call, baseId } = await setup();
    await givenShippingDocuments(deps, tenantId, baseId, MAX_SEARCH_TOP_K + 1);
    const search = (body: object) =>
      call('POST', `/v1/knowledge-bases/${baseId}/search`, { query: 'shipping', ...body });

    const byDefault = await search({});
    const most = await search({ top_k: MAX_SEARCH_TOP_K });
    const over = await search({ top_k: MAX_SEARCH_TOP_K + 1 });

    expect(byDefault.body.data).toHaveLength(DEFAULT_SEARCH_TOP_K);
    expect(most.body.data).toHaveLength(MAX_SEARCH_TOP_K);
    expect([over.status, over.body.error.details[0].path]).toEqual([400, 'top_k']);
  });

  it(`gives the model at most ${MAX_PROMPT_PASSAGES} passages and ${MAX_PROMPT_CORRECTIONS} corrections`, async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai: bare } = await givenTenantWithAi(deps);
    const base = await createKnowledgeBase(deps, { tenantId, id: 'kb_help', name: 'Help' });
    await givenShippingDocuments(deps, tenantId, base.id, MAX_PROMPT_PASSAGES + 2);
    for (let i = 0; i < MAX_PROMPT_CORRECTIONS + 2; i++) {
      await deps.knowledge.putCorrection({
        tenantId,
        aiId: bare.id,
        id: `cor_${i}`,
        question: 'How long does shipping take?',
        answer: `Correction ${i}`,
        conversationId: 'c',
        messageId: `msg_${i}`,
        createdAt: new Date(i * 1000).toISOString(),
      });
    }
    const ai = { ...bare, knowledgeBaseIds: [base.id] };

    const { context } = await groundReply(deps, { ai, setup: undefined, question: 'How long does shipping take?' });

    expect(context.passages).toHaveLength(MAX_PROMPT_PASSAGES);
    expect(context.corrections).toHaveLength(MAX_PROMPT_CORRECTIONS);
  });

  it(`quotes a passage of ${CITATION_SNIPPET_CHARS} characters whole and cuts a longer one`, () => {
    const exact = 'w'.repeat(CITATION_SNIPPET_CHARS);
    const longer = `${'word '.repeat(CITATION_SNIPPET_CHARS / 5)}more`;

    expect(snippetOf(exact)).toBe(exact);
    expect(snippetOf(longer).length).toBeLessThanOrEqual(CITATION_SNIPPET_CHARS);
    expect(snippetOf(longer).endsWith('…')).toBe(true);
  });

  it(`retries indexing up to attempt ${MAX_INGESTION_ATTEMPTS}, then marks the document failed`, async () => {
    const { deps, call, baseId } = await setup();
    await call('POST', `/v1/knowledge-bases/${baseId}/documents`, { content: 'Hello', content_type: 'text/plain' });
    const [job] = deps.ingestionQueue.jobs.splice(0);
    if (!job) throw new Error('no ingestion job queued');
    const reader = {
      read: async () => {
        throw new Error('the reader crashed');
      },
    };
    const ingest = (attempt: number) => ingestDocument({ ...deps, reader, fetcher: noNetwork }, { ...job, attempt });

    await expect(ingest(MAX_INGESTION_ATTEMPTS - 1)).rejects.toThrow('the reader crashed');
    expect(await ingest(MAX_INGESTION_ATTEMPTS)).toBe('failed');
    const listed = await call('GET', `/v1/knowledge-bases/${baseId}/documents`);
    expect(listed.body.data[0]).toMatchObject({ status: 'failed' });
  });

  it(`keeps the indexes of the ${MAX_CACHED_INDEXES} most recently searched bases in memory`, async () => {
    const cache = new KnowledgeIndexCache();
    let loads = 0;
    const blobs = {
      get: async () => {
        loads++;
        return undefined;
      },
    } as unknown as BlobStore;
    const base = (i: number) =>
      ({ tenantId: 'ten_1', id: `kb_${i}`, version: 1, indexed: { doc: 'upl' } }) as unknown as KnowledgeBase;
    for (let i = 0; i <= MAX_CACHED_INDEXES; i++) await cache.indexOf(blobs, base(i), undefined);
    loads = 0;

    await cache.indexOf(blobs, base(MAX_CACHED_INDEXES), undefined); // cached
    await cache.indexOf(blobs, base(1), undefined); // still cached: only base 0 was pushed out
    expect(loads).toBe(0);
    await cache.indexOf(blobs, base(0), undefined);
    expect(loads).toBe(1);
  });

  it(`takes a file of ${MAX_DOCUMENT_BYTES} bytes with its multipart framing, and refuses a request over ${MAX_DOCUMENT_REQUEST_BYTES} bytes`, async () => {
    const { deps, baseId } = await setup();
    const handle = createHttpHandler(routes);
    const post = (body: Buffer, contentType: string) =>
      handle(deps, {
        ...apiEvent('POST', `/v1/knowledge-bases/${baseId}/documents`, {
          body: body.toString('base64'),
          headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': contentType },
        }),
        isBase64Encoded: true,
      });
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(MAX_DOCUMENT_BYTES).fill(97)], { type: 'text/plain' }), 'big.txt');
    const request = new Request('http://localhost/', { method: 'POST', body: form });
    const multipart = Buffer.from(await request.arrayBuffer());

    const atLimit = await post(multipart, request.headers.get('content-type') ?? '');
    const over = await post(Buffer.alloc(MAX_DOCUMENT_REQUEST_BYTES + 1, 32), 'application/json');

    expect(atLimit.statusCode).toBe(202);
    expect(over.statusCode).toBe(413);
    expect(JSON.parse(over.body ?? '{}').error.code).toBe('payload_too_large');
  });
});
