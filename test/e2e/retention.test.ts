/**
 * Retention over HTTP on the local runtime: a conversation untouched for longer than the account's
 * `data_retention_days` is gone when the runtime starts again days later (its clock moved on by a
 * preloaded module, as if the laptop had been closed for two days).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jest } from '@jest/globals';
import { apiClient, newDataDir, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';

jest.setTimeout(90_000);

const CONVERSATION = 'ada@example.com';
const path = `/v2/conversations/${encodeURIComponent(CONVERSATION)}`;
const TWO_DAYS_MS = 2 * 24 * 60 * 60 * 1000;
const SHIFTED_CLOCK = pathToFileURL(join(process.cwd(), 'test/support/shifted-clock.mjs')).href;

describe('retention on the local runtime', () => {
  let receiver: WebhookReceiver;
  let runtime: RuntimeProcess | undefined;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });

  afterAll(async () => {
    await Promise.all([runtime?.stop(), receiver?.stop()]);
  });

  it('erases a conversation untouched for longer than the account keeps data, with all it held', async () => {
    const dataDir = await newDataDir();
    runtime = await startRuntimeProcess({ dataDir });
    let api = apiClient(runtime);
    const ai = await api('POST', '/v1/ais', { type: 'support', name: 'Ada', webhooks: { answer_url: receiver.url } });
    await api('POST', '/v2/messages', {
      ai_id: ai.body.id,
      conversation_id: CONVERSATION,
      message: 'Do you deliver on Sundays?',
      contact: { first_name: 'Ada', email: CONVERSATION },
    });
    await receiver.waitFor(1, 10_000);
    expect((await api('PATCH', '/v1/account', { data_retention_days: 1 })).status).toBe(200);
    expect((await api('GET', path)).status).toBe(200);
    await runtime.stop();

    runtime = await startRuntimeProcess({
      dataDir,
      preload: [SHIFTED_CLOCK],
      env: { PARLEY_TEST_CLOCK_SHIFT_MS: String(TWO_DAYS_MS) },
    });
    api = apiClient(runtime);

    expect((await api('GET', path)).status).toBe(404);
    expect((await api('GET', `${path}/export`)).status).toBe(404);
    const inbox = await api('GET', '/v2/conversations');
    expect(inbox.body.data.map((row: { conversation_id: string }) => row.conversation_id)).not.toContain(CONVERSATION);
    expect(JSON.stringify((await api('GET', '/v2/deliveries')).body)).not.toContain('Sundays');
    const events = (await readFile(join(dataDir, 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const deleted = events.filter((event) => event.type === 'conversation.deleted');
    expect(deleted).toHaveLength(1);
    expect(deleted[0].detail).toMatchObject({ reason: 'retention' });
    expect(JSON.stringify(deleted)).not.toContain(CONVERSATION);
  });
});
