/**
 * V1 polling end to end, as a simple Zap uses it: post a question without naming the AI, then poll
 * the message until it is answered. The local runtime runs in its own process; the AI's answer
 * webhook goes to a loopback receiver, so the polled answer can be checked against what was sent.
 */
import { jest } from '@jest/globals';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';

// The runtime runs as a separate process; starting it takes seconds.
jest.setTimeout(60_000);

const POLLS = 50;
const POLL_INTERVAL_MS = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('V1 polling on the local runtime', () => {
  let runtime: RuntimeProcess;
  let receiver: WebhookReceiver;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    [runtime, receiver] = await Promise.all([startRuntimeProcess(), startWebhookReceiver()]);
    api = apiClient(runtime);
    const created = await api('POST', '/v1/ais', {
      type: 'support',
      name: 'Ada',
      webhooks: { answer_url: receiver.url },
    });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await Promise.all([runtime?.stop(), receiver?.stop()]);
  });

  it("answers a question posted without ai_id, and the polled answer is the webhook's reply", async () => {
    const posted = await api('POST', '/v1/conversations', {
      question: 'Hello! What are your opening hours?',
      contact: { first_name: 'Grace', email: 'grace@example.com' },
      channel: 'email',
    });
    expect(posted.status).toBe(202);
    expect(posted.body).toEqual({
      conversation_id: expect.stringMatching(/^conv_/),
      message_id: expect.any(String),
      status: 'queued',
    });
    const path = `/v1/conversations/${posted.body.conversation_id}/messages/${posted.body.message_id}`;

    let polled = await api('GET', path);
    for (let i = 0; i < POLLS && polled.body?.status !== 'answered'; i++) {
      await sleep(POLL_INTERVAL_MS);
      polled = await api('GET', path);
    }

    expect(polled.status).toBe(200);
    expect(polled.body).toEqual({
      message_id: posted.body.message_id,
      conversation_id: posted.body.conversation_id,
      status: 'answered',
      answer: expect.stringMatching(/\S/),
      answered_at: expect.any(String),
      // The AI knows nothing of opening hours: it abstains and asks a colleague to answer.
      needs_human: true,
      confidence: 'low',
    });
    const [webhook] = await receiver.waitFor(1, 10_000);
    expect(webhook?.json).toMatchObject({
      type: 'message.answered',
      conversation_id: posted.body.conversation_id,
      question: 'Hello! What are your opening hours?',
      reply: polled.body.answer,
    });
    const conversation = await api('GET', `/v1/conversations/${posted.body.conversation_id}`);
    expect(conversation.body.messages).toEqual([
      expect.objectContaining({ message_id: posted.body.message_id, direction: 'inbound', status: 'answered' }),
      expect.objectContaining({ direction: 'outbound', kind: 'reply', text: polled.body.answer }),
    ]);
  });
});
