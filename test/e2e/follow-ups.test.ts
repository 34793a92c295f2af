/**
 * Keeping conversations alive on the local runtime, over HTTP, with a real webhook receiver and
 * the runtime's own persisted timers: a nudge arrives after the quiet period, once; a reply re-arms
 * it; a requested follow-up is scheduled at the instant the prospect named; handoff stops the AI;
 * a request for a person reaches the emergency webhook. Drop-off periods are fractions of an hour
 * (a few seconds), as the API allows.
 */
import { jest } from '@jest/globals';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';
import { type ReceivedWebhook, startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';

jest.setTimeout(90_000);

/** 0.001 h = 3.6 s of silence before a nudge. */
const DROPOFF_HOURS = 0.001;
const DROPOFF_MS = DROPOFF_HOURS * 3_600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Payload = { type: string; conversation_id: string; reason?: string; summary?: string; reply: string };
const payloadOf = (webhook: ReceivedWebhook) => webhook.json as Payload;

describe('follow-ups, nudges, handoff and emergencies on the local runtime', () => {
  let runtime: RuntimeProcess;
  let receiver: WebhookReceiver;
  let api: ReturnType<typeof apiClient>;
  let aiId: string;

  beforeAll(async () => {
    [runtime, receiver] = await Promise.all([startRuntimeProcess(), startWebhookReceiver()]);
    api = apiClient(runtime);
    const created = await api('POST', '/v1/ais', {
      type: 'support',
      name: 'Ada',
      webhooks: {
        answer_url: `${receiver.url}/answer`,
        follow_up_url: `${receiver.url}/follow-up`,
        emergency_url: `${receiver.url}/emergency`,
      },
      follow_up: { enabled: true, dropoff_after_hours: DROPOFF_HOURS, max_nudges: 1, timezone: 'UTC' },
    });
    expect(created.status).toBe(201);
    aiId = created.body.id;
  });

  afterAll(async () => {
    await Promise.all([runtime?.stop(), receiver?.stop()]);
  });

  /** Webhooks of one conversation, optionally of one type, in arrival order. */
  const webhooksOf = (conversationId: string, type?: string) =>
    receiver.received.filter((w) => {
      const payload = payloadOf(w);
      return payload.conversation_id === conversationId && (type === undefined || payload.type === type);
    });

  async function waitUntil(condition: () => boolean, timeoutMs: number, what: string) {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${runtime.output()}`);
      await sleep(50);
    }
  }

  async function send(conversationId: string, message: string, extra: Record<string, unknown> = {}) {
    const posted = await api('POST', '/v2/messages', {
      ai_id: aiId,
      conversation_id: conversationId,
      message,
      ...extra,
    });
    expect(posted.status).toBe(202);
    return posted.body.message_id as string;
  }

  it('nudges a quiet prospect once, after the quiet period, and a reply re-arms the nudge', async () => {
    const conversation = 'quiet@example.com';
    await send(conversation, 'Hi, what do you offer?');
    await waitUntil(() => webhooksOf(conversation, 'message.answered').length === 1, 10_000, 'the first answer');
    const firstAnswerAt = webhooksOf(conversation)[0]?.at ?? 0;

    await sleep(DROPOFF_MS / 2);
    await send(conversation, 'And do you ship abroad?');
    await waitUntil(() => webhooksOf(conversation, 'message.answered').length === 2, 10_000, 'the second answer');
    const secondAnswerAt = webhooksOf(conversation, 'message.answered')[1]?.at ?? 0;
    await waitUntil(() => webhooksOf(conversation, 'dropoff.sent').length === 1, 15_000, 'the nudge');
    await sleep(DROPOFF_MS * 1.5);

    const nudges = webhooksOf(conversation, 'dropoff.sent');
    expect(nudges).toHaveLength(1);
    expect(nudges[0]?.path).toMatch(/\/follow-up$/);
    // Re-armed by the second answer: due a full quiet period after it, not after the first.
    expect((nudges[0]?.at ?? 0) - secondAnswerAt).toBeGreaterThanOrEqual(DROPOFF_MS - 500);
    expect((nudges[0]?.at ?? 0) - firstAnswerAt).toBeGreaterThan(DROPOFF_MS * 1.4);
    const read = await api('GET', `/v2/conversations/${conversation}`);
    expect(read.body.messages.map((m: { kind: string }) => m.kind)).toEqual([
      'prospect',
      'reply',
      'prospect',
      'reply',
      'nudge',
    ]);
    expect(read.body.scheduled).toEqual([]);
  });

  it('schedules a requested follow-up at the instant the prospect named, in their timezone', async () => {
    const conversation = 'tokyo@example.com';
    // Tokyo has no daylight saving time: "tomorrow at 3pm" there is 06:00 UTC on the next Tokyo date.
    const tokyoToday = new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
    const tomorrow = new Date(`${tokyoToday}T06:00:00.000Z`);
    tomorrow.setUTCDate(tomorrow.getUTCDate() + 1);

    await send(conversation, 'Busy now. Can you call me tomorrow at 3pm?', { contact: { timezone: 'Asia/Tokyo' } });
    await waitUntil(() => webhooksOf(conversation, 'message.answered').length === 1, 10_000, 'the answer');
    const read = await api('GET', `/v2/conversations/${conversation}`);

    expect(read.body.scheduled).toContainEqual({ kind: 'follow_up', at: tomorrow.toISOString() });
  });

  it('stops answering while a person has the conversation, and answers again once it is given back', async () => {
    const conversation = 'handoff@example.com';
    await send(conversation, 'Hello');
    await waitUntil(() => webhooksOf(conversation, 'message.answered').length === 1, 10_000, 'the answer');

    const handedOff = await api('POST', `/v2/conversations/${conversation}/handoff`);
    const whileHandedOff = await send(conversation, 'Is a person reading this?');
    const path = `/v1/conversations/${conversation}/messages/${whileHandedOff}`;
    let polled = await api('GET', path);
    for (let i = 0; i < 100 && polled.body.status === 'queued'; i++) {
      await sleep(50);
      polled = await api('GET', path);
    }
    await sleep(DROPOFF_MS + 500);
    const resumed = await api('POST', `/v2/conversations/${conversation}/resume`);
    await send(conversation, 'Thanks!');
    await waitUntil(() => webhooksOf(conversation, 'message.answered').length === 2, 10_000, 'the answer after resume');

    expect(handedOff.body).toMatchObject({ status: 'handed_off', scheduled: [] });
    expect(polled.body.status).toBe('escalated');
    expect(webhooksOf(conversation, 'dropoff.sent')).toEqual([]);
    expect(resumed.body.status).toBe('active');
  });

  it('calls a person through the emergency webhook when the prospect asks for one', async () => {
    const conversation = 'human@example.com';

    await send(conversation, 'Can I speak to a real person, please?');
    await waitUntil(() => webhooksOf(conversation, 'conversation.escalated').length === 1, 10_000, 'the escalation');

    const [escalated] = webhooksOf(conversation, 'conversation.escalated');
    expect(escalated?.path).toMatch(/\/emergency$/);
    expect(payloadOf(escalated as ReceivedWebhook)).toMatchObject({
      reason: 'human_requested',
      summary: expect.any(String),
      suggested_reply: expect.stringMatching(/colleague/),
    });
  });
});
