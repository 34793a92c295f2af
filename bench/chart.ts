/**
 * The latency chart in BENCHMARKS.md, as hand-written SVG (no charting dependency): end-to-end
 * latency against concurrent conversations, p50 solid and p95 dashed, one colour per model
 * latency L, with each L drawn as a dotted reference line so the runtime's share reads as the gap.
 * The latency axis is logarithmic: figures span 100 ms to tens of seconds, and on a log axis a
 * constant ratio to L is a constant distance from its reference line.
 */

export interface LatencyPoint {
  conversations: number;
  p50Ms: number;
  p95Ms: number;
}

export interface LatencySeries {
  /** The model stub's latency; its reference line is drawn when above 0. */
  modelDelayMs: number;
  points: readonly LatencyPoint[];
}

export interface LatencyChart {
  title: string;
  /** The x axis's categories, in order: evenly spaced, as 1, 20 and 100 would crowd a linear axis. */
  concurrency: readonly number[];
  series: readonly LatencySeries[];
}

const WIDTH = 760;
const HEIGHT = 460;
const PLOT = Object.freeze({ left: 80, right: 580, top: 50, bottom: 390 });
const LEGEND_X = 600;
/** Tick values within each power of ten: 100, 200, 500, 1,000, … */
const TICK_MANTISSAS = [1, 2, 5];
const COLOURS = ['#1f6fb4', '#d1495b', '#2a9d5c', '#8e5ac8', '#e08a1e'];
const P95_DASH = '7 5';
const REFERENCE_DASH = '2 4';
const FONT = 'font-family="system-ui, sans-serif" font-size="12"';

/** The chart as an SVG document; points that were not measured (NaN) are left out of their line. */
export function renderLatencyChart(chart: LatencyChart): string {
  const values = chart.series.flatMap((s) => [s.modelDelayMs, ...s.points.flatMap((p) => [p.p50Ms, p.p95Ms])]);
  const ticks = logTicks(values.filter((v) => Number.isFinite(v) && v > 0));
  const [bottom = 1, top = 10] = [ticks[0], ticks.at(-1)];
  const x = (conversations: number) => {
    const step = (PLOT.right - PLOT.left) / chart.concurrency.length;
    return PLOT.left + step * (chart.concurrency.indexOf(conversations) + 0.5);
  };
  // Values at or below the axis's bottom (a 0 ms latency) sit on it.
  const y = (ms: number) =>
    PLOT.bottom - (Math.log10(Math.max(ms, bottom) / bottom) / Math.log10(top / bottom)) * (PLOT.bottom - PLOT.top);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ${FONT}>`,
    // The title element is what screen readers announce, and what a viewer shows on hover.
    `<title>${escapeXml(chart.title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15">${escapeXml(chart.title)}</text>`,
    ...drawAxes(chart.concurrency, ticks, x, y),
    ...chart.series.flatMap((series, i) => drawSeries(series, colourOf(i), x, y)),
    ...drawLegend(chart.series),
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}

/** 1-2-5 ticks from the largest one at or below the smallest value to the smallest one at or above the largest. */
export function logTicks(values: readonly number[]): number[] {
  if (values.length === 0) return [1, 10];
  const min = Math.min(...values);
  const max = Math.max(...values);
  const ticks: number[] = [];
  for (let power = Math.floor(Math.log10(min)); ticks.at(-1) === undefined || (ticks.at(-1) ?? 0) < max; power++) {
    for (const mantissa of TICK_MANTISSAS) ticks.push(mantissa * 10 ** power);
  }
  const first = ticks.findLastIndex((t) => t <= min);
  const last = ticks.findIndex((t) => t >= max);
  return ticks.slice(Math.max(0, first), last + 1);
}

function drawAxes(
  concurrency: readonly number[],
  ticks: readonly number[],
  x: (c: number) => number,
  y: (ms: number) => number,
) {
  return [
    ...ticks.map(
      (ms) =>
        `<line x1="${PLOT.left}" y1="${round(y(ms))}" x2="${PLOT.right}" y2="${round(y(ms))}" stroke="#e4e4e4"/>` +
        `<text x="${PLOT.left - 8}" y="${round(y(ms)) + 4}" text-anchor="end">${formatMs(ms)}</text>`,
    ),
    ...concurrency.map((c) => `<text x="${x(c)}" y="${PLOT.bottom + 20}" text-anchor="middle">${c}</text>`),
    `<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}" stroke="#333"/>`,
    `<line x1="${PLOT.left}" y1="${PLOT.top}" x2="${PLOT.left}" y2="${PLOT.bottom}" stroke="#333"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 46}" text-anchor="middle">concurrent conversations</text>`,
    `<text x="20" y="${(PLOT.top + PLOT.bottom) / 2}" text-anchor="middle" transform="rotate(-90 20 ${(PLOT.top + PLOT.bottom) / 2})">POST → webhook latency (log scale)</text>`,
  ];
}

function drawSeries(series: LatencySeries, colour: string, x: (c: number) => number, y: (ms: number) => number) {
  const line = (pick: (p: LatencyPoint) => number, dash: string | undefined) => {
    const points = series.points.filter((p) => Number.isFinite(pick(p)));
    if (points.length === 0) return [];
    const at = points.map((p) => ({ cx: round(x(p.conversations)), cy: round(y(pick(p))) }));
    const dashed = dash ? ` stroke-dasharray="${dash}"` : '';
    return [
      `<polyline points="${at.map(({ cx, cy }) => `${cx},${cy}`).join(' ')}" fill="none" stroke="${colour}" stroke-width="2"${dashed}/>`,
      ...at.map(({ cx, cy }) => `<circle cx="${cx}" cy="${cy}" r="3" fill="${colour}"/>`),
    ];
  };
  const reference =
    series.modelDelayMs > 0
      ? [
          `<line x1="${PLOT.left}" y1="${round(y(series.modelDelayMs))}" x2="${PLOT.right}" y2="${round(y(series.modelDelayMs))}" stroke="${colour}" stroke-dasharray="${REFERENCE_DASH}"/>`,
          `<text x="${PLOT.right - 4}" y="${round(y(series.modelDelayMs)) - 5}" text-anchor="end" fill="${colour}">L = ${formatMs(series.modelDelayMs)}</text>`,
        ]
      : [];
  return [...reference, ...line((p) => p.p50Ms, undefined), ...line((p) => p.p95Ms, P95_DASH)];
}

function drawLegend(series: readonly LatencySeries[]) {
  const rowHeight = 22;
  const entry = (row: number, colour: string, dash: string | undefined, label: string) => {
    const top = PLOT.top + row * rowHeight;
    const dashed = dash ? ` stroke-dasharray="${dash}"` : '';
    return (
      `<line x1="${LEGEND_X}" y1="${top}" x2="${LEGEND_X + 30}" y2="${top}" stroke="${colour}" stroke-width="2"${dashed}/>` +
      `<text x="${LEGEND_X + 38}" y="${top + 4}">${escapeXml(label)}</text>`
    );
  };
  return [
    ...series.map((s, i) => entry(i, colourOf(i), undefined, `model L = ${formatMs(s.modelDelayMs)}`)),
    entry(series.length + 1, '#555', undefined, 'p50'),
    entry(series.length + 2, '#555', P95_DASH, 'p95'),
    entry(series.length + 3, '#555', REFERENCE_DASH, 'model time L'),
  ];
}

function colourOf(index: number): string {
  return COLOURS[index % COLOURS.length] ?? '#000';
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${round(ms / 1000)} s` : `${Math.round(ms)} ms`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
