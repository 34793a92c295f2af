/**
 * Knowledge bases end to end on the local runtime, as a business uses them: every format goes in
 * over HTTP (files as multipart/form-data, text as JSON, a web page by URL from a loopback site),
 * is indexed by the ingester behind its queue, and its fact is found first for a plainly worded
 * question; deletion and re-upload show at once; a correction changes a later answer; bad files
 * get a 4xx or a failed status with the reason.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';

// The runtime runs as a separate process; starting it and indexing a dozen documents takes seconds.
jest.setTimeout(120_000);

const FIXTURES = join(process.cwd(), 'test/fixtures/documents');

const CAREERS_PAGE = `<!DOCTYPE html><html><head><title>Careers at Acme</title>
<script>document.write('tracking')</script></head>
<body><nav><a href="/">Home</a> <a href="/shop">Shop</a></nav>
<main><h1>Careers</h1><p>We are hiring a barista for our Amsterdam coffee bar, starting in March.</p></main>
<footer>Cookie settings</footer></body></html>`;

/** A small website on loopback for the URL document (the local runtime may fetch loopback). */
async function startSite(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/careers') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(CAREERS_PAGE);
      return;
    }
    res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('knowledge bases on the local runtime', () => {
  let runtime: RuntimeProcess;
  let api: ReturnType<typeof apiClient>;
  let site: { url: string; server: Server };

  beforeAll(async () => {
    [runtime, site] = await Promise.all([startRuntimeProcess(), startSite()]);
    api = apiClient(runtime);
  });

  afterAll(async () => {
    await runtime?.stop();
    site?.server.close();
  });

  async function uploadFile(baseId: string, name: string, type: string) {
    const form = new FormData();
    form.set('file', new Blob([await readFile(join(FIXTURES, name))], { type }), name);
    const response = await fetch(`${runtime.url}/v1/knowledge-bases/${baseId}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runtime.apiKey}` },
      body: form,
    });
    return { status: response.status, body: (await response.json()) as { document_id: string } };
  }

  /** Polls the base's documents until none is queued any more. */
  async function waitUntilIndexed(baseId: string) {
    for (let i = 0; i < 300; i++) {
      const listed = await api('GET', `/v1/knowledge-bases/${baseId}/documents?limit=100`);
      if (listed.body.data.every((d: { status: string }) => d.status !== 'queued')) return listed.body.data;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`documents of ${baseId} still queued:\n${runtime.output()}`);
  }

  async function topHit(baseId: string, query: string) {
    const found = await api('POST', `/v1/knowledge-bases/${baseId}/search`, { query, top_k: 3 });
    return found.body.data[0];
  }

  it('ingests every format and finds each fact at rank 1 for a plainly worded question', async () => {
    const base = await api('POST', '/v1/knowledge-bases', { name: 'Acme help centre' });
    const id = base.body.id;
    const files = {
      pdf: await uploadFile(id, 'refund-policy.pdf', 'application/pdf'),
      docx: await uploadFile(id, 'price-sheet.docx', 'application/octet-stream'),
      txt: await uploadFile(id, 'returns.txt', 'text/plain'),
      md: await uploadFile(id, 'shipping.md', 'text/markdown'),
      html: await uploadFile(id, 'warranty.html', 'text/html'),
      csv: await uploadFile(id, 'plans.csv', 'text/csv'),
    };
    const json = {
      text: await api('POST', `/v1/knowledge-bases/${id}/documents`, {
        title: 'Opening hours',
        content: 'Our showroom in Utrecht opens at 9am on weekdays and at 11am on Saturdays.',
      }),
      markdown: await api('POST', `/v1/knowledge-bases/${id}/documents`, {
        title: 'Gift wrapping',
        content: '# Gift wrapping\n\nWe gift-wrap any order for €3 per item, with a handwritten card.',
        content_type: 'text/markdown',
      }),
      html: await api('POST', `/v1/knowledge-bases/${id}/documents`, {
        title: 'Loyalty points',
        content: '<h1>Loyalty</h1><p>You earn one loyalty point for every euro you spend.</p><script>x()</script>',
        content_type: 'text/html',
      }),
      url: await api('POST', `/v1/knowledge-bases/${id}/documents`, { url: `${site.url}/careers` }),
    };

    const documents = await waitUntilIndexed(id);

    for (const upload of [...Object.values(files), ...Object.values(json)]) expect(upload.status).toBe(202);
    expect(documents.filter((d: { status: string }) => d.status !== 'ready')).toEqual([]);
    const questions: [string, { body: { document_id: string } }][] = [
      ['How long does it take to get my refund?', files.pdf],
      ['Does every plan include single sign-on?', files.docx],
      ['Who pays the postage when I send something back?', files.txt],
      ['Which city is your warehouse in?', files.md],
      ['How many years of warranty does the kettle have?', files.html],
      ['Which plan comes with a dedicated manager?', files.csv],
      ['When does the showroom open on Saturday?', json.text],
      ['How much is gift wrapping?', json.markdown],
      ['How do I earn loyalty points?', json.html],
      ['Are you hiring?', json.url],
    ];
    for (const [question, upload] of questions) {
      expect([question, (await topHit(id, question))?.document_id]).toEqual([question, upload.body.document_id]);
    }
    const page = documents.find((d: { document_id: string }) => d.document_id === json.url.body.document_id);
    expect(page.title).toBe('Careers at Acme');
    expect((await topHit(id, 'Are you hiring?')).text).not.toMatch(/Cookie|Home|tracking/);
  });

  it('reflects a deletion and a re-upload at once', async () => {
    const base = await api('POST', '/v1/knowledge-bases', { name: 'Policies' });
    const id = base.body.id;
    const first = await api('POST', `/v1/knowledge-bases/${id}/documents`, {
      title: 'Delivery promise',
      content: 'Parcels are delivered within 3 days.',
    });
    const other = await uploadFile(id, 'returns.txt', 'text/plain');
    await waitUntilIndexed(id);

    await api('DELETE', `/v1/knowledge-bases/${id}/documents/${other.body.document_id}`);
    const afterDelete = await api('POST', `/v1/knowledge-bases/${id}/search`, { query: 'return postage' });
    await api('POST', `/v1/knowledge-bases/${id}/documents`, {
      title: 'Delivery promise',
      content: 'Parcels are delivered within 2 days.',
    });
    await waitUntilIndexed(id);
    const afterReupload = await api('POST', `/v1/knowledge-bases/${id}/search`, {
      query: 'how fast are parcels delivered',
    });

    expect(afterDelete.body.data.map((p: { document_id: string }) => p.document_id)).not.toContain(
      other.body.document_id,
    );
    expect(afterReupload.body.data.map((p: { text: string }) => p.text)).toEqual([
      'Parcels are delivered within 2 days.',
    ]);
    expect(afterReupload.body.data[0].document_id).toBe(first.body.document_id);
  });

  it('answers from the knowledge with citations, and a correction changes a later answer', async () => {
    const base = await api('POST', '/v1/knowledge-bases', { name: 'Shipping' });
    await api('POST', `/v1/knowledge-bases/${base.body.id}/documents`, {
      title: 'Shipping to Canada',
      content: 'Orders to Canada arrive within 10 business days.',
    });
    await waitUntilIndexed(base.body.id);
    const ai = await api('POST', '/v1/ais', {
      type: 'support',
      name: 'Kim',
      webhooks: { answer_url: 'http://127.0.0.1:9/answer' },
      knowledge_base_ids: [base.body.id],
    });
    const question = 'How long do orders to Canada take to arrive?';

    const grounded = await api('POST', `/v1/ais/${ai.body.id}/test`, { message: question });
    const asked = await api('POST', '/v1/conversations', { ai_id: ai.body.id, question });
    const path = `/v1/conversations/${asked.body.conversation_id}/messages/${asked.body.message_id}`;
    let polled = await api('GET', path);
    for (let i = 0; i < 200 && polled.body.status !== 'answered'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      polled = await api('GET', path);
    }
    const feedback = await api('POST', `${path}/feedback`, {
      rating: 'down',
      correction: 'Since November, orders to Canada arrive within 4 business days.',
    });
    const corrected = await api('POST', `/v1/ais/${ai.body.id}/test`, {
      message: 'How long do orders to Canada take to arrive?',
    });
    const gaps = await api('GET', '/v1/knowledge-gaps');

    expect(grounded.body.reply).toContain('10 business days');
    expect(grounded.body.citations).toEqual([
      { document_id: expect.any(String), title: 'Shipping to Canada', snippet: expect.stringContaining('10 business') },
    ]);
    expect(polled.body.answer).toContain('10 business days');
    expect(feedback.status).toBe(200);
    expect(corrected.body.reply).toContain('within 4 business days');
    expect(gaps.body.data).toContainEqual(expect.objectContaining({ reason: 'rated_down', question }));
  });

  it('refuses a file type it cannot read, and marks a corrupt file failed with the reason', async () => {
    const base = await api('POST', '/v1/knowledge-bases', { name: 'Misc' });
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' }), 'logo.png');
    const refused = await fetch(`${runtime.url}/v1/knowledge-bases/${base.body.id}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runtime.apiKey}` },
      body: form,
    });

    const corrupt = await uploadFile(base.body.id, 'encrypted-or-corrupt.pdf', 'application/pdf');
    const [failed] = await waitUntilIndexed(base.body.id);

    expect(refused.status).toBe(415);
    expect(((await refused.json()) as { error: { details: unknown } }).error.details).toEqual([
      { path: 'file', message: expect.any(String) },
    ]);
    expect(corrupt.status).toBe(202);
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/PDF/) });
  });
});
