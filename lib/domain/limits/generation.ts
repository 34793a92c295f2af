/**
 * Limits of writing a reply: how much of the conversation and the knowledge the model sees, and
 * how often it is tried. Each has a test (test/unit/limits-coverage.test.ts checks that one names
 * it).
 */

/** How many earlier messages the model sees. */
export const MAX_HISTORY_MESSAGES = 40;
/**
 * The newest messages the generator reads per answer: the model's history and as many unanswered
 * messages again. A longer conversation is read whole only when this window may miss an unanswered
 * message (see generate-reply.ts), so an answer's reads do not grow with the conversation.
 */
export const GENERATION_MESSAGE_WINDOW = 2 * MAX_HISTORY_MESSAGES;
/** After this many failed generation attempts a message is marked failed instead of retried. */
export const MAX_GENERATION_ATTEMPTS = 5;
/** Passages the model is given for one reply. */
export const MAX_PROMPT_PASSAGES = 6;
/** Corrections the model is given for one reply (the closest ones). */
export const MAX_PROMPT_CORRECTIONS = 3;
