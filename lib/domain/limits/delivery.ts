/**
 * Limits of sending webhooks: how long a receiver may take and how fast one endpoint is called.
 * Each has a test (test/unit/limits-coverage.test.ts checks that one names it).
 */

/** A webhook receiver that has not answered in this long has failed the attempt. */
export const WEBHOOK_TIMEOUT_MS = 15_000;
/**
 * Webhook requests per second to one endpoint (a URL's origin) from one tenant. Zapier's catch hooks
 * take about 30 a second; above this a delivery waits a second or two rather than being refused.
 */
export const ENDPOINT_MAX_REQUESTS_PER_SECOND = 25;
