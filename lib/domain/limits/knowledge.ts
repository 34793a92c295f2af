/**
 * Limits of knowledge bases: documents, fetching, indexing and search. Each has a test
 * (test/unit/limits-coverage.test.ts checks that one names it).
 */

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
/** Longest document title. */
export const MAX_DOCUMENT_TITLE_CHARS = 300;
/** Longest search query, in characters. */
export const MAX_SEARCH_QUERY_CHARS = 2_000;
/** Passages a search returns by default, and at most. */
export const DEFAULT_SEARCH_TOP_K = 5;
export const MAX_SEARCH_TOP_K = 50;
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
/**
 * Stored corrections without a vector of the embedding model in use that one reply embeds (and
 * writes back); any more wait for the next replies, so a first reply after enabling embeddings on
 * an AI with many corrections stays one small embedding request.
 */
export const MAX_CORRECTIONS_EMBEDDED_PER_REPLY = 20;
/**
 * Items the knowledge re-index's tenant Scan reads per step (every kind of item counts: DynamoDB's
 * Scan Limit counts items read, not tenants found); the tenants found are re-indexed and the
 * progress saved after each step.
 */
export const REINDEX_SCAN_BATCH = 200;
/** How long the stack's sweeper spends on the knowledge re-index per run (its timeout is 60 s). */
export const REINDEX_SECONDS_PER_RUN = 15;
