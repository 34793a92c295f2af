/**
 * Erasure, export and the account's retention over HTTP on the local runtime, as a client would:
 * the runtime in its own process, its answer webhooks to a real receiver on loopback.
 */
import { jest } from '@jest/globals';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';

jest.setTimeout(60_000);

const CONVERSATION = 'grace@example.com';
const path = `/v2/conversations/${encodeURIComponent(CONVERSATION)}`;

describe('data rights on the local runtime', () => {
  let runtime: RuntimeProcess;
  let receiver: WebhookReceiver;
  let api: ReturnType<typeof apiClient>;
  let ai: { id: string };

  beforeAll(async () => {
    [runtime, receiver] = await Promise.all([startRuntimeProcess(), startWebhookReceiver()]);
    api = apiClient(runtime);
    const created = await api('POST', '/v1/ais', {
      type: 'support',
      name: 'Ada',
      webhooks: { answer_url: receiver.url },
      follow_up: { enabled: true, dropoff_after_hours: 24, max_nudges: 1, timezone: 'UTC' },
    });
    expect(created.status).toBe(201);
    ai = created.body;
  });

  afterAll(async () => {
    await Promise.all([runtime?.stop(), receiver?.stop()]);
  });

  it('erases a conversation with its messages, timer and delivery body; the id then starts afresh', async () => {
    await api('POST', '/v2/messages', {
      ai_id: ai.id,
      conversation_id: CONVERSATION,
      message: 'What are your opening hours?',
      contact: { first_name: 'Grace', email: CONVERSATION },
    });
    await receiver.waitFor(1, 10_000);
    const before = await api('GET', path);
    expect(before.body.messages).toHaveLength(2);
    expect(before.body.scheduled.length).toBeGreaterThan(0);
    const exported = await api('GET', `${path}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body.deliveries[0].body).toMatchObject({ conversation_id: CONVERSATION });

    expect((await api('DELETE', path)).status).toBe(204);

    expect((await api('GET', path)).status).toBe(404);
    expect((await api('GET', `${path}/export`)).status).toBe(404);
    expect((await api('DELETE', path)).status).toBe(404);
    const deliveries = await api('GET', '/v2/deliveries');
    expect(JSON.stringify(deliveries.body)).not.toContain('opening hours');
    const again = await api('POST', '/v2/messages', {
      ai_id: ai.id,
      conversation_id: CONVERSATION,
      message: 'Hi again',
    });
    expect(again.status).toBe(202);
    const fresh = await api('GET', path);
    expect(fresh.body.messages[0].text).toBe('Hi again');
    expect(JSON.stringify(fresh.body)).not.toContain('opening hours');
  });

  it('reads and changes the account retention, refusing values out of range by field', async () => {
    expect((await api('GET', '/v1/account')).body).toMatchObject({ data_retention_days: null });

    const set = await api('PATCH', '/v1/account', { data_retention_days: 30 });
    const refused = await api('PATCH', '/v1/account', { data_retention_days: 0 });

    expect(set.body).toMatchObject({ data_retention_days: 30 });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].path).toBe('data_retention_days');
    expect((await api('GET', path)).status).toBe(200);
  });
});
