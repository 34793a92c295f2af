/**
 * Knowledge bases: what a business uploads, how it is cut into passages, and what retrieval
 * returns. Pure types; parsing lives in lib/adapters/documents, indexing in lib/domain/knowledge.
 */

/** Where a document stands: queued (stored, being indexed), ready (searchable) or failed (with the reason). */
export type DocumentStatus = 'queued' | 'ready' | 'failed';

/** The media types Parley can read, by the name clients send. */
export type DocumentContentType =
  | 'text/plain'
  | 'text/markdown'
  | 'text/html'
  | 'text/csv'
  | 'application/pdf'
  | 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export interface KnowledgeBase {
  tenantId: string;
  id: string;
  name: string;
  /**
   * Bumped on every change to what is searchable. A search index cached in memory is keyed by it,
   * so a warm function rebuilds only when the base changed.
   */
  version: number;
  /** Document id → the upload whose passages are searchable now (ready documents only). */
  indexed: Record<string, string>;
  /** Document id → its latest upload; ingestion of an older upload is discarded. */
  uploads: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

/** Where a document came from. */
export type DocumentSource =
  | { kind: 'text'; contentType: DocumentContentType }
  | { kind: 'file'; contentType: DocumentContentType; filename: string }
  | { kind: 'url'; url: string };

export interface KnowledgeDocument {
  tenantId: string;
  knowledgeBaseId: string;
  id: string;
  title: string;
  /** True when the client named the document; otherwise the title read from the document replaces the default. */
  titleGiven: boolean;
  source: DocumentSource;
  /** This upload of the document: a re-upload gets a new one, so a late ingestion of the old is ignored. */
  uploadId: string;
  status: DocumentStatus;
  /** Failed only: why, in words the business can act on. */
  error?: string;
  chunkCount: number;
  /** Size of the original as uploaded or fetched. */
  bytes: number;
  createdAt: string;
  updatedAt: string;
}

/** One structural block of a parsed document, in reading order. */
export type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list-item'; text: string }
  /** A table row, written out as "Column: value; Column: value" so it reads on its own. */
  | { kind: 'row'; text: string };

/** A document as text: what every parser produces and the chunker consumes. */
export interface ParsedDocument {
  /** The document's own title (a PDF's metadata, an HTML <title>, a first heading), if it has one. */
  title?: string;
  blocks: Block[];
  /** Pages (PDF) or an estimate (others): what ingestion throughput is measured in. */
  pages: number;
}

/** A passage of a document, as indexed and cited. */
export interface Chunk {
  documentId: string;
  /** The document's title. */
  title: string;
  /** Headings above the passage, outermost first. */
  headingPath: string[];
  /** 0-based order of the passage in its document. */
  position: number;
  text: string;
}

/** What ingestion stores for one upload of a document (a blob): its passages, and their embeddings if any. */
export interface ChunkSet {
  documentId: string;
  uploadId: string;
  title: string;
  chunks: Chunk[];
  /** The embedding model and dimensions the vectors were made with; absent when none were made. */
  embedding?: { model: string; dimensions: number; vectors: string[] };
  /**
   * The passages' search terms, worked out at ingestion (createChunkSet) so that loading a base
   * tokenizes nothing. Optional: a set without them, or made by another analyzer, is analysed when
   * the index is built, only slower.
   */
  terms?: ChunkSetTerms;
}

/**
 * A chunk set's inverted index. Packed into strings because a cold function parses every set of
 * a base before its first search, and JSON.parse reads one long string far faster than the same
 * numbers as arrays.
 */
export interface ChunkSetTerms {
  /** The analyzer that made them (tokenize.ts ANALYZER_VERSION). */
  analyzer: string;
  /** Each distinct term of the set, separated by single spaces (a term holds no whitespace). */
  terms: string;
  /**
   * Base64 of unsigned LEB128 varints: for each term, in `terms` order, the number of passages
   * holding it, then for each of those passages, in ascending order, its index minus the previous
   * one's (the first: its index) and the term's weighted frequency in it.
   */
  postings: string;
  /** Each passage's weighted length in terms, by index in `chunks`. */
  lengths: number[];
}

/** One search hit. */
export interface Passage {
  knowledgeBaseId: string;
  documentId: string;
  title: string;
  headingPath: string[];
  text: string;
  /** Higher is better; fused scores are comparable within one search only. */
  score: number;
}

/** A person's correction of an answer, kept as a question and the right answer. */
export interface Correction {
  tenantId: string;
  aiId: string;
  /** Derived from the corrected reply's id: a later correction of the same reply replaces it. */
  id: string;
  question: string;
  answer: string;
  conversationId: string;
  messageId: string;
  createdAt: string;
  /**
   * The embedding of `question` (base64 of little-endian float32, as passages' vectors), for
   * matching by meaning. Made when the correction is created if an embedding model is configured;
   * a correction stored without one, or with another model's, is embedded on its first use and
   * the vector written back (see groundReply).
   */
  embedding?: CorrectionEmbedding;
}

/** A correction's question embedded by one model. */
export interface CorrectionEmbedding {
  model: string;
  vector: string;
}

/** Why a gap was recorded; a message has at most one gap per reason. */
export const KNOWLEDGE_GAP_REASONS = ['escalated', 'ungrounded', 'rated_down'] as const;
export type KnowledgeGapReason = (typeof KNOWLEDGE_GAP_REASONS)[number];

/** A question the knowledge did not answer well: what the business should write about next. */
export interface KnowledgeGap {
  tenantId: string;
  /** Derived from the message and reason, so recording it twice keeps one. */
  id: string;
  aiId: string;
  conversationId: string;
  messageId: string;
  question: string;
  reason: KnowledgeGapReason;
  createdAt: string;
  /** When it was answered (`POST /v1/knowledge-gaps/{id}/answer`) and so closed; open while absent. */
  closedAt?: string;
}
