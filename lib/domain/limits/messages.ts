/**
 * Limits of what a client sends into a conversation: messages, their ids and metadata, and
 * feedback on replies. Each has a test (test/unit/limits-coverage.test.ts checks that one names
 * it).
 */

/** Longest prospect message, in characters (a long e-mail fits; a pasted book does not). */
export const MAX_MESSAGE_CHARS = 20_000;
/** Longest client-chosen conversation id. */
export const MAX_CONVERSATION_ID_CHARS = 200;
/** Serialized `metadata` object size, in bytes. */
export const MAX_METADATA_BYTES = 8 * 1024;
/** Longest feedback correction: what an answer should have said, not a document (those go in a knowledge base). */
export const MAX_CORRECTION_CHARS = 5_000;
