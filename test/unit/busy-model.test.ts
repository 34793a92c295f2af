/**
 * A busy model (429, 5xx, timeouts) is waited out, then escalated: generateReply and fireTimer over
 * in-memory fakes, a fake clock and a model that is busy until a given time. The generation queue
 * is played by `deliverLikeSqs`: each receive counts, a deferred record comes back after its wait,
 * any other failure after the local runtime's 5 s.
 */
import { describe, expect, it } from '@jest/globals';
import { GENERATION_MAX_RECEIVE_COUNT } from '#lib/queue-settings';
import type { AiSettings } from '#lib/app/ais';
import { fireTimer } from '#lib/app/fire-timer';
import { type GenerationOutcome, generateReply, ReplyDeferredError } from '#lib/app/generate-reply';
import { MAX_GENERATION_ATTEMPTS } from '#lib/domain/limits/generation';
import { MODEL_FAULT_BUDGET_MS, MODEL_FAULT_MAX_WAIT_SECONDS } from '#lib/domain/model-faults';
import { MalformedModelOutputError, ModelBusyError, type ModelReply, type ReplyRequest } from '#lib/domain/reply';
import type { ChatModel } from '#lib/ports/chat-model';
import type { TimerPayload } from '#lib/ports/timers';
import { answerTo, makeFakeDeps, type FakeClock, type FakeDeps } from '#test/support/fakes';
import { givenMessage, givenTenantWithAi } from '#test/support/scenario';

const conversationId = 'alice@example.com';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const WEBHOOKS = { answerUrl: 'https://hooks.example.com/answer', emergencyUrl: 'https://hooks.example.com/help' };
/** model_unavailable is not on this AI's list: it reaches the emergency webhook all the same. */
const LEGAL_THREATS_ONLY = { enabled: true, triggers: ['legal_threat' as const], pauseAi: false };
/** What the local runtime gives a failed record before it comes back. */
const FAILURE_VISIBILITY_MS = 5_000;

/** Answers 429 with `Retry-After` until `until` (ms on the fake clock), then answers well. */
class BusyModel implements ChatModel {
  calls = 0;
  constructor(
    private readonly clock: FakeClock,
    private readonly until: number,
    private readonly retryAfterMs = 1_000,
  ) {}
  async generateReply(request: ReplyRequest): Promise<ModelReply> {
    this.calls += 1;
    if (this.clock.now().getTime() < this.until) {
      throw new ModelBusyError("the model's provider answered HTTP 429", { retryAfterMs: this.retryAfterMs });
    }
    return answerTo(request);
  }
}

async function setup(options: { busyForMs: number; settings?: Partial<AiSettings>; retryAfterMs?: number }) {
  // A fixed jitter: every wait 10 % longer than the schedule's.
  const deps: FakeDeps & { random: () => number } = Object.assign(makeFakeDeps(), { random: () => 0.5 });
  const model = new BusyModel(deps.clock, deps.clock.now().getTime() + options.busyForMs, options.retryAfterMs);
  deps.chatModel = model as unknown as FakeDeps['chatModel'];
  const { tenantId, ai } = await givenTenantWithAi(deps, {
    webhooks: WEBHOOKS,
    emergency: LEGAL_THREATS_ONLY,
    ...options.settings,
  });
  return { deps, model, tenantId, ai };
}

/**
 * Plays the FIFO generation queue for one record: receives it until the use case finishes it,
 * advancing the clock by each wait (or the failure visibility). Returns the outcome and the receives.
 */
async function deliverLikeSqs(
  deps: FakeDeps,
  job: { tenantId: string; conversationId: string; messageId: string },
): Promise<{ outcome: GenerationOutcome; receives: number; waits: number[] }> {
  const waits: number[] = [];
  for (let receives = 1; receives <= GENERATION_MAX_RECEIVE_COUNT; receives++) {
    try {
      return { outcome: await generateReply(deps, { ...job, attempt: receives }), receives, waits };
    } catch (error) {
      if (error instanceof ReplyDeferredError) {
        waits.push(error.waitSeconds);
        deps.clock.advance(error.waitSeconds * 1000);
      } else deps.clock.advance(FAILURE_VISIBILITY_MS);
    }
  }
  throw new Error('the record went to the dead-letter queue');
}

