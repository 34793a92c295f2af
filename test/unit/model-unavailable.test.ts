/**
 * A chat model without usable credentials (the deployed stack's OpenAI secret is empty, or the
 * provider refuses the key): nothing made up reaches the prospect, a person is called through the
 * emergency webhook whatever the AI's triggers say, and the ModelUnavailable metric is counted.
 * Use cases over in-memory fakes; the metric through the Powertools instance the handlers use.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { countGenerationOutcome, countTimerOutcome, METRIC, metrics } from '#functions/metrics';
import type { AiSettings } from '#lib/app/ais';
import { fireTimer } from '#lib/app/fire-timer';
import { generateReply } from '#lib/app/generate-reply';
import { ModelUnavailableError } from '#lib/domain/reply';
import { type FakeDeps, makeFakeDeps } from '#test/support/fakes';
import { givenMessage, givenTenantWithAi } from '#test/support/scenario';

const conversationId = 'alice@example.com';
const HOUR = 3_600_000;
const WEBHOOKS = {
  answerUrl: 'https://hooks.example.com/answer',
  followUpUrl: 'https://hooks.example.com/follow-up',
  emergencyUrl: 'https://hooks.example.com/help',
};
/** An AI that calls a person only for legal threats: model_unavailable is not on its list. */
const LEGAL_THREATS_ONLY = { enabled: true, triggers: ['legal_threat' as const], pauseAi: false };

async function setup(settings: Partial<AiSettings> = {}) {
  const deps = makeFakeDeps();
  const { tenantId, ai } = await givenTenantWithAi(deps, { webhooks: WEBHOOKS, ...settings });
  return { deps, tenantId, ai };
}

/** The stored deliveries, each once. */
async function deliveries(deps: FakeDeps, tenantId: string) {
  const ids = [...new Set(deps.deliveryQueue.jobs.map((j) => j.job.deliveryId))];
  const all = await Promise.all(ids.map((id) => deps.deliveries.getDelivery(tenantId, id)));
  return all.map((d) => ({ type: d?.type, url: d?.url, payload: JSON.parse(d?.payload ?? '{}') }));
}

const unavailable = () => new ModelUnavailableError('the OpenAI key is not set');

/** The counts recorded so far in this invocation, as CloudWatch would receive them. */
const recorded = (name: string) => (metrics.serializeMetrics() as unknown as Record<string, unknown>)[name];

afterEach(() => metrics.clearMetrics());

