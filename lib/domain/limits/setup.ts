/**
 * Limits of an account's setup: AIs, products, strategies and goals. Each has a test
 * (test/unit/limits-coverage.test.ts checks that one names it).
 */

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
/** Most knowledge bases one AI may name. */
export const MAX_AI_KNOWLEDGE_BASES = 20;
/** Longest webhook URL. */
export const MAX_URL_CHARS = 2_048;
/** Longest reply delay an AI may ask for. */
export const MAX_REPLY_DELAY_SECONDS = 3_600;
