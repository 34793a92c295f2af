import { describe, expect, it } from '@jest/globals';
import type { Machine } from '../../bench/report.ts';
import { type BenchmarkEntry, mergeResults, SUITE_AIM_SECONDS } from '../../bench/summary.ts';

const machine: Machine = {
  cpus: 2,
  cpuModel: 'test',
  node: 'v20',
  platform: 'linux-x64',
  loadAverage: { before: 0, after: 0 },
};

function entry(benchmark: string, value: string): BenchmarkEntry {
  return {
    date: '2026-11-27T10:00:00.000Z',
    seconds: 1,
    problems: [],
    headlines: [{ benchmark, figure: 'figure', value, aim: null, met: null }],
    figures: {},
  };
}

const ORDER = ['pipeline-latency', 'throughput', 'bundles'];

describe('mergeResults', () => {
  it('records the suite run time and the headlines in suite order after a full run', () => {
    const results = mergeResults(
      undefined,
      { throughput: entry('throughput', '300/s'), 'pipeline-latency': entry('pipeline-latency', '1.05×') },
      ORDER,
      { date: 'now', machine, totalSeconds: 250 },
    );

    expect(results.suite).toEqual({
      date: 'now',
      machine,
      totalSeconds: 250,
      aim: `< ${SUITE_AIM_SECONDS} s`,
      met: true,
    });
    expect(results.summary.map((h) => h.value)).toEqual(['1.05×', '300/s']);
  });

  it('replaces only the entries of a partial run and keeps the last full run time', () => {
    const full = mergeResults(
      undefined,
      { throughput: entry('throughput', '300/s'), bundles: entry('bundles', '900 KB') },
      ORDER,
      { date: 'then', machine, totalSeconds: 320 },
    );

    const partial = mergeResults(full, { throughput: entry('throughput', '350/s') }, ORDER, undefined);

    expect(partial.suite?.totalSeconds).toBe(320);
    expect(partial.suite?.met).toBe(false);
    expect(partial.summary.map((h) => h.value)).toEqual(['350/s', '900 KB']);
  });
});
