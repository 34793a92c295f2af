/**
 * Limits of follow-ups and nudges an AI sends unprompted. Each has a test (test/unit/limits-
 * coverage.test.ts checks that one names it).
 */

/** Longest silence an AI may wait before nudging: 30 days, in hours. */
export const MAX_DROPOFF_HOURS = 720;
/** Most nudges per silence: more reads as spam. */
export const MAX_NUDGES = 5;
