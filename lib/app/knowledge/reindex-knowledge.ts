/**
 * Re-indexing after the embedding model changed (switching model provider, or OpenAI's embedding
 * model). Vectors of two models never mix in one search: the index uses only passages embedded by
 * the current model (search-index.ts) and searches the rest lexically. This puts them back in
 * semantic search by queueing each such document's current upload for ingestion again, which
 * reads the kept original, embeds it with the current model and replaces its passages in one step
 * (`markIndexed` bumps the base's version, so warm indexes reload it).
 */
import type { Deps } from '#lib/app/deps';
import { chunkSetKey } from '#lib/domain/knowledge/blob-keys';
import type { ChunkSet, KnowledgeBase } from '#lib/domain/knowledge/types';

export type ReindexDeps = Pick<Deps, 'knowledge' | 'blobs' | 'ingestionQueue'>;

/** Bases listed per page while looking for documents to re-index. */
const BASES_PAGE = 100;

/**
 * Queues for ingestion every searchable document of the tenant whose passages were embedded by
 * another model than `model` (the embedder's id), or by none; returns how many. Nothing without a
 * model (offline). Idempotent: a second run before the ingester is done queues the same jobs,
 * which ingest once.
 */
export async function reindexKnowledge(
  deps: ReindexDeps,
  tenantId: string,
  model: string | undefined,
): Promise<number> {
  if (!model) return 0;
  let queued = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.knowledge.listKnowledgeBases(tenantId, {
      limit: BASES_PAGE,
      ...(cursor ? { cursor } : {}),
    });
    for (const base of page.items) queued += await reindexBase(deps, base, model);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return queued;
}

async function reindexBase(deps: ReindexDeps, base: KnowledgeBase, model: string): Promise<number> {
  let queued = 0;
  for (const [documentId, uploadId] of Object.entries(base.indexed)) {
    const bytes = await deps.blobs.get(chunkSetKey(base.tenantId, base.id, documentId, uploadId));
    if (!bytes) continue;
    const set = JSON.parse(Buffer.from(bytes).toString('utf8')) as ChunkSet;
    if (set.embedding?.model === model) continue;
    await deps.ingestionQueue.enqueueIngestion({
      tenantId: base.tenantId,
      knowledgeBaseId: base.id,
      documentId,
      uploadId,
    });
    queued += 1;
  }
  return queued;
}
