import { describe, expect, it } from '@jest/globals';
import { parseCpuSeconds, parseMemory } from '../../bench/support/process-usage.ts';
import { hasSaturated, peakIndex, percentile, summarize } from '../../bench/support/stats.ts';

describe('summarize', () => {
  it('gives nearest-rank percentiles, each a value that was measured', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);

    const summary = summarize(values);

    expect(summary).toEqual({ count: 100, mean: 51, p50: 50, p95: 95, p99: 99, max: 100 });
  });

  it('takes the second-largest of 20 values as p95', () => {
    const values = Array.from({ length: 20 }, (_, i) => i + 1);

    expect(summarize(values).p95).toBe(19);
  });

  it('leaves out values that could not be read, and gives NaN without samples', () => {
    expect(summarize([5, Number.NaN, 7]).count).toBe(2);
    expect(summarize([]).p50).toBeNaN();
  });
});

describe('percentile', () => {
  it('gives the nearest-rank value of unsorted samples, as summarize does', () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i);

    expect([percentile(values, 50), percentile(values, 95), percentile(values, 100)]).toEqual([10, 19, 20]);
  });

  it('gives NaN without samples, or the value a report asks for instead', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(percentile([], 50, 0)).toBe(0);
  });
});

describe('hasSaturated', () => {
  it('says a ramp has saturated once a step adds no more than the minimum gain over the best before it', () => {
    expect(hasSaturated([100, 180], 0.05)).toBe(false);
    expect(hasSaturated([100, 180, 185], 0.05)).toBe(true);
    expect(hasSaturated([100, 180, 150], 0.05)).toBe(true);
  });

  it('compares with the best earlier step, so a dip and a recovery to the same level still count as flat', () => {
    expect(hasSaturated([200, 150, 205], 0.05)).toBe(true);
  });

  it('needs two steps to say anything', () => {
    expect(hasSaturated([300], 0.05)).toBe(false);
    expect(hasSaturated([], 0.05)).toBe(false);
  });
});

describe('peakIndex', () => {
  it('finds the step with the highest rate, the first on a tie', () => {
    expect(peakIndex([100, 250, 240, 250])).toBe(1);
    expect(peakIndex([])).toBe(0);
  });
});

describe('parseCpuSeconds', () => {
  it('adds utime and stime (ticks of 1/100 s), counting fields from the end of a command name with spaces', () => {
    const stat = '4242 (node (main) x) S 1 4242 4242 0 -1 4194560 9000 0 0 0 1234 566 0 0 20 0 11 0 100 0 0';

    expect(parseCpuSeconds(stat)).toBe(18);
  });

  it('refuses a line it cannot read', () => {
    expect(() => parseCpuSeconds('garbage')).toThrow('unreadable');
  });
});

describe('parseMemory', () => {
  it('reads the resident set and its high-water mark in MiB', () => {
    const status = 'Name:\tnode\nVmHWM:\t  409600 kB\nVmRSS:\t  204800 kB\nThreads:\t11\n';

    expect(parseMemory(status)).toEqual({ rssMb: 200, peakRssMb: 400 });
  });
});
