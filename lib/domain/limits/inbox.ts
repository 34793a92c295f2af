/**
 * Limits of the conversations inbox (`GET /v2/conversations`) and its backfill. Each has a test
 * (test/unit/limits-coverage.test.ts checks that one names it).
 */

/** The most characters of a conversation's last message an inbox row carries (the contract's 200). */
export const MAX_INBOX_TEXT_CHARS = 200;
/**
 * The most index entries one inbox page reads while filters (AI, status, channel, needs_human, q)
 * discard them: a page stops there, short or empty, with a cursor to read on. At most about
 * 1 000 × 1 KB / 4 KB / 2 ≈ 125 read units per page, however selective the filter.
 */
export const MAX_INBOX_ENTRIES_READ = 1000;
/** The most characters of a `q` search: a prefix of a name, e-mail, phone or conversation id. */
export const MAX_INBOX_QUERY_CHARS = 100;
/**
 * Items the inbox backfill's Scan reads per step (messages and other items included: DynamoDB's
 * Scan Limit counts items read, not conversations found); the progress is saved after each step.
 */
export const INBOX_BACKFILL_BATCH = 200;
/** How long the stack's sweeper spends on the backfill per run (its timeout is 60 s). */
export const INBOX_BACKFILL_SECONDS_PER_RUN = 20;
