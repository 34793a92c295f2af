import { describe, expect, it } from '@jest/globals';
import { type LatencyChart, logTicks, renderLatencyChart } from '../../bench/chart.ts';

const chart: LatencyChart = {
  title: 'POST → webhook latency <test> & more',
  concurrency: [1, 20, 100],
  series: [
    {
      modelDelayMs: 0,
      points: [
        { conversations: 1, p50Ms: 120, p95Ms: 180 },
        { conversations: 20, p50Ms: 300, p95Ms: 450 },
        { conversations: 100, p50Ms: 900, p95Ms: 1_400 },
      ],
    },
    {
      modelDelayMs: 400,
      points: [
        { conversations: 1, p50Ms: 450, p95Ms: 520 },
        { conversations: 20, p50Ms: 480, p95Ms: Number.NaN },
        { conversations: 100, p50Ms: 1_200, p95Ms: 2_100 },
      ],
    },
  ],
};

/** Every `<name …>` and `</name>` in order, for a balance check that needs no XML parser. */
function openAndCloseTags(svg: string): string[] {
  const stack: string[] = [];
  for (const [tag, closing, name] of svg.matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
    if (tag.endsWith('/>')) continue;
    if (closing) {
      if (stack.pop() !== name) throw new Error(`unbalanced </${name}>`);
    } else if (name) stack.push(name);
  }
  return stack;
}

describe('renderLatencyChart', () => {
  it('renders a well-formed SVG document with balanced tags and escaped text', () => {
    const svg = renderLatencyChart(chart);

    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(openAndCloseTags(svg)).toEqual([]);
    expect(svg).toContain('<title>POST → webhook latency &lt;test&gt; &amp; more</title>');
    expect(svg).not.toContain('NaN');
  });

  it('draws a p50 line and a dashed p95 line per model latency, leaving out points not measured', () => {
    const svg = renderLatencyChart(chart);

    const lines = [...svg.matchAll(/<polyline points="([^"]+)"[^>]*?(stroke-dasharray="[^"]+")?\/>/g)];
    expect(lines).toHaveLength(4);
    expect(lines.map((line) => line[1]?.split(' ').length)).toEqual([3, 3, 3, 2]);
    expect(lines.map((line) => Boolean(line[2]))).toEqual([false, true, false, true]);
    expect(svg.match(/<circle /g)).toHaveLength(11);
  });

  it('labels both axes, every concurrency and the legend, and draws L as a reference line where it is above 0', () => {
    const svg = renderLatencyChart(chart);

    expect(svg).toContain('concurrent conversations');
    expect(svg).toContain('POST → webhook latency (log scale)');
    for (const conversations of ['1', '20', '100']) expect(svg).toContain(`>${conversations}</text>`);
    expect(svg).toContain('model L = 0 ms');
    expect(svg).toContain('model L = 400 ms');
    expect(svg).toContain('>p50</text>');
    expect(svg).toContain('>p95</text>');
    expect(svg).toContain('>L = 400 ms</text>');
    expect(svg).not.toContain('>L = 0 ms</text>');
  });

  it('places a higher latency higher on the chart', () => {
    const svg = renderLatencyChart(chart);

    const firstLine = /<polyline points="([^"]+)"/.exec(svg)?.[1] ?? '';
    const ys = firstLine.split(' ').map((point) => Number(point.split(',')[1]));
    expect(ys[0]).toBeGreaterThan(ys[1] ?? 0);
    expect(ys[1]).toBeGreaterThan(ys[2] ?? 0);
  });
});

describe('logTicks', () => {
  it('spans the values with 1-2-5 steps, from the tick at or below the least to the one at or above the most', () => {
    expect(logTicks([120, 2_100])).toEqual([100, 200, 500, 1_000, 2_000, 5_000]);
    expect(logTicks([400, 2_000])).toEqual([200, 500, 1_000, 2_000]);
  });

  it('falls back to one decade when there is nothing to draw', () => {
    expect(logTicks([])).toEqual([1, 10]);
  });
});
