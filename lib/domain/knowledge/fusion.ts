/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, 2009): each list gives an item 1 / (k + rank).
 * It needs no calibration between lists whose scores mean different things (BM25 and cosine, or
 * two bases' BM25), and a large k keeps one list's top item from outvoting agreement lower down.
 */

/** The usual constant, from the paper; results are not sensitive to it. */
export const RRF_K = 60;

/**
 * Fuses ranked lists (best first) of keys into one, best first, with each key's fused score.
 * Ties keep the order in which keys were first met, lists taken in turn.
 */
export function fuseRankings<K>(
  rankings: ReadonlyArray<ReadonlyArray<K>>,
  k: number = RRF_K,
): Array<{ key: K; score: number }> {
  const scores = new Map<K, number>();
  const depth = Math.max(0, ...rankings.map((list) => list.length));
  // Rank by rank across lists, so first-met order (the tie-break) favours items ranked high anywhere.
  for (let rank = 0; rank < depth; rank++) {
    for (const list of rankings) {
      const key = list[rank];
      if (key === undefined) continue;
      scores.set(key, (scores.get(key) ?? 0) + 1 / (k + rank + 1));
    }
  }
  return [...scores].map(([key, score]) => ({ key, score })).sort((a, b) => b.score - a.score);
}
