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
/**
 * The newest messages the generator reads per answer: the model's history and as many unanswered
 * messages again. A longer conversation is read whole only when this window may miss an unanswered
 * message (see generate-reply.ts), so an answer's reads do not grow with the conversation.
 */
export const GENERATION_MESSAGE_WINDOW = 2 * MAX_HISTORY_MESSAGES;
/** A webhook receiver that has not answered in this long has failed the attempt. */
export const WEBHOOK_TIMEOUT_MS = 15_000;
/** After this many failed generation attempts a message is marked failed instead of retried. */
export const MAX_GENERATION_ATTEMPTS = 5;

// Knowledge bases

/** Largest document accepted through the API or fetched from a URL, in bytes (413 beyond). */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
/** Largest body of a document upload: the document plus room for multipart framing and JSON escaping. */
export const MAX_DOCUMENT_REQUEST_BYTES = MAX_DOCUMENT_BYTES + 256 * 1024;
/** A URL that has not been fetched in this long fails (whole response, not per read). */
export const URL_FETCH_TIMEOUT_MS = 15_000;
/** Redirects followed when fetching a URL; each target is checked like the first. */
export const MAX_URL_REDIRECTS = 5;
/** Most documents in one knowledge base (the base's record lists them and must stay under 400 KB). */
export const MAX_DOCUMENTS_PER_BASE = 2_000;
/** Most knowledge bases one AI may name. */
export const MAX_AI_KNOWLEDGE_BASES = 20;
/** Longest document title. */
export const MAX_DOCUMENT_TITLE_CHARS = 300;
/** Longest search query, in characters. */
export const MAX_SEARCH_QUERY_CHARS = 2_000;
/** Passages a search returns by default, and at most. */
export const DEFAULT_SEARCH_TOP_K = 5;
export const MAX_SEARCH_TOP_K = 50;
/** Passages the model is given for one reply. */
export const MAX_PROMPT_PASSAGES = 6;
/** Corrections the model is given for one reply (the closest ones). */
export const MAX_PROMPT_CORRECTIONS = 3;
/** Characters of a passage quoted in a citation's snippet. */
export const CITATION_SNIPPET_CHARS = 240;
/** After this many failed attempts at indexing a document it is marked failed instead of retried. */
export const MAX_INGESTION_ATTEMPTS = 3;
/** Knowledge bases whose search index a warm function keeps in memory (least recently used go first). */
export const MAX_CACHED_INDEXES = 64;
/**
 * Words a passage aims at (about 330 tokens): enough context to answer from, small enough that
 * several fit in a prompt and that a match is not diluted by unrelated text.
 */
export const CHUNK_TARGET_WORDS = 250;
/** Words a passage repeats from the one before it in its section (~15%): a sentence cut at the seam is whole in one. */
export const CHUNK_OVERLAP_WORDS = 40;
/** A passage under this many words takes in the next small section (its headings put in its text). */
export const CHUNK_MIN_WORDS = 80;
/**
 * Length of the embedding vectors stored with passages. OpenAI's text-embedding-3 models shorten
 * their vectors on request at little loss in retrieval quality; 256 floats keep a passage's vector
 * at 1 KB, so a base's passages load quickly. Changing it means re-embedding every base.
 */
export const EMBEDDING_DIMENSIONS = 256;

// Follow-ups and nudges

/** Longest silence an AI may wait before nudging: 30 days, in hours. */
export const MAX_DROPOFF_HOURS = 720;
/** Most nudges per silence: more reads as spam. */
export const MAX_NUDGES = 5;

// Inbound rate limit

/**
 * Requests one API key may make per second (a fixed one-second window, counted in the store), so
 * one runaway client cannot starve the others. 50 matches the stack's default stage throttle rate:
 * a burst of form submissions through one Zapier account fits, a runaway loop does not. In AWS, API
 * Gateway's stage throttling caps the whole API in front of this.
 */
export const API_RATE_LIMIT_PER_SECOND = 50;
/** How long a per-second request counter is kept before DynamoDB TTL may delete it. */
export const RATE_COUNTER_TTL_SECONDS = 60;

// Outbound rate limit

/**
 * Webhook requests per second to one endpoint (a URL's origin) from one tenant. Zapier's catch hooks
 * take about 30 a second; above this a delivery waits a second or two rather than being refused.
 */
export const ENDPOINT_MAX_REQUESTS_PER_SECOND = 25;
