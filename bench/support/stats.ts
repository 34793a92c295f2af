/** The arithmetic the benchmarks share: percentiles of latencies and when a throughput ramp has saturated. */

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * Count, rounded mean and nearest-rank percentiles, so every percentile is a value that was actually
 * measured; NaN stands for "no samples". Non-finite values (a timestamp that could not be read) are left out.
 */
export function summarize(values: readonly number[]): Summary {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const at = (p: number) => nearestRank(sorted, p, Number.NaN);
  const mean = sorted.length ? sorted.reduce((sum, v) => sum + v, 0) / sorted.length : Number.NaN;
  return { count: sorted.length, mean: Math.round(mean), p50: at(50), p95: at(95), p99: at(99), max: at(100) };
}

/**
 * The nearest-rank percentile `p` (0–100) of `values`, so it is a value that was actually measured;
 * `empty` when there are no values (NaN, "no samples", unless a report wants a number there).
 */
export function percentile(values: readonly number[], p: number, empty = Number.NaN): number {
  return nearestRank(
    [...values].sort((a, b) => a - b),
    p,
    empty,
  );
}

function nearestRank(sorted: readonly number[], p: number, empty: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? empty;
}

/**
 * Whether a ramp can stop: the last step's rate is at most `minGain` (0.05 = 5 %) above the best
 * rate of the steps before it. Comparing with the best, not the previous step, keeps one noisy dip
 * from hiding a plateau.
 */
export function hasSaturated(rates: readonly number[], minGain: number): boolean {
  const last = rates.at(-1);
  if (last === undefined || rates.length < 2) return false;
  const bestBefore = Math.max(...rates.slice(0, -1));
  return last <= bestBefore * (1 + minGain);
}

/** The index of the highest rate (the first, on a tie): the ramp's saturation point. */
export function peakIndex(rates: readonly number[]): number {
  return rates.reduce((best, rate, i) => (rate > (rates[best] ?? Number.NEGATIVE_INFINITY) ? i : best), 0);
}
