/**
 * What ingestion stores for one upload. Built here rather than by hand so that the passages'
 * search terms are worked out once, at ingestion, instead of on every cold load of the base.
 */
import { analyzeChunks } from '#lib/domain/knowledge/chunk-terms';
import type { ChunkSet } from '#lib/domain/knowledge/types';

/**
 * A chunk set with its search terms (`terms`) filled in. Ingestion calls it with what it would
 * otherwise store as it is; the terms add a little over half the size of the passages' JSON.
 */
export function createChunkSet(input: Omit<ChunkSet, 'terms'>): ChunkSet {
  return { ...input, terms: analyzeChunks(input.title, input.chunks) };
}