async function deliveries(deps: FakeDeps, tenantId: string) {
  const ids = [...new Set(deps.deliveryQueue.jobs.map((j) => j.job.deliveryId))];
  const all = await Promise.all(ids.map((id) => deps.deliveries.getDelivery(tenantId, id)));
  return all.map((d) => ({ type: d?.type, url: d?.url, payload: JSON.parse(d?.payload ?? '{}') }));
}

describe('generateReply when the model is busy', () => {
  it('answers once and calls no one when the model answers 429 (Retry-After: 1) for a full minute', async () => {
    const { deps, model, tenantId, ai } = await setup({ busyForMs: MINUTE });
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId, text: 'How much is it?' });
    const start = deps.clock.now().getTime();

    const { outcome, receives, waits } = await deliverLikeSqs(deps, { tenantId, conversationId, messageId });

    expect(outcome).toBe('answered');
    expect(deps.clock.now().getTime() - start).toBeGreaterThanOrEqual(MINUTE);
    expect((await deliveries(deps, tenantId)).map((d) => d.type)).toEqual(['message.answered']);
    expect(deps.events.ofType('conversation.escalated')).toEqual([]);
    expect((await deps.conversations.getMessage(tenantId, conversationId, messageId))?.status).toBe('answered');
    // Few tries, each after a longer wait: 2, 2, 4, 8, 16, 32 s (and jitter), far from the receive limit.
    expect(model.calls).toBe(receives);
    expect(waits.length).toBeLessThanOrEqual(8);
    expect(receives).toBeLessThan(GENERATION_MAX_RECEIVE_COUNT);
  });

  it('escalates model_unavailable once, after the ten-minute budget, when the model never recovers', async () => {
    const { deps, tenantId, ai } = await setup({ busyForMs: 24 * HOUR });
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId, text: 'How much is it?' });
    const start = deps.clock.now().getTime();

    const { outcome, receives } = await deliverLikeSqs(deps, { tenantId, conversationId, messageId });

    const elapsed = deps.clock.now().getTime() - start;
    expect(outcome).toBe('model_unavailable');
    expect(elapsed).toBeGreaterThanOrEqual(MODEL_FAULT_BUDGET_MS);
    expect(elapsed).toBeLessThan(MODEL_FAULT_BUDGET_MS + MODEL_FAULT_MAX_WAIT_SECONDS * 1000);
    expect(receives).toBeLessThanOrEqual(GENERATION_MAX_RECEIVE_COUNT - MAX_GENERATION_ATTEMPTS + 1);
    expect(await deliveries(deps, tenantId)).toEqual([
      {
        type: 'conversation.escalated',
        url: WEBHOOKS.emergencyUrl,
        payload: expect.objectContaining({
          reason: 'model_unavailable',
          reply: '',
          summary: expect.stringContaining('10 min'),
        }),
      },
    ]);
    expect(deps.events.ofType('conversation.escalated').map((e) => e.detail.reason)).toEqual(['model_unavailable']);
    expect((await deps.conversations.getMessage(tenantId, conversationId, messageId))?.status).toBe('escalated');
  });

  it('escalates after a shortened budget when one is configured', async () => {
    const { deps, tenantId, ai } = await setup({ busyForMs: 24 * HOUR });
    deps.modelFaultBudgetMs = 5_000;
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId, text: 'Hello?' });
    const start = deps.clock.now().getTime();

    const { outcome } = await deliverLikeSqs(deps, { tenantId, conversationId, messageId });

    expect(outcome).toBe('model_unavailable');
    expect(deps.clock.now().getTime() - start).toBe(5_000);
  });

  it('waits at least as long as the Retry-After the provider sent', async () => {
    const { deps, tenantId, ai } = await setup({ busyForMs: MINUTE, retryAfterMs: 45_000 });
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId, text: 'Hello?' });

    const { outcome, waits } = await deliverLikeSqs(deps, { tenantId, conversationId, messageId });

    expect(outcome).toBe('answered');
    // 45 s as asked, then the schedule's own (45 s waited so far, plus jitter), which is longer.
    expect(waits).toEqual([45, 50]);
  });

  it('does not count the waits as failed attempts: a later plain failure still gets its retries', async () => {
    const { deps, tenantId, ai } = await setup({ busyForMs: 0 });
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId, text: 'Hello?' });
    const job = { tenantId, conversationId, messageId };
    const busy = new ModelBusyError('HTTP 503');
    const failing = { generateReply: async () => Promise.reject(busy) };
    deps.chatModel = failing as unknown as FakeDeps['chatModel'];
    for (let attempt = 1; attempt <= 10; attempt++) {
      await expect(generateReply(deps, { ...job, attempt })).rejects.toBeInstanceOf(ReplyDeferredError);
      deps.clock.advance(1_000);
    }
    failing.generateReply = async () => Promise.reject(new Error('socket hang up in the store'));

    const eleventh = generateReply(deps, { ...job, attempt: 11 });

    await expect(eleventh).rejects.toThrow('socket hang up in the store');
    expect(deps.events.ofType('conversation.escalated')).toEqual([]);
  });

  it('keeps escalating malformed output at once as repeated_failure, without waiting', async () => {
    const { deps, tenantId, ai } = await setup({ busyForMs: 0 });
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId, text: 'Hello?' });
    deps.chatModel = {
      generateReply: async () => Promise.reject(new MalformedModelOutputError('not JSON')),
    } as unknown as FakeDeps['chatModel'];

    const outcome = await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

    expect(outcome).toBe('escalated');
    expect((await deps.conversations.getMessage(tenantId, conversationId, messageId))?.status).toBe('escalated');
    expect((await deps.conversations.getConversation(tenantId, conversationId))?.modelFault).toBeUndefined();
  });
});

