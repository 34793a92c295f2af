/**
 * Limits of the HTTP API itself, whatever the route: request size, idempotency keys, paging and
 * the per-key rate limit. Each has a test (test/unit/limits-coverage.test.ts checks that one names
 * it).
 */

/** Largest HTTP request body accepted, in bytes (413 beyond). */
export const MAX_BODY_BYTES = 256 * 1024;
/** Longest `Idempotency-Key` header value. */
export const MAX_IDEMPOTENCY_KEY_CHARS = 255;
/** How long an `Idempotency-Key` is remembered. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** List page sizes. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/**
 * Requests one API key may make per second (a fixed one-second window, counted in the store), so
 * one runaway client cannot starve the others. 50 matches the stack's default stage throttle rate:
 * a burst of form submissions through one Zapier account fits, a runaway loop does not. In AWS, API
 * Gateway's stage throttling caps the whole API in front of this.
 */
export const API_RATE_LIMIT_PER_SECOND = 50;
/** How long a per-second request counter is kept before DynamoDB TTL may delete it. */
export const RATE_COUNTER_TTL_SECONDS = 60;
