/**
 * The searchable form of one knowledge base: BM25 over every passage and, when the passages carry
 * vectors of the embedding model in use, cosine similarity too, the two fused by reciprocal rank.
 * Built from the stored chunk sets in one pass (their terms precomputed at ingestion), so a cold
 * function can build it on its first search.
 */
import { Bm25Index } from '#lib/domain/knowledge/bm25';
import { fuseRankings } from '#lib/domain/knowledge/fusion';
import { tokenize } from '#lib/domain/knowledge/tokenize';
import type { Hit } from '#lib/domain/knowledge/top-k';
import type { Chunk, ChunkSet, Passage } from '#lib/domain/knowledge/types';
import { VectorIndex } from '#lib/domain/knowledge/vectors';

/**
 * How deep each list goes into a hybrid search's fusion: a passage ranked, say, 30th lexically
 * but 2nd by meaning should still be able to make the top few.
 */
export const FUSION_CANDIDATES = 50;

export interface SearchOptions {
  /** Passages to return, at most. */
  topK: number;
  /** The question's embedding, made with the index's embedding model. */
  queryVector?: Float32Array;
  /**
   * `hybrid` (the default) fuses lexical and vector results when there are both a query vector
   * and passage vectors of its dimensions; otherwise, and with `lexical`, results are BM25 alone.
   */
  mode?: 'lexical' | 'hybrid';
}

export class SearchIndex {
  private constructor(
    readonly knowledgeBaseId: string,
    private readonly chunks: readonly Chunk[],
    private readonly lexical: Bm25Index,
    private readonly vectors: VectorIndex | undefined,
  ) {}

  /**
   * Builds the index of a base from its documents' chunk sets. Vectors are used only from sets
   * embedded with `options.embeddingModel`, and only of the dimensions the first such set has:
   * vectors of different models do not share a space, and the question is embedded with one.
   */
  static fromChunkSets(
    knowledgeBaseId: string,
    sets: readonly ChunkSet[],
    options: { embeddingModel?: string } = {},
  ): SearchIndex {
    const chunks = sets.flatMap((set) => set.chunks);
    const lexical = Bm25Index.build(sets);
    return new SearchIndex(knowledgeBaseId, chunks, lexical, buildVectors(sets, options.embeddingModel));
  }

  /** Passages in the index. */
  get size(): number {
    return this.chunks.length;
  }

  /** Whether a query vector would be used: some passages carry vectors of the embedding model. */
  get hasVectors(): boolean {
    return (this.vectors?.count ?? 0) > 0;
  }

  /**
   * The passages that best answer `query`, best first. Scores are BM25 in a lexical search and
   * fused reciprocal-rank scores in a hybrid one; either way they compare within one search only.
   */
  search(query: string, options: SearchOptions): Passage[] {
    const topK = Math.max(0, Math.floor(options.topK));
    if (topK === 0 || this.chunks.length === 0) return [];
    const terms = tokenize(query);
    const vector = options.mode === 'lexical' ? undefined : options.queryVector;
    if (!vector || this.vectors?.dimensions !== vector.length) {
      return this.lexical.search(terms, topK).map((hit) => this.passageOf(hit));
    }
    const depth = Math.max(topK, FUSION_CANDIDATES);
    const lists = [this.lexical.search(terms, depth), this.vectors.search(vector, depth)];
    return fuseRankings(lists.map((hits) => hits.map((hit) => hit.index)))
      .slice(0, topK)
      .map(({ key, score }) => this.passageOf({ index: key, score }));
  }

  private passageOf({ index, score }: Hit): Passage {
    const chunk = this.chunks[index]!;
    return {
      knowledgeBaseId: this.knowledgeBaseId,
      documentId: chunk.documentId,
      title: chunk.title,
      headingPath: chunk.headingPath,
      text: chunk.text,
      score,
    };
  }
}

/**
 * Fuses the results of several bases' searches (each best first) by reciprocal rank: their scores
 * are not on one scale (each base has its own term statistics), their ranks are. Scores of the
 * result are the fused ones; when only one list has passages, it is returned as it is.
 */
export function mergePassages(lists: readonly (readonly Passage[])[], topK: number): Passage[] {
  const nonEmpty = lists.filter((list) => list.length > 0);
  if (nonEmpty.length <= 1) return (nonEmpty[0] ?? []).slice(0, Math.max(0, topK));
  return fuseRankings(nonEmpty)
    .slice(0, Math.max(0, topK))
    .map(({ key, score }) => ({ ...key, score }));
}

function buildVectors(sets: readonly ChunkSet[], model: string | undefined): VectorIndex | undefined {
  if (model === undefined) return undefined;
  const usable = (set: ChunkSet) => set.embedding?.model === model;
  const dimensions = sets.find(usable)?.embedding?.dimensions;
  if (!dimensions || dimensions <= 0) return undefined;
  const matching = (set: ChunkSet) => usable(set) && set.embedding?.dimensions === dimensions;
  const capacity = sets.reduce((sum, set) => sum + (matching(set) ? set.chunks.length : 0), 0);
  const index = new VectorIndex(dimensions, capacity);
  let first = 0;
  for (const set of sets) {
    const vectors = set.embedding?.vectors;
    // A set whose vectors do not line up with its passages is searched lexically only.
    if (matching(set) && vectors?.length === set.chunks.length) {
      vectors.forEach((encoded, i) => {
        index.add(first + i, encoded);
      });
    }
    first += set.chunks.length;
  }
  return index;
}
