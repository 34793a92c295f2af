/**
 * Search indexes of knowledge bases, kept in memory by base version. A warm function reads the
 * base's record (one consistent GetItem, which also checks the base belongs to the tenant) and
 * searches the index it already holds; only when the version moved does it load passages, and
 * then only those of uploads it has not seen.
 */
import { chunkSetKey } from '#lib/domain/knowledge/blob-keys';
import { SearchIndex } from '#lib/domain/knowledge/search-index';
import type { ChunkSet, KnowledgeBase } from '#lib/domain/knowledge/types';
import { MAX_CACHED_INDEXES } from '#lib/domain/limits/knowledge';
import type { BlobStore, KnowledgeIndex } from '#lib/ports/knowledge';

interface CachedIndex {
  version: number;
  embeddingModel: string | undefined;
  index: SearchIndex;
  /** The passages it was built from, by upload id, reused when the base changes. */
  sets: Map<string, ChunkSet>;
}

export class KnowledgeIndexCache implements KnowledgeIndex {
  /** In least-recently-used order: a Map iterates in insertion order, and a hit is re-inserted. */
  private readonly cached = new Map<string, CachedIndex>();

  constructor(private readonly capacity = MAX_CACHED_INDEXES) {}

  /**
   * The index of `base` as its record describes it. Passages that cannot be loaded (a blob deleted
   * by a concurrent delete) are left out rather than failing the search.
   */
  async indexOf(blobs: BlobStore, base: KnowledgeBase, embeddingModel: string | undefined): Promise<SearchIndex> {
    const key = `${base.tenantId}/${base.id}`;
    const hit = this.cached.get(key);
    if (hit) {
      this.cached.delete(key);
      this.cached.set(key, hit);
      if (hit.version === base.version && hit.embeddingModel === embeddingModel) return hit.index;
    }
    const sets = new Map<string, ChunkSet>();
    await Promise.all(
      Object.entries(base.indexed).map(async ([documentId, uploadId]) => {
        // A set embedded by another model is read again: re-indexing replaces an upload's passages in place.
        const seen = hit?.sets.get(uploadId);
        const reusable = seen && (embeddingModel === undefined || seen.embedding?.model === embeddingModel);
        const set = reusable ? seen : await loadChunkSet(blobs, base, documentId, uploadId);
        if (set) sets.set(uploadId, set);
      }),
    );
    const index = SearchIndex.fromChunkSets(base.id, [...sets.values()], {
      ...(embeddingModel ? { embeddingModel } : {}),
    });
    this.cached.set(key, { version: base.version, embeddingModel, index, sets });
    while (this.cached.size > this.capacity) {
      const oldest = this.cached.keys().next().value;
      if (oldest === undefined) break;
      this.cached.delete(oldest);
    }
    return index;
  }
}

async function loadChunkSet(
  blobs: BlobStore,
  base: KnowledgeBase,
  documentId: string,
  uploadId: string,
): Promise<ChunkSet | undefined> {
  const bytes = await blobs.get(chunkSetKey(base.tenantId, base.id, documentId, uploadId));
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as ChunkSet) : undefined;
}
