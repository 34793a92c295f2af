/**
 * Limits of the account's data rights settings and of the jobs that apply them. Each has a test
 * (test/unit/limits-coverage.test.ts checks that one names it).
 */

/** Shortest retention an account may set, in days. */
export const MIN_DATA_RETENTION_DAYS = 1;
/** Longest retention an account may set, in days (ten years; longer is "keep", which is null). */
export const MAX_DATA_RETENTION_DAYS = 3650;
/**
 * Conversations the expiry job erases per tenant per run: a run stays well inside the sweeper's
 * timeout, and the next run (5 minutes later in AWS, a minute locally) takes the rest.
 */
export const MAX_EXPIRED_PER_RUN = 25;
