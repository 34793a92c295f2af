import { describe, expect, it } from '@jest/globals';
import { GENERATION_MAX_RECEIVE_COUNT } from '#lib/queue-settings';
import { ENV, loadConfig } from '#lib/config';
import { MAX_GENERATION_ATTEMPTS } from '#lib/domain/limits/generation';
import {
  countModelFaultWaits,
  decideModelFaultWait,
  describeBudget,
  MAX_MODEL_FAULT_WAITS,
  MODEL_FAULT_BUDGET_MS,
  MODEL_FAULT_JITTER,
  MODEL_FAULT_MAX_WAIT_SECONDS,
  MODEL_FAULT_MIN_WAIT_SECONDS,
} from '#lib/domain/model-faults';

const SINCE = Date.parse('2026-11-27T10:00:00.000Z');
const decide = (elapsedMs: number, extra: { retryAfterMs?: number; random?: number; budgetMs?: number } = {}) =>
  decideModelFaultWait({
    since: SINCE,
    now: SINCE + elapsedMs,
    random: extra.random ?? 0,
    budgetMs: extra.budgetMs ?? MODEL_FAULT_BUDGET_MS,
    ...(extra.retryAfterMs !== undefined ? { retryAfterMs: extra.retryAfterMs } : {}),
  });

describe('decideModelFaultWait', () => {
  it('waits the shortest wait after a first fault, even when the provider asks for none', () => {
    expect(decide(0, { retryAfterMs: 0 })).toEqual({ wait: true, seconds: MODEL_FAULT_MIN_WAIT_SECONDS });
  });

  it('waits as long as has been waited already, so the waits double', () => {
    expect(decide(8_000)).toEqual({ wait: true, seconds: 8 });
    expect(decide(16_000)).toEqual({ wait: true, seconds: 16 });
  });

  it('never waits longer than the longest wait, however long the fault has lasted', () => {
    expect(decide(MODEL_FAULT_MAX_WAIT_SECONDS * 1000 - 1)).toEqual({
      wait: true,
      seconds: MODEL_FAULT_MAX_WAIT_SECONDS,
    });
    expect(decide(5 * 60_000)).toEqual({ wait: true, seconds: MODEL_FAULT_MAX_WAIT_SECONDS });
  });

  it('lengthens a wait by the jitter, never shortens it', () => {
    expect(decide(10_000, { random: 0.999 })).toEqual({
      wait: true,
      seconds: Math.ceil(10 * (1 + MODEL_FAULT_JITTER)),
    });
  });

  it('waits at least the Retry-After the provider sent', () => {
    expect(decide(0, { retryAfterMs: 30_000 })).toEqual({ wait: true, seconds: 30 });
    expect(decide(0, { retryAfterMs: 1_500 })).toEqual({ wait: true, seconds: 2 });
  });

  it('never waits past the budget: the last try comes at its end', () => {
    expect(decide(MODEL_FAULT_BUDGET_MS - 10_000, { retryAfterMs: 3_600_000 })).toEqual({ wait: true, seconds: 10 });
    expect(decide(MODEL_FAULT_BUDGET_MS - 1)).toEqual({ wait: true, seconds: 1 });
  });

  it('treats an unreadable start as a first fault', () => {
    expect(decideModelFaultWait({ since: Number.NaN, now: SINCE, random: 0, budgetMs: MODEL_FAULT_BUDGET_MS })).toEqual(
      {
        wait: true,
        seconds: MODEL_FAULT_MIN_WAIT_SECONDS,
      },
    );
  });

  it('stops waiting once the budget is spent, to the millisecond', () => {
    expect(decide(MODEL_FAULT_BUDGET_MS)).toEqual({ wait: false });
    expect(decide(5_000, { budgetMs: 5_000 })).toEqual({ wait: false });
  });
});

describe('the wait budget', () => {
  it('is ten minutes', () => {
    expect(MODEL_FAULT_BUDGET_MS).toBe(10 * 60_000);
    expect(describeBudget(MODEL_FAULT_BUDGET_MS)).toBe('10 min');
    expect(describeBudget(5_000)).toBe('5 s');
  });

  it('takes at most MAX_MODEL_FAULT_WAITS waits (15), which the generation queue adds to its receive count', () => {
    expect(MAX_MODEL_FAULT_WAITS).toBe(15);
    expect(countModelFaultWaits(MODEL_FAULT_BUDGET_MS)).toBe(MAX_MODEL_FAULT_WAITS);
    expect(GENERATION_MAX_RECEIVE_COUNT).toBe(MAX_GENERATION_ATTEMPTS + MAX_MODEL_FAULT_WAITS);
  });

  it('takes no more waits when the provider asks for longer ones, or the jitter lengthens them', () => {
    let now = 0;
    let waits = 0;
    for (
      let decision = decideModelFaultWait({
        since: 0,
        now,
        retryAfterMs: 1_000,
        random: 0.7,
        budgetMs: MODEL_FAULT_BUDGET_MS,
      });
      decision.wait;
      waits++
    ) {
      now += decision.seconds * 1000;
      decision = decideModelFaultWait({
        since: 0,
        now,
        retryAfterMs: 1_000,
        random: 0.7,
        budgetMs: MODEL_FAULT_BUDGET_MS,
      });
    }
    expect(waits).toBeLessThanOrEqual(MAX_MODEL_FAULT_WAITS);
  });
});

describe(`loadConfig's ${ENV.modelFaultBudgetSeconds}`, () => {
  const base = {
    [ENV.tableName]: 'parley',
    [ENV.generationQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/1/g.fifo',
    [ENV.deliveryQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/1/d',
    [ENV.ingestionQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/1/i',
    [ENV.documentsDir]: '/tmp/docs',
  };

  it('defaults to the ten-minute budget', () => {
    expect(loadConfig(base).modelFaultBudgetMs).toBe(MODEL_FAULT_BUDGET_MS);
  });

  it('may shorten it, down to one second', () => {
    expect(loadConfig({ ...base, [ENV.modelFaultBudgetSeconds]: '1' }).modelFaultBudgetMs).toBe(1_000);
    expect(loadConfig({ ...base, [ENV.modelFaultBudgetSeconds]: '600' }).modelFaultBudgetMs).toBe(
      MODEL_FAULT_BUDGET_MS,
    );
  });

  it('refuses a longer budget (the receive count is sized for ten minutes) and a zero one', () => {
    expect(() => loadConfig({ ...base, [ENV.modelFaultBudgetSeconds]: '601' })).toThrow(ENV.modelFaultBudgetSeconds);
    expect(() => loadConfig({ ...base, [ENV.modelFaultBudgetSeconds]: '0' })).toThrow(ENV.modelFaultBudgetSeconds);
  });
});
