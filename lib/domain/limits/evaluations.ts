/**
 * Limits of test sets (evaluations). Each has a test (test/unit/limits-coverage.test.ts checks
 * that one names it).
 */
import { MAX_MESSAGE_CHARS } from '#lib/domain/limits/messages';

/** Most sets one AI may have. */
export const MAX_TEST_SETS_PER_AI = 50;
/** Most cases one set may hold (a run answers each of them, one model call apiece). */
export const MAX_CASES_PER_SET = 200;
/** Longest set name. */
export const MAX_TEST_SET_NAME_CHARS = 200;
/** Longest case id a client may choose. */
export const MAX_CASE_ID_CHARS = 64;
/** Longest case message: as long as a prospect's message may be, so any message can be copied. */
export const MAX_CASE_MESSAGE_CHARS = MAX_MESSAGE_CHARS;
/** Most earlier turns a case may carry, and the most a copy from a conversation takes. */
export const MAX_CASE_HISTORY_TURNS = 20;
/**
 * Most characters of all earlier turns together (a copy takes the latest turns that fit), so a
 * case stays well inside one DynamoDB item (400 KB).
 */
export const MAX_CASE_HISTORY_CHARS = 40_000;
/** Most phrases in one `contains` or `not_contains` list, and the longest phrase. */
export const MAX_CASE_PHRASES = 20;
export const MAX_CASE_PHRASE_CHARS = 500;
/** Longest rubric: one or two sentences saying what a good reply does. */
export const MAX_RUBRIC_CHARS = 1_000;
/** Largest CSV body of cases (bytes). */
export const MAX_CASES_CSV_BYTES = 512 * 1024;
/** How many runs of a set are kept: older finished runs are deleted when a new one finishes. */
export const MAX_RUNS_KEPT_PER_SET = 50;
