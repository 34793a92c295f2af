/**
 * Indexing one upload of a document: read the original (or fetch the URL), parse it, cut it into
 * passages, embed them when an embedder is set, store the passages, and make them searchable.
 */
import { UnreadableDocumentError } from '#lib/domain/errors';
import { chunkSetKey, originalKey } from '#lib/domain/knowledge/blob-keys';
import { createChunkSet } from '#lib/domain/knowledge/chunk-set';
import { chunkDocument } from '#lib/domain/knowledge/chunking';
import type { Chunk, ChunkSet, DocumentContentType, KnowledgeDocument } from '#lib/domain/knowledge/types';
import { encodeVector } from '#lib/domain/knowledge/vectors';
import { MAX_INGESTION_ATTEMPTS } from '#lib/domain/limits/knowledge';
import type { DocumentReader, IngestionJob, UrlFetcher } from '#lib/ports/knowledge';
import type { Deps } from '#lib/app/deps';
import { documentTypeOf } from '#lib/domain/knowledge/content-types';

export type IngestionDeps = Pick<Deps, 'knowledge' | 'blobs' | 'embedder' | 'clock' | 'logger'> & {
  reader: DocumentReader;
  fetcher: UrlFetcher;
};

export type IngestionOutcome = 'ready' | 'failed' | 'stale';

/**
 * Indexes the upload named by the job. A job for an upload that has been replaced or deleted
 * since is a no-op (`stale`); every step can be repeated, so a retried job finishes the work. A
 * document Parley cannot read is marked failed with the reason; other errors are retried until
 * `MAX_INGESTION_ATTEMPTS`, then the document is marked failed too.
 *
 * @param job.attempt how many times this job has been tried (SQS's receive count)
 */
export async function ingestDocument(
  deps: IngestionDeps,
  job: IngestionJob & { attempt: number },
): Promise<IngestionOutcome> {
  const { tenantId, knowledgeBaseId: baseId, documentId, uploadId } = job;
  const document = await deps.knowledge.getDocument(tenantId, baseId, documentId);
  if (!document || document.uploadId !== uploadId) return 'stale';
  try {
    const source = await loadSource(deps, document);
    const parsed = await deps.reader.read(source);
    const title = document.titleGiven ? document.title : (parsed.title ?? document.title);
    const chunks = chunkDocument(parsed, { documentId, title });
    if (chunks.length === 0) throw new UnreadableDocumentError('the document contains no text');
    // The search terms are computed here, once, so that a cold function only parses them.
    const set = createChunkSet({ documentId, uploadId, title, chunks, ...(await embed(deps, chunks, job.attempt)) });
    const body = Buffer.from(JSON.stringify(set), 'utf8');
    await deps.blobs.put(chunkSetKey(tenantId, baseId, documentId, uploadId), body, 'application/json');
    const now = deps.clock.now().toISOString();
    if (!(await deps.knowledge.markIndexed(tenantId, baseId, documentId, uploadId, now))) return 'stale';
    const updated = await deps.knowledge.updateDocumentStatus(tenantId, baseId, documentId, uploadId, {
      status: 'ready',
      chunkCount: chunks.length,
      title,
      updatedAt: now,
    });
    return updated ? 'ready' : 'stale';
  } catch (error) {
    if (error instanceof UnreadableDocumentError) return fail(deps, document, error.message);
    if (job.attempt < MAX_INGESTION_ATTEMPTS) throw error;
    deps.logger.error('giving up on indexing a document', { tenantId, baseId, documentId, error: String(error) });
    return fail(deps, document, `indexing failed ${job.attempt} times; upload the document again to retry`);
  }
}

/** The original's bytes and type: from the blob store, or fetched (and then kept) for a URL. */
async function loadSource(
  deps: IngestionDeps,
  document: KnowledgeDocument,
): Promise<{ bytes: Uint8Array; contentType: DocumentContentType; filename?: string }> {
  const key = originalKey(document.tenantId, document.knowledgeBaseId, document.id, document.uploadId);
  const { source } = document;
  if (source.kind !== 'url') {
    const bytes = await deps.blobs.get(key);
    if (!bytes) throw new UnreadableDocumentError('the uploaded file is missing; upload it again');
    return { bytes, contentType: source.contentType, ...(source.kind === 'file' ? { filename: source.filename } : {}) };
  }
  const fetched = await deps.fetcher.fetch(source.url);
  const filename = new URL(fetched.url).pathname.split('/').at(-1) || undefined;
  const contentType = documentTypeOf({ contentType: fetched.contentType, ...(filename ? { filename } : {}) });
  if (!contentType) {
    throw new UnreadableDocumentError(`the URL returned ${fetched.contentType}, which Parley cannot read`);
  }
  await deps.blobs.put(key, fetched.bytes, contentType);
  return { bytes: fetched.bytes, contentType, ...(filename ? { filename } : {}) };
}

/**
 * The passages' embeddings, when an embedder is set. Should embedding keep failing, the passages
 * are stored without vectors on the last attempt: lexical search still finds them, and a re-index
 * adds the vectors later.
 */
async function embed(deps: IngestionDeps, chunks: Chunk[], attempt: number): Promise<Pick<ChunkSet, 'embedding'>> {
  const { embedder } = deps;
  if (!embedder) return {};
  try {
    const vectors = await embedder.embed(chunks.map(embeddingText));
    return {
      embedding: { model: embedder.model, dimensions: embedder.dimensions, vectors: vectors.map(encodeVector) },
    };
  } catch (error) {
    if (attempt < MAX_INGESTION_ATTEMPTS) throw error;
    deps.logger.warn('indexing without embeddings after repeated failures', { error: String(error) });
    return {};
  }
}

/** What is embedded for a passage: where it sits (title and headings) and what it says. */
export function embeddingText(chunk: Chunk): string {
  return [[chunk.title, ...chunk.headingPath].join(' › '), chunk.text].join('\n');
}

async function fail(deps: IngestionDeps, document: KnowledgeDocument, reason: string): Promise<IngestionOutcome> {
  const { tenantId, knowledgeBaseId, id, uploadId } = document;
  const updated = await deps.knowledge.updateDocumentStatus(tenantId, knowledgeBaseId, id, uploadId, {
    status: 'failed',
    chunkCount: 0,
    error: reason,
    updatedAt: deps.clock.now().toISOString(),
  });
  return updated ? 'failed' : 'stale';
}