describe('fireTimer when the model is busy', () => {
  /** A prospect who went quiet: the drop-off nudge is due, and the model turns busy now. */
  async function quietProspect(busyForMs: number) {
    const context = await setup({
      busyForMs: 0,
      settings: { followUp: { enabled: true, dropoffAfterHours: 2, maxNudges: 3, timezone: 'UTC' } },
    });
    const { deps, tenantId, ai } = context;
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId, text: 'Tell me more' });
    await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });
    deps.clock.advance(2 * HOUR);
    const model = new BusyModel(deps.clock, deps.clock.now().getTime() + busyForMs);
    deps.chatModel = model as unknown as FakeDeps['chatModel'];
    return { ...context, model, nudge: deps.timers.take('dropoff') };
  }

  /** Fires the timer, and each retry timer it arms, at its time, until one is not a wait. */
  async function fireUntilSettled(deps: FakeDeps, first: TimerPayload) {
    let payload = first;
    let retries = 0;
    for (;;) {
      const outcome = await fireTimer(deps, payload);
      if (outcome !== 'waiting') return { outcome, retries };
      const retry = [...deps.timers.pending].find(([name]) => name.includes('.retry.'));
      if (!retry) throw new Error('no retry timer armed');
      deps.timers.pending.delete(retry[0]);
      deps.clock.advance(retry[1].at.getTime() - deps.clock.now().getTime());
      payload = retry[1].payload;
      retries++;
    }
  }

  it('sends the nudge once, late, when the model answers 429 for a minute', async () => {
    const { deps, tenantId, nudge } = await quietProspect(MINUTE);

    const { outcome, retries } = await fireUntilSettled(deps, nudge);

    expect(outcome).toBe('sent');
    expect(retries).toBeGreaterThan(0);
    expect((await deliveries(deps, tenantId)).map((d) => d.type)).toEqual(['message.answered', 'dropoff.sent']);
    expect(deps.events.ofType('conversation.escalated')).toEqual([]);
  });

  it('calls a person once (model_unavailable), after the budget, when the model never recovers', async () => {
    const { deps, tenantId, nudge } = await quietProspect(24 * HOUR);
    const start = deps.clock.now().getTime();

    const { outcome } = await fireUntilSettled(deps, nudge);

    expect(outcome).toBe('model_unavailable');
    expect(deps.clock.now().getTime() - start).toBeGreaterThanOrEqual(MODEL_FAULT_BUDGET_MS);
    const sent = await deliveries(deps, tenantId);
    expect(sent.map((d) => d.type)).toEqual(['message.answered', 'conversation.escalated']);
    expect(sent[1]?.payload).toMatchObject({ reason: 'model_unavailable', summary: expect.stringContaining('nudge') });
    expect(deps.timers.ofKind('dropoff')).toBeUndefined();
  });
});
