/**
 * A model that answers 429 for a while delays the answer and calls no one; one that never recovers
 * is escalated once, as model_unavailable, after the wait budget. The local runtime as a process,
 * the real openai SDK against the fake OpenAI server, a real webhook receiver.
 */
import { jest } from '@jest/globals';
import { ENV } from '#lib/config';
import { type FakeOpenAi, parleyReplyContent, startFakeOpenAi } from '#test/support/fake-openai';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';

// The first case waits out half a minute of 429s with the real budget.
jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const RATE_LIMITED = {
  status: 429,
  headers: { 'retry-after': '1' },
  body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
};

/** The webhook bodies' type and reason, in arrival order. */
function eventsOf(receiver: WebhookReceiver): [unknown, unknown][] {
  return receiver.received.map((r) => {
    const body = r.json as { type?: unknown; reason?: unknown };
    return [body.type, body.reason];
  });
}

/** 429 with `Retry-After: 1` until `window.until` (Date.now() ms, read at each request), then good answers. */
function rateLimitedUntil(model: FakeOpenAi, window: { until: number }): void {
  model.setResponder(() => (Date.now() < window.until ? RATE_LIMITED : { content: parleyReplyContent() }));
}

describe('a busy model on the local runtime', () => {
  let model: FakeOpenAi;
  let receiver: WebhookReceiver;
  let runtime: RuntimeProcess | undefined;

  beforeAll(async () => {
    [model, receiver] = await Promise.all([startFakeOpenAi(), startWebhookReceiver()]);
  });

  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    receiver.received.length = 0;
    model.requests.length = 0;
  });

  afterAll(async () => {
    await Promise.all([model?.stop(), receiver?.stop()]);
  });

  async function postMessage(env: Record<string, string>, conversationId: string) {
    runtime = await startRuntimeProcess({ env: { OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: 'test', ...env } });
    const api = apiClient(runtime);
    const ai = await api('POST', '/v1/ais', {
      type: 'support',
      name: 'Max',
      webhooks: { answer_url: receiver.url, emergency_url: receiver.url },
      emergency: { enabled: true, triggers: ['legal_threat'] },
    });
    expect(ai.status).toBe(201);
    const posted = await api('POST', '/v2/messages', {
      ai_id: ai.body.id,
      conversation_id: conversationId,
      message: 'How much is it?',
    });
    expect(posted.status).toBe(202);
    return { api, postedAt: Date.now() };
  }

  it('answers once, late, and calls no one, when the model answers 429 for 30 seconds (the ten-minute budget)', async () => {
    // The half minute counts from the message's posting, not from before the runtime started (a
    // slow start on a loaded machine would otherwise eat into it).
    const window = { until: Number.POSITIVE_INFINITY };
    rateLimitedUntil(model, window);
    const { api, postedAt } = await postMessage({}, 'rate-limited@example.com');
    window.until = postedAt + 30_000;

    await receiver.waitFor(1, 90_000);
    const answeredAfter = Date.now() - postedAt;
    await sleep(2_000);

    expect(eventsOf(receiver)).toEqual([['message.answered', undefined]]);
    expect(answeredAfter).toBeGreaterThanOrEqual(29_000);
    // Tries with growing waits (2, 2, 4, 8, 16 s…), not one a second.
    expect(model.requests.length).toBeLessThanOrEqual(8);
    const conversation = await api('GET', '/v2/conversations/rate-limited%40example.com');
    expect(conversation.body.messages.map((m: { direction: string }) => m.direction)).toEqual(['inbound', 'outbound']);
  });

  it('escalates once, as model_unavailable, after a shortened budget when the model never recovers', async () => {
    rateLimitedUntil(model, { until: Number.POSITIVE_INFINITY });
    const { api, postedAt } = await postMessage({ [ENV.modelFaultBudgetSeconds]: '5' }, 'down@example.com');

    await receiver.waitFor(1, 30_000);
    const escalatedAfter = Date.now() - postedAt;
    await sleep(3_000);

    expect(eventsOf(receiver)).toEqual([['conversation.escalated', 'model_unavailable']]);
    expect(escalatedAfter).toBeGreaterThanOrEqual(5_000);
    const conversation = await api('GET', '/v2/conversations/down%40example.com');
    expect(conversation.body.messages.map((m: { direction: string }) => m.direction)).toEqual(['inbound']);
  });
});
