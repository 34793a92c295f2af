/** Knowledge bases and what feeds them: documents, blobs, embeddings, ingestion, readers and fetchers. */
import type {
  Correction,
  CorrectionEmbedding,
  DocumentContentType,
  KnowledgeBase,
  KnowledgeDocument,
  KnowledgeGap,
  ParsedDocument,
} from '#lib/domain/knowledge/types';
import type { SearchIndex } from '#lib/domain/knowledge/search-index';
import type { Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';

/**
 * Knowledge bases and their documents. What is searchable is decided by one item, the base's
 * record (`indexed`, `uploads`, `version`), changed only by single-item conditional writes; the
 * document records carry status and counts for listing.
 */
export interface KnowledgeStore {
  /** Throws ConcurrencyError if a base with this id exists. */
  createKnowledgeBase(base: KnowledgeBase): Promise<void>;
  getKnowledgeBase(tenantId: string, id: string): Promise<KnowledgeBase | undefined>;
  /** Oldest first; cursors as in listAis. */
  listKnowledgeBases(tenantId: string, page: PageRequest): Promise<Page<KnowledgeBase>>;
  /** Returns false if there was nothing to delete. Documents are deleted by the caller first. */
  deleteKnowledgeBase(tenantId: string, id: string): Promise<boolean>;
  /**
   * Makes `uploadId` the document's latest upload and takes its earlier passages out of search at
   * once (bumping the version). Returns false if the base does not exist.
   */
  startUpload(tenantId: string, baseId: string, documentId: string, uploadId: string, at: string): Promise<boolean>;
  /**
   * Makes the upload's passages searchable (bumping the version), provided it is still the
   * document's latest upload. Returns false, changing nothing, if it is not (or the base is gone).
   */
  markIndexed(tenantId: string, baseId: string, documentId: string, uploadId: string, at: string): Promise<boolean>;
  /** Takes the document out of search and forgets its uploads (bumping the version); fine if absent. */
  forgetDocument(tenantId: string, baseId: string, documentId: string, at: string): Promise<void>;
  /** Creates or replaces the document record; a queued one is listed as pending for the recovery sweep. */
  putDocument(document: KnowledgeDocument): Promise<void>;
  getDocument(tenantId: string, baseId: string, documentId: string): Promise<KnowledgeDocument | undefined>;
  /**
   * Records the outcome of ingesting one upload. Returns false, writing nothing, if the document
   * is gone or has been uploaded again since.
   */
  updateDocumentStatus(
    tenantId: string,
    baseId: string,
    documentId: string,
    uploadId: string,
    changes: Pick<KnowledgeDocument, 'status' | 'chunkCount' | 'updatedAt'> & { error?: string; title?: string },
  ): Promise<boolean>;
  /** In id order; cursors as in listAis. */
  listDocuments(tenantId: string, baseId: string, page: PageRequest): Promise<Page<KnowledgeDocument>>;
  /** Returns false if there was nothing to delete. */
  deleteDocument(tenantId: string, baseId: string, documentId: string): Promise<boolean>;
  /** Stores a correction, replacing one with the same id. */
  putCorrection(correction: Correction): Promise<void>;
  /**
   * Stores the embedding of a correction's question, provided the correction still exists with
   * this question (a correction replaced since keeps its own). Returns false, writing nothing, if
   * it does not. Writing the same embedding twice is harmless.
   */
  setCorrectionEmbedding(
    correction: Pick<Correction, 'tenantId' | 'aiId' | 'id' | 'question'>,
    embedding: CorrectionEmbedding,
  ): Promise<boolean>;
  /** Deletes one of the AI's corrections; fine if it does not exist. */
  deleteCorrection(tenantId: string, aiId: string, correctionId: string): Promise<void>;
  /** All of the AI's corrections, oldest first (a business writes tens, not thousands). */
  listCorrections(tenantId: string, aiId: string): Promise<Correction[]>;
  /** Records a gap; the same id twice keeps one, and a closed gap recorded again stays closed. */
  putKnowledgeGap(gap: KnowledgeGap): Promise<void>;
  /** A gap by id, open or closed (then with `closedAt`). */
  getKnowledgeGap(tenantId: string, gapId: string): Promise<KnowledgeGap | undefined>;
  /** Closes the gap: it is no longer listed. Closing it again changes nothing. */
  closeKnowledgeGap(gap: KnowledgeGap, closedAt: string): Promise<void>;
  /** The open gaps, newest first. */
  /** Deletes the gap (its listed item and its id marker); fine if it does not exist. */
  deleteKnowledgeGap(tenantId: string, gapId: string): Promise<void>;
  /** Newest first. */
  listKnowledgeGaps(tenantId: string, page: PageRequest): Promise<Page<KnowledgeGap>>;
}

/** Originals and passages of documents (S3 in AWS, the data directory locally). Keys are `/`-separated paths. */
export interface BlobStore {
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** Undefined if there is no such blob. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Deletes every blob whose key starts with `prefix`; fine if there are none. */
  deletePrefix(prefix: string): Promise<void>;
}

/** Turns texts into vectors for semantic search (OpenAI embeddings). */
export interface Embedder {
  readonly model: string;
  readonly dimensions: number;
  /** One vector per text, in order; throws on transport failure. */
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** Asks the ingester to index one upload of a document. */
export interface IngestionJob {
  tenantId: string;
  knowledgeBaseId: string;
  documentId: string;
  uploadId: string;
}

export interface IngestionQueue {
  enqueueIngestion(job: IngestionJob): Promise<void>;
}

/** Reads a document's bytes into structured text; throws UnreadableDocumentError with a reason a person can act on. */
export interface DocumentReader {
  read(input: { bytes: Uint8Array; contentType: DocumentContentType; filename?: string }): Promise<ParsedDocument>;
}

/** A web page (or file) fetched for a knowledge base. */
export interface FetchedResource {
  bytes: Uint8Array;
  /** The response's media type without parameters, e.g. `text/html`. */
  contentType: string;
  /** Where it was fetched from after redirects. */
  url: string;
}

/**
 * Fetches public web resources safely: only allowed addresses (checked after DNS resolution and
 * on every redirect), bounded in size and time. Throws UnreadableDocumentError with the reason.
 */
export interface UrlFetcher {
  fetch(url: string): Promise<FetchedResource>;
}

/** Knowledge bases' search indexes, kept warm between invocations (KnowledgeIndexCache). */
export interface KnowledgeIndex {
  /** The index of `base` as its record describes it, built from its passages in `blobs`. */
  indexOf(blobs: BlobStore, base: KnowledgeBase, embeddingModel: string | undefined): Promise<SearchIndex>;
}
