/**
 * The k best of many scores without sorting them all: a min-heap of size k holds the best seen so
 * far, so a search over 50,000 passages costs n·log k, not n·log n.
 */

/** One scored passage, by its index in a search index. */
export interface Hit {
  index: number;
  score: number;
}

/**
 * Indices of the `k` highest `scores`, best first; equal scores go to the lower index, so results
 * are stable. Only `candidates[0 … count)` are considered when given (the passages a query touched);
 * otherwise every index of `scores`.
 */
export function selectTopK(
  scores: ArrayLike<number>,
  k: number,
  candidates?: ArrayLike<number>,
  count = candidates?.length ?? scores.length,
): number[] {
  const size = Math.min(Math.max(0, Math.floor(k)), count);
  if (size === 0) return [];
  const heap = new Int32Array(size);
  let filled = 0;
  // a ranks below b: a lower score, or the same score at a higher index.
  const worse = (a: number, b: number) => {
    const sa = scores[a] ?? 0;
    const sb = scores[b] ?? 0;
    return sa < sb || (sa === sb && a > b);
  };
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= filled) return;
      const right = left + 1;
      const child = right < filled && worse(heap[right]!, heap[left]!) ? right : left;
      if (!worse(heap[child]!, heap[i]!)) return;
      const swap = heap[i]!;
      heap[i] = heap[child]!;
      heap[child] = swap;
      i = child;
    }
  };
  for (let c = 0; c < count; c++) {
    const id = candidates ? candidates[c]! : c;
    if (filled < size) {
      // Sift up: the heap's root is its worst entry.
      let i = filled++;
      heap[i] = id;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i]!, heap[parent]!)) break;
        const swap = heap[i]!;
        heap[i] = heap[parent]!;
        heap[parent] = swap;
        i = parent;
      }
    } else if (worse(heap[0]!, id)) {
      heap[0] = id;
      siftDown(0);
    }
  }
  const best: number[] = new Array(filled);
  while (filled > 0) {
    best[filled - 1] = heap[0]!;
    heap[0] = heap[--filled]!;
    siftDown(0);
  }
  return best;
}
