/**
 * When a failed webhook delivery is tried again: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h and 10 h after the previous attempt (Svix's schedule), with jitter so that a receiver that
 * comes back is not hit by every retry at once.
 */

/** Delay before attempt n+1 (index n-1), in seconds. Attempt 1 is immediate. */
export const RETRY_DELAYS_SECONDS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600] as const;
/** Attempts in all, the first one included. */
export const MAX_DELIVERY_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;
/** Each delay varies by up to this fraction either way. */
export const RETRY_JITTER = 0.2;
/** A `Retry-After` longer than this is not waited for in full. */
export const MAX_RETRY_AFTER_SECONDS = 24 * 3600;

export type RetryDecision = { retry: true; delaySeconds: number } | { retry: false; reason: string };

/**
 * Decides what follows a failed attempt.
 * @param attempts attempts made so far, the failed one included
 * @param random a number in [0, 1), injected so tests are deterministic
 */
export function decideRetry(input: {
  attempts: number;
  statusCode?: number;
  retryAfterSeconds?: number;
  random: number;
}): RetryDecision {
  if (input.statusCode === 410) return { retry: false, reason: 'receiver answered 410 Gone' };
  const base = RETRY_DELAYS_SECONDS[input.attempts - 1];
  if (base === undefined) return { retry: false, reason: `gave up after ${input.attempts} attempts` };
  const jittered = base * (1 + RETRY_JITTER * (2 * input.random - 1));
  const asked = Math.min(input.retryAfterSeconds ?? 0, MAX_RETRY_AFTER_SECONDS);
  return { retry: true, delaySeconds: Math.max(Math.round(jittered), asked) };
}