describe('generateReply when the chat model is unavailable', () => {
  it('calls a person through the emergency webhook even when the AI lists no such trigger, and answers nothing', async () => {
    const { deps, tenantId, ai } = await setup({ emergency: LEGAL_THREATS_ONLY });
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId, text: 'How much is it?' });
    deps.chatModel.failNext(unavailable());

    const outcome = await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });
    countGenerationOutcome(outcome);

    expect(outcome).toBe('model_unavailable');
    expect(await deliveries(deps, tenantId)).toEqual([
      {
        type: 'conversation.escalated',
        url: WEBHOOKS.emergencyUrl,
        payload: expect.objectContaining({
          reason: 'model_unavailable',
          summary: expect.stringContaining('model'),
          reply: '',
          question: 'How much is it?',
          message_id: messageId,
        }),
      },
    ]);
    expect(deps.events.ofType('message.answered')).toEqual([]);
    expect(deps.events.ofType('conversation.escalated').map((e) => e.detail.reason)).toEqual(['model_unavailable']);
    expect(recorded(METRIC.modelUnavailable)).toBe(1);
  });

  it('marks the messages escalated, stores no reply and records no knowledge gap', async () => {
    const { deps, tenantId, ai } = await setup();
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId, text: 'Hello?' });
    deps.chatModel.failNext(unavailable());

    await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

    const messages = await deps.conversations.listMessages(tenantId, conversationId);
    expect(messages.map((m) => [m.direction, m.status])).toEqual([['inbound', 'escalated']]);
    expect((await deps.knowledge.listKnowledgeGaps(tenantId, { limit: 10 })).items).toEqual([]);
  });

  it('escalates at once, on the first attempt, rather than retrying what cannot succeed', async () => {
    const { deps, tenantId, ai } = await setup();
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId, text: 'Hello?' });
    deps.chatModel.failNext(unavailable());
    await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

    const again = await generateReply(deps, { tenantId, conversationId, messageId, attempt: 2 });

    expect(again).toBe('nothing_to_do');
    expect(deps.chatModel.requests).toHaveLength(1);
    expect(await deliveries(deps, tenantId)).toHaveLength(1);
  });

  it('calls a person even when the AI turned emergencies off', async () => {
    const { deps, tenantId, ai } = await setup({ emergency: { enabled: false, triggers: [], pauseAi: false } });
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId, text: 'Hello?' });
    deps.chatModel.failNext(unavailable());

    await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

    expect((await deliveries(deps, tenantId)).map((d) => d.payload.reason)).toEqual(['model_unavailable']);
  });

  it('sends no webhook when the AI has no emergency URL, but still publishes the escalation', async () => {
    const { deps, tenantId, ai } = await setup({ webhooks: { answerUrl: WEBHOOKS.answerUrl } });
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId, text: 'Hello?' });
    deps.chatModel.failNext(unavailable());

    const outcome = await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

    expect(outcome).toBe('model_unavailable');
    expect(await deliveries(deps, tenantId)).toEqual([]);
    expect(deps.events.ofType('conversation.escalated')).toEqual([
      expect.objectContaining({ detail: expect.not.objectContaining({ delivery_id: expect.anything() }) }),
    ]);
  });

  it('still retries a transient model fault instead of calling it unavailable', async () => {
    const { deps, tenantId, ai } = await setup();
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId, text: 'Hello?' });
    deps.chatModel.failNext(Object.assign(new Error('429 Rate limit reached'), { status: 429 }));

    await expect(generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 })).rejects.toThrow('429');
    expect(await deliveries(deps, tenantId)).toEqual([]);
  });
});

describe('fireTimer when the chat model is unavailable', () => {
  async function quietProspect(settings: Partial<AiSettings> = {}) {
    const context = await setup({
      followUp: { enabled: true, dropoffAfterHours: 2, maxNudges: 3, timezone: 'UTC' },
      ...settings,
    });
    const { deps, tenantId, ai } = context;
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId, text: 'Tell me more' });
    await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });
    deps.clock.advance(2 * HOUR);
    return { ...context, nudge: deps.timers.take('dropoff') };
  }

  it('sends no nudge, calls a person once, arms no further nudge and counts the metric', async () => {
    const { deps, tenantId, nudge } = await quietProspect({ emergency: LEGAL_THREATS_ONLY });
    deps.chatModel.failNext(unavailable()).failNext(unavailable());

    const first = await fireTimer(deps, nudge);
    const again = await fireTimer(deps, nudge);
    countTimerOutcome(nudge.kind, first);

    expect([first, again]).toEqual(['model_unavailable', 'model_unavailable']);
    const sent = await deliveries(deps, tenantId);
    expect(sent.map((d) => d.type)).toEqual(['message.answered', 'conversation.escalated']);
    expect(sent[1]).toMatchObject({
      url: WEBHOOKS.emergencyUrl,
      payload: { reason: 'model_unavailable', reply: '', summary: expect.stringContaining('nudge') },
    });
    expect(new Set(deps.events.ofType('conversation.escalated').map((e) => e.id)).size).toBe(1);
    expect((await deps.conversations.listMessages(tenantId, conversationId)).map((m) => m.kind)).toEqual([
      'prospect',
      'reply',
    ]);
    expect(deps.timers.ofKind('dropoff')).toBeUndefined();
    expect(recorded(METRIC.modelUnavailable)).toBe(1);
    expect(recorded(METRIC.nudgesSent)).toBeUndefined();
  });

  it('sends the nudge as usual once the model is back', async () => {
    const { deps, tenantId, nudge } = await quietProspect();

    const outcome = await fireTimer(deps, nudge);

    expect(outcome).toBe('sent');
    expect((await deliveries(deps, tenantId)).map((d) => d.type)).toEqual(['message.answered', 'dropoff.sent']);
  });
});
