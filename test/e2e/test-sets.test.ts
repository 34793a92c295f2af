/**
 * Test sets on the local runtime, as a client would: a set written as JSON, cases added by CSV
 * and copied from a real conversation's message, and the copy gone once the conversation is erased.
 */
import { jest } from '@jest/globals';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';

jest.setTimeout(60_000);

const CONVERSATION = 'ines@example.com';

describe('test sets on the local runtime', () => {
  let runtime: RuntimeProcess;
  let receiver: WebhookReceiver;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    [runtime, receiver] = await Promise.all([startRuntimeProcess(), startWebhookReceiver()]);
    api = apiClient(runtime);
  });

  afterAll(async () => {
    await Promise.all([runtime?.stop(), receiver?.stop()]);
  });

  it('builds a set from JSON, CSV and a conversation message, and loses the copy when that conversation is erased', async () => {
    const ai = (await api('POST', '/v1/ais', { type: 'support', name: 'Ada', webhooks: { answer_url: receiver.url } }))
      .body;
    const accepted = await api('POST', '/v2/messages', {
      ai_id: ai.id,
      conversation_id: CONVERSATION,
      message: 'Do you ship kits to Canada?',
    });
    await receiver.waitFor(1, 10_000);

    const created = await api('POST', `/v1/ais/${ai.id}/test-sets`, {
      name: 'Shipping',
      cases: [{ case_id: 'returns', message: 'Can I return a kit?', expect: { contains: ['return'] } }],
    });
    const setPath = `/v1/ais/${ai.id}/test-sets/${created.body.set_id}`;
    const fromCsv = await api(
      'POST',
      `${setPath}/cases`,
      'message,not_contains,abstains\n"Do you ship to Mexico, too?",kit|refund,true\n',
      { 'content-type': 'text/csv' },
    );
    const copied = await api('POST', `${setPath}/cases`, {
      conversation_id: CONVERSATION,
      message_id: accepted.body.message_id,
      expect: { abstains: true },
    });
    const before = await api('GET', setPath);
    const exported = await api('GET', `/v2/conversations/${encodeURIComponent(CONVERSATION)}/export`);

    expect(created.status).toBe(201);
    expect(fromCsv.status).toBe(201);
    expect(copied.status).toBe(201);
    expect(before.body.cases.map((c: { message: string }) => c.message)).toEqual([
      'Can I return a kit?',
      'Do you ship to Mexico, too?',
      'Do you ship kits to Canada?',
    ]);
    expect(before.body.cases[1].expect).toEqual({ not_contains: ['kit', 'refund'], abstains: true });
    expect(before.body.cases[2].source).toEqual({
      conversation_id: CONVERSATION,
      message_id: accepted.body.message_id,
    });
    expect(exported.body.test_cases).toHaveLength(1);

    expect((await api('DELETE', `/v2/conversations/${encodeURIComponent(CONVERSATION)}`)).status).toBe(204);

    const after = await api('GET', setPath);
    expect(after.body.cases.map((c: { case_id: string }) => c.case_id)).toEqual(
      before.body.cases.slice(0, 2).map((c: { case_id: string }) => c.case_id),
    );
    expect(JSON.stringify(after.body)).not.toContain('kits to Canada');
    expect((await api('GET', `/v1/ais/${ai.id}/test-sets`)).body.data).toEqual([
      expect.objectContaining({ set_id: created.body.set_id, case_count: 2 }),
    ]);
  });
});
