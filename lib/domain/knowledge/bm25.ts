/**
 * Lexical retrieval: BM25 over an inverted index held in typed arrays. Each posting's score
 * contribution is worked out once, when the index is built, so a search only adds numbers up.
 */
import { analyzeChunks, type UnpackedTerms, unpackTerms } from '#lib/domain/knowledge/chunk-terms';
import { type Hit, selectTopK } from '#lib/domain/knowledge/top-k';
import type { ChunkSet } from '#lib/domain/knowledge/types';

/** Term-frequency saturation: past a few occurrences, more add little. */
export const BM25_K1 = 1.2;
/** How much a long passage is discounted for being long (0: not at all, 1: fully). */
export const BM25_B = 0.75;

/** BM25 over passages numbered 0 … size−1 across the chunk sets, in their order. */
export class Bm25Index {
  /** Scratch space for one search; searches are synchronous, so one per index is enough. */
  private readonly accumulator: Float32Array;
  private readonly touched: Int32Array;

  private constructor(
    private readonly termIds: ReadonlyMap<string, number>,
    /** Postings of term t are [offsets[t], offsets[t+1]) of passages and impacts. */
    private readonly offsets: Uint32Array,
    private readonly passages: Uint32Array,
    private readonly impacts: Float32Array,
    readonly size: number,
  ) {
    this.accumulator = new Float32Array(size);
    this.touched = new Int32Array(size);
  }

  /**
   * Lays the sets' postings end to end (counting first, then filling, so each array is allocated
   * once) and turns each term frequency into its BM25 contribution. Sets whose stored terms are
   * missing or stale are analysed here, which is slower but gives the same index.
   */
  static build(sets: ReadonlyArray<Pick<ChunkSet, 'title' | 'chunks' | 'terms'>>): Bm25Index {
    const termIds = new Map<string, number>();
    const counts: number[] = [];
    const unpacked: UnpackedTerms[] = [];
    const globalIds: Int32Array[] = [];
    for (const set of sets) {
      const terms =
        unpackTerms(set.terms, set.chunks.length) ??
        unpackTerms(analyzeChunks(set.title, set.chunks), set.chunks.length)!;
      const ids = new Int32Array(terms.terms.length);
      for (let local = 0; local < ids.length; local++) {
        const term = terms.terms[local]!;
        let id = termIds.get(term);
        if (id === undefined) {
          id = counts.push(0) - 1;
          termIds.set(term, id);
        }
        counts[id]! += terms.counts[local]!;
        ids[local] = id;
      }
      unpacked.push(terms);
      globalIds.push(ids);
    }
    const offsets = new Uint32Array(counts.length + 1);
    for (let id = 0; id < counts.length; id++) offsets[id + 1] = offsets[id]! + counts[id]!;
    const total = offsets[counts.length]!;
    const passages = new Uint32Array(total);
    const impacts = new Float32Array(total);
    const cursor = offsets.slice(0, counts.length);
    const lengths: number[] = [];
    unpacked.forEach((terms, s) => {
      const first = lengths.length;
      for (const length of terms.lengths) lengths.push(length);
      const ids = globalIds[s]!;
      let from = 0;
      for (let local = 0; local < ids.length; local++) {
        const id = ids[local]!;
        let at = cursor[id]!;
        const end = from + terms.counts[local]!;
        for (; from < end; from++) {
          passages[at] = first + terms.passages[from]!;
          impacts[at++] = terms.frequencies[from]!;
        }
        cursor[id] = at;
      }
    });
    toImpacts(offsets, passages, impacts, lengths);
    return new Bm25Index(termIds, offsets, passages, impacts, lengths.length);
  }

  /** The `k` best passages for the query's terms, best first; passages sharing no term are left out. */
  search(queryTerms: readonly string[], k: number): Hit[] {
    const acc = this.accumulator;
    let touched = 0;
    for (const term of new Set(queryTerms)) {
      const id = this.termIds.get(term);
      if (id === undefined) continue;
      const end = this.offsets[id + 1]!;
      for (let at = this.offsets[id]!; at < end; at++) {
        const passage = this.passages[at]!;
        // Every impact is positive, so a zero means "not yet touched by this query".
        if (acc[passage] === 0) this.touched[touched++] = passage;
        acc[passage] = acc[passage]! + this.impacts[at]!;
      }
    }
    const best = selectTopK(acc, k, this.touched, touched);
    const hits = best.map((index) => ({ index, score: acc[index]! }));
    for (let i = 0; i < touched; i++) acc[this.touched[i]!] = 0;
    return hits;
  }
}

/** Rewrites weighted term frequencies in place as BM25 contributions: idf · tf·(k1+1) / (tf + k1·norm). */
function toImpacts(offsets: Uint32Array, passages: Uint32Array, impacts: Float32Array, lengths: number[]): void {
  const n = lengths.length;
  if (n === 0) return;
  const averageLength = lengths.reduce((sum, l) => sum + l, 0) / n || 1;
  const norms = Float32Array.from(lengths, (length) => BM25_K1 * (1 - BM25_B + (BM25_B * length) / averageLength));
  for (let id = 0; id + 1 < offsets.length; id++) {
    const start = offsets[id]!;
    const end = offsets[id + 1]!;
    // Lucene's idf: always positive, so a term in most passages still counts a little.
    const idf = Math.log(1 + (n - (end - start) + 0.5) / (end - start + 0.5));
    for (let at = start; at < end; at++) {
      const tf = impacts[at]!;
      impacts[at] = (idf * tf * (BM25_K1 + 1)) / (tf + norms[passages[at]!]!);
    }
  }
}
