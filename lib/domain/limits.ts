/** Every limit Parley enforces on input, in one place; each has a test. */

/** Largest HTTP request body accepted, in bytes (413 beyond). */
export const MAX_BODY_BYTES = 256 * 1024;
/** Longest prospect message, in characters (a long e-mail fits; a pasted book does not). */
export const MAX_MESSAGE_CHARS = 20_000;
/** Longest client-chosen conversation id. */
export const MAX_CONVERSATION_ID_CHARS = 200;
/** Longest `Idempotency-Key` header value. */
export const MAX_IDEMPOTENCY_KEY_CHARS = 255;
/** How long an `Idempotency-Key` is remembered. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** Longest name (of an AI, product, strategy or goal), and longest instructions (of an AI or strategy). */
export const MAX_NAME_CHARS = 200;
export const MAX_INSTRUCTIONS_CHARS = 20_000;
/** Longest description of a product or goal. */
export const MAX_DESCRIPTION_CHARS = 10_000;
/** Longest product price, free text such as "$49/month". */
export const MAX_PRICE_CHARS = 100;
/** Longest strategy tone, free text such as "warm, concise". */
export const MAX_TONE_CHARS = 200;
/** Most knowledge bases one product may name. */
export const MAX_PRODUCT_KNOWLEDGE_BASES = 20;
/** Longest feedback correction: what an answer should have said, not a document (those go in a knowledge base). */
export const MAX_CORRECTION_CHARS = 5_000;
/** Longest webhook URL. */
export const MAX_URL_CHARS = 2_048;
/** Serialized `metadata` object size, in bytes. */
export const MAX_METADATA_BYTES = 8 * 1024;
/** Longest reply delay an AI may ask for. */
export const MAX_REPLY_DELAY_SECONDS = 3_600;
/** List page sizes. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** How many earlier messages the model sees. */
export const MAX_HISTORY_MESSAGES = 40;
/** A webhook receiver that has not answered in this long has failed the attempt. */
export const WEBHOOK_TIMEOUT_MS = 15_000;
/** After this many failed generation attempts a message is marked failed instead of retried. */
export const MAX_GENERATION_ATTEMPTS = 5;
