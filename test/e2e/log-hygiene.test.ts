/**
 * docs/security.md promises that message text, contact details, keys and secrets never reach the
 * logs. This drives a flow through the local runtime (in its own process, logging at DEBUG, so
 * every log call counts) with distinctive values everywhere, then searches everything it wrote.
 *
 * What counts as a log: the process's stdout and stderr, and LevelDB's own info logs (`LOG`,
 * `LOG.old`) under the data dir. The rest of the data dir is data, not logs: the table (which must
 * hold the conversation), the document blobs, and `events.jsonl`, the local stand-in for the event
 * bus, which carries ids (a conversation id among them) but no message text, contact details,
 * keys or secrets, and is searched for those.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';

// The runtime runs as a separate process, and a failing webhook is retried after 5 s.
jest.setTimeout(90_000);

const CONVERSATION_ID = 'gracielle.hopperfield+leak@example.com';
const FAILING_CONVERSATION_ID = 'failing.receiver.prospect@example.net';
const CONTACT = {
  first_name: 'Wilhelmina',
  last_name: 'Quackenbush',
  email: 'gracielle.contact@example.org',
  phone: '+15557654321',
};
const MESSAGE = 'Does the zebrafish marmalade subscription ship to Reykjavik?';
const FAILING_MESSAGE = 'Tell me about the quokka-powered lawnmower';
const DOCUMENT = 'The aubergine tariff costs 9913 florins and includes the axolotl warranty.';
const LEVELDB_INFO_LOG = /^LOG(\.old)?$/;

describe('the logs of the local runtime', () => {
  let runtime: RuntimeProcess;
  let receiver: WebhookReceiver;
  let failing: WebhookReceiver;

  beforeAll(async () => {
    [runtime, receiver, failing] = await Promise.all([
      startRuntimeProcess({ env: { POWERTOOLS_LOG_LEVEL: 'DEBUG' } }),
      startWebhookReceiver(),
      startWebhookReceiver({ respond: () => ({ status: 500, body: `echo ${FAILING_MESSAGE}` }) }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([receiver?.stop(), failing?.stop()]);
  });

  it('hold no message text, contact detail, conversation id, API key or webhook secret', async () => {
    const bootstrap = apiClient(runtime);
    const key = await bootstrap('POST', '/v1/api-keys', { name: 'Leak test' });
    expect(key.status).toBe(201);
    const api = apiClient({ url: runtime.url, apiKey: key.body.key });
    const ai = await api('POST', '/v1/ais', { type: 'support', name: 'Ada', webhooks: { answer_url: receiver.url } });
    const failingAi = await api('POST', '/v1/ais', {
      type: 'support',
      name: 'Bea',
      webhooks: { answer_url: `${failing.url}?token=catch-hook-token-5521` },
    });
    expect([ai.status, failingAi.status]).toEqual([201, 201]);

    // The answer webhook, a handoff and its resume.
    const posted = await api('POST', '/v2/messages', {
      ai_id: ai.body.id,
      conversation_id: CONVERSATION_ID,
      message: MESSAGE,
      contact: CONTACT,
      channel: 'email',
    });
    expect(posted.status).toBe(202);
    await receiver.waitFor(1, 15_000);
    const path = `/v2/conversations/${encodeURIComponent(CONVERSATION_ID)}`;
    expect((await api('POST', `${path}/handoff`, {})).status).toBe(200);
    expect((await api('POST', `${path}/resume`, {})).status).toBe(200);

    // A knowledge upload, indexed.
    const base = await api('POST', '/v1/knowledge-bases', { name: 'Tariffs' });
    const uploaded = await api('POST', `/v1/knowledge-bases/${base.body.id}/documents`, {
      title: 'Aubergine tariff',
      content: DOCUMENT,
      content_type: 'text/plain',
    });
    expect(uploaded.status).toBe(202);
    await waitUntil(async () => {
      const listed = await api('GET', `/v1/knowledge-bases/${base.body.id}/documents`);
      return listed.body.data.every((d: { status: string }) => d.status !== 'queued');
    });

    // The error path: a receiver that answers 500, echoing message text, attempted twice.
    const failed = await api('POST', '/v2/messages', {
      ai_id: failingAi.body.id,
      conversation_id: FAILING_CONVERSATION_ID,
      message: FAILING_MESSAGE,
      contact: CONTACT,
    });
    expect(failed.status).toBe(202);
    await failing.waitFor(2, 30_000);
    expect(await runtime.stop()).toBe(0);

    const logs = `${runtime.output()}\n${await readLevelDbInfoLogs(runtime.dataDir)}`;
    const events = await readFile(join(runtime.dataDir, 'events.jsonl'), 'utf8');
    const secrets = [key.body.key, ai.body.webhook_secret, failingAi.body.webhook_secret, 'catch-hook-token-5521'];
    const personal = [
      MESSAGE,
      'zebrafish',
      FAILING_MESSAGE,
      'quokka',
      'aubergine',
      'axolotl',
      CONTACT.first_name,
      CONTACT.last_name,
      CONTACT.email,
      CONTACT.phone,
      CONTACT.phone.slice(1),
    ];
    const conversationIds = [CONVERSATION_ID, FAILING_CONVERSATION_ID].flatMap((id) => [id, encodeURIComponent(id)]);
    const found = (text: string, values: string[]) =>
      values.filter((v) => text.toLowerCase().includes(v.toLowerCase()));

    // The flow was logged (the error path, and conversations by their ref), without the values.
    expect(logs).toMatch(/webhook attempt failed; will retry/);
    expect(logs).toMatch(/"conversationRef":"[0-9a-f]{16}"/);
    expect(found(logs, [...secrets, ...personal, ...conversationIds])).toEqual([]);
    expect(found(events, [...secrets, ...personal])).toEqual([]);
  });
});

async function waitUntil(done: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('timed out');
}

/** LevelDB's own info logs anywhere under `dir`: the only files there that are logs rather than data. */
async function readLevelDbInfoLogs(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const logs = entries.filter((e) => e.isFile() && LEVELDB_INFO_LOG.test(e.name));
  const texts = await Promise.all(logs.map((e) => readFile(join(e.parentPath, e.name), 'utf8')));
  return texts.join('\n');
}
