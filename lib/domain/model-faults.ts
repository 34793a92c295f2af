/**
 * How long a transient model fault (429, 5xx, a timeout, a dropped connection) is waited out, and
 * how long each wait is. Pure: the caller passes the clock's time, the fault's `Retry-After` and a
 * random number for the jitter.
 *
 * Waits are counted from the first fault of one reply (or one timer): each wait is as long as the
 * time already waited (so they double), at least MODEL_FAULT_MIN_WAIT_SECONDS and at most
 * MODEL_FAULT_MAX_WAIT_SECONDS, never shorter than the provider's `Retry-After`, never past the
 * budget. After MODEL_FAULT_BUDGET_MS the conversation is escalated as `model_unavailable`.
 */

/**
 * How long a reply waits for a model that answers 429 or 5xx before a person is called in.
 * Ten minutes: OpenAI's rate limits are counted per minute and refill within one, and a short
 * provider incident is usually over in minutes, so a rate limit or a blip delays the answer and
 * calls no one; a provider that is down for longer hands the conversation to a person while the
 * prospect may still be waiting for a reply. Tests may shorten it (ENV.modelFaultBudgetSeconds),
 * never lengthen it: the generation queue's receive count is sized for it (see MAX_MODEL_FAULT_WAITS).
 */
export const MODEL_FAULT_BUDGET_MS = 10 * 60 * 1000;

/** The first wait after a fault, and the shortest: a 429 with `Retry-After: 0` is not retried at once. */
export const MODEL_FAULT_MIN_WAIT_SECONDS = 2;

/** The longest wait between two tries: a provider that recovers is tried within a minute. */
export const MODEL_FAULT_MAX_WAIT_SECONDS = 60;

/** Each wait is lengthened by up to this fraction (never shortened), so a burst does not retry in step. */
export const MODEL_FAULT_JITTER = 0.2;

export type ModelFaultDecision = { wait: true; seconds: number } | { wait: false };

/**
 * What follows a transient model fault: a wait of `seconds` before the next try, or, once the
 * budget is spent, no wait (escalate).
 * @param since when the first fault of this reply happened (ms since the epoch)
 * @param now the time of this fault (ms)
 * @param retryAfterMs the provider's `Retry-After` (or `retry-after-ms`), when it sent one
 * @param random a number in [0, 1) for the jitter
 * @param budgetMs MODEL_FAULT_BUDGET_MS, or a shorter one in tests
 */
export function decideModelFaultWait(input: {
  since: number;
  now: number;
  retryAfterMs?: number;
  random: number;
  budgetMs: number;
}): ModelFaultDecision {
  // An unreadable start (NaN) counts as a first fault, so the wait is still a number.
  const elapsedMs = Number.isFinite(input.since) ? Math.max(0, input.now - input.since) : 0;
  const leftMs = input.budgetMs - elapsedMs;
  if (leftMs <= 0) return { wait: false };
  const doubling = Math.min(MODEL_FAULT_MAX_WAIT_SECONDS, Math.max(MODEL_FAULT_MIN_WAIT_SECONDS, elapsedMs / 1000));
  const jittered = doubling * (1 + MODEL_FAULT_JITTER * input.random);
  const asked = (input.retryAfterMs ?? 0) / 1000;
  // The last try comes at the end of the budget, so a provider that recovers just then still answers.
  const seconds = Math.min(Math.max(jittered, asked), leftMs / 1000);
  return { wait: true, seconds: Math.max(1, Math.ceil(seconds)) };
}

/** A budget as a summary names it: `10 min`, `1.5 min`, `5 s`. */
export function describeBudget(budgetMs: number): string {
  const minutes = budgetMs / 60_000;
  return minutes >= 1 ? `${Number(minutes.toFixed(1))} min` : `${Math.round(budgetMs / 1000)} s`;
}

/**
 * The most waits one reply can take within MODEL_FAULT_BUDGET_MS: the schedule above with no
 * jitter, no `Retry-After` and tries that take no time (anything real only makes the waits fewer).
 * The generation queue's maxReceiveCount adds these to MAX_GENERATION_ATTEMPTS, so waiting out a
 * model can never send a record to the dead-letter queue.
 */
export function countModelFaultWaits(budgetMs: number): number {
  let now = 0;
  let waits = 0;
  for (;;) {
    const decision = decideModelFaultWait({ since: 0, now, random: 0, budgetMs });
    if (!decision.wait) return waits;
    waits += 1;
    now += decision.seconds * 1000;
  }
}

/** See countModelFaultWaits: 15 for the ten-minute budget. */
export const MAX_MODEL_FAULT_WAITS = countModelFaultWaits(MODEL_FAULT_BUDGET_MS);
