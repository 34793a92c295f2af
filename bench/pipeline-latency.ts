/**
 * POST /v2/messages → webhook latency on the local runtime, driven over HTTP as a client would,
 * for a model stub of fixed latency L (the fake OpenAI server, reached through the real `openai`
 * SDK) at 1, 20 and 100 concurrent conversations. Each conversation runs a closed loop (post a
 * message, wait for its webhook, post the next), so the runtime's own share reads as latency − L.
 * One runtime runs every cell one after another, each with its own conversations, the fake model's
 * latency set per cell: one start instead of three keeps the benchmark short. Writes the chart too.
 */
import { writeFile } from 'node:fs/promises';
import { type LatencySeries, renderLatencyChart } from './chart.ts';
import {
  currentLoad,
  describeMachine,
  formatTable,
  type Machine,
  round1,
  round2,
  sleep,
  writeReport,
} from './report.ts';
import {
  countOutcomes,
  describeProblems,
  QUIET_MS,
  type Outcome,
  type OutcomeCounts,
  type Rig,
  samplesOf,
  startRig,
  type WebhookTally,
} from './support/closed-loop.ts';
import { type Summary, summarize } from './support/stats.ts';

export const SETTINGS = Object.freeze({
  modelDelaysMs: [0, 400, 2_000],
  /** Concurrent conversations per cell, and the answered messages it needs at least for a sound p95. */
  cells: [
    { conversations: 1, minSamples: 40 },
    { conversations: 20, minSamples: 100 },
    { conversations: 100, minSamples: 200 },
  ],
  /**
   * The model time one conversation may spend in a cell's measured messages; it caps only the
   * one-conversation cell at L = 2 s (10 messages instead of 40, so its p95 is its maximum), to
   * keep the suite within 5 minutes.
   */
  modelTimeBudgetMs: 20_000,
  /** Per conversation, answered at L = 0 before the cell's measured messages and not counted. */
  warmUpMessagesPerConversation: 1,
  /** The aim, checked on one cell: latency as a multiple of L at 20 conversations, L = 400 ms. */
  aim: { conversations: 20, modelDelayMs: 400, p50Ratio: 1.1, p95Ratio: 1.3 },
});

/** No conversation starts another message after this; bounds a cell on a stalled runtime. */
const CELL_DEADLINE_MS = 120_000;
const OUTPUT_FILE = '.bench/pipeline-latency.json';
/** Committed, and embedded in BENCHMARKS.md. */
const CHART_FILE = 'docs/bench-latency.svg';
const MAX_CONVERSATIONS = Math.max(...SETTINGS.cells.map((c) => c.conversations));

interface Cell {
  key: string;
  /** The fake model's latency L. */
  modelDelayMs: number;
  conversations: number;
  messagesPerConversation: number;
}

export interface CellResult extends Cell, OutcomeCounts, WebhookTally {
  /** Wall time of the cell, warm-up included: where the benchmark's own run time goes. */
  seconds: number;
  /** Messages not sent before the cell's deadline. */
  notSent: number;
  /** The warm-up's outcomes: one refused or never answered is a sign the figures cannot be trusted. */
  warmUp: OutcomeCounts;
  latencyMs: Summary;
  acceptedMs: Summary;
  replyStoredMs: Summary;
  replyToWebhookMs: Summary;
  /** Latency − L. */
  overheadMs: { p50: number; p95: number };
  /** Latency as a multiple of L; null where L is 0. */
  ratio: { p50: number; p95: number } | null;
}

export interface PipelineLatencyReport {
  benchmark: 'pipeline-latency';
  date: string;
  machine: Machine;
  settings: typeof SETTINGS;
  cells: CellResult[];
  aim: { cell: string; p50Ratio: number | null; p95Ratio: number | null; met: boolean };
  chart: string;
  /** Things that make the figures unsound (missing answers, duplicates); empty when all is well. */
  problems: string[];
}

/** Runs every cell, prints a table, writes `.bench/pipeline-latency.json` and the chart, returns the figures. */
export async function runPipelineLatencyBenchmark(): Promise<PipelineLatencyReport> {
  const loadBefore = currentLoad();
  const cells = await runCells(
    SETTINGS.modelDelaysMs.flatMap((modelDelayMs) => SETTINGS.cells.map((cell) => planCell(modelDelayMs, cell))),
  );
  const aimCell = cells.find(
    (c) => c.modelDelayMs === SETTINGS.aim.modelDelayMs && c.conversations === SETTINGS.aim.conversations,
  );
  const report: PipelineLatencyReport = {
    benchmark: 'pipeline-latency',
    date: new Date().toISOString(),
    machine: describeMachine(loadBefore),
    settings: SETTINGS,
    cells,
    aim: {
      cell: aimCell?.key ?? 'not run',
      p50Ratio: aimCell?.ratio?.p50 ?? null,
      p95Ratio: aimCell?.ratio?.p95 ?? null,
      met: aimCell?.ratio
        ? aimCell.ratio.p50 <= SETTINGS.aim.p50Ratio && aimCell.ratio.p95 <= SETTINGS.aim.p95Ratio
        : false,
    },
    chart: CHART_FILE,
    problems: cells.flatMap(findProblems),
  };
  process.stdout.write(formatReport(report));
  await writeFile(
    CHART_FILE,
    renderLatencyChart({
      title: chartTitle(report),
      concurrency: SETTINGS.cells.map((c) => c.conversations),
      series: chartSeries(cells),
    }),
  );
  process.stdout.write(`  chart written to ${CHART_FILE}\n`);
  await writeReport(OUTPUT_FILE, report);
  return report;
}

function planCell(modelDelayMs: number, cell: { conversations: number; minSamples: number }): Cell {
  const needed = Math.ceil(cell.minSamples / cell.conversations);
  const affordable = modelDelayMs > 0 ? Math.floor(SETTINGS.modelTimeBudgetMs / modelDelayMs) : needed;
  return {
    key: `L${modelDelayMs}-C${cell.conversations}`,
    modelDelayMs,
    conversations: cell.conversations,
    messagesPerConversation: Math.min(needed, affordable),
  };
}

/** One runtime for every cell, run one after another; all of it stopped on any outcome. */
async function runCells(cells: Cell[]): Promise<CellResult[]> {
  const rig = await startRig({ maxConversations: MAX_CONVERSATIONS });
  try {
    const runs: Array<{ cell: Cell; seconds: number; warmUp: Outcome[]; outcomes: Outcome[] }> = [];
    for (const cell of cells) {
      process.stdout.write(
        `  running ${cell.key}: ${cell.conversations} × ${cell.messagesPerConversation} messages, L = ${cell.modelDelayMs} ms…\n`,
      );
      const started = performance.now();
      const { warmUp, outcomes } = await runCell(rig, cell);
      runs.push({ cell, seconds: round1((performance.now() - started) / 1000), warmUp, outcomes });
    }
    await sleep(QUIET_MS);
    return runs.map(({ cell, seconds, warmUp, outcomes }) => ({
      ...summarizeCell(cell, warmUp, outcomes, rig.tallyWebhooks(cell.key)),
      seconds,
    }));
  } finally {
    await rig.stop();
  }
}

async function runCell(rig: Rig, cell: Cell): Promise<{ warmUp: Outcome[]; outcomes: Outcome[] }> {
  const deadline = Date.now() + CELL_DEADLINE_MS;
  const loop = (round: string, count: number) =>
    rig.runClosedLoop({
      prefix: cell.key,
      round,
      conversations: cell.conversations,
      keepGoing: (sent) => sent < count && Date.now() < deadline,
    });
  // The warm-up opens the conversations and warms the code paths; a slow model would add nothing but time.
  rig.model.setDelay(0);
  const warmUp = await loop('warm-up', SETTINGS.warmUpMessagesPerConversation);
  rig.model.setDelay(cell.modelDelayMs);
  const outcomes = await loop('measured', cell.messagesPerConversation);
  return { warmUp: warmUp.flat(), outcomes: outcomes.flat() };
}

function summarizeCell(
  cell: Cell,
  warmUp: Outcome[],
  outcomes: Outcome[],
  webhooks: WebhookTally,
): Omit<CellResult, 'seconds'> {
  const samples = samplesOf(outcomes);
  const latencyMs = summarize(samples.map((s) => s.webhookMs));
  const modelMs = cell.modelDelayMs;
  const counts = countOutcomes(outcomes);
  return {
    ...cell,
    ...counts,
    ...webhooks,
    notSent: cell.conversations * cell.messagesPerConversation - counts.sent,
    warmUp: countOutcomes(warmUp),
    latencyMs,
    acceptedMs: summarize(samples.map((s) => s.acceptedMs)),
    replyStoredMs: summarize(samples.map((s) => s.replyStoredMs)),
    replyToWebhookMs: summarize(samples.map((s) => s.webhookMs - s.replyStoredMs)),
    overheadMs: { p50: latencyMs.p50 - modelMs, p95: latencyMs.p95 - modelMs },
    ratio: modelMs > 0 ? { p50: round2(latencyMs.p50 / modelMs), p95: round2(latencyMs.p95 / modelMs) } : null,
  };
}

function findProblems(result: CellResult): string[] {
  return describeProblems(result.key, {
    'missing answers': result.missing,
    'refused posts': result.rejected,
    'throttled posts (429)': result.throttled,
    'messages not sent before the deadline': result.notSent,
    'warm-up messages never answered': result.warmUp.missing,
    'warm-up posts refused': result.warmUp.rejected,
    'warm-up posts throttled (429)': result.warmUp.throttled,
    'duplicate webhooks': result.duplicates,
    'unexpected webhooks': result.unexpected,
  });
}

function chartSeries(cells: CellResult[]): LatencySeries[] {
  return SETTINGS.modelDelaysMs.map((modelDelayMs) => ({
    modelDelayMs,
    points: cells
      .filter((c) => c.modelDelayMs === modelDelayMs)
      .map((c) => ({ conversations: c.conversations, p50Ms: c.latencyMs.p50, p95Ms: c.latencyMs.p95 })),
  }));
}

function chartTitle(report: PipelineLatencyReport): string {
  const { cpus, node } = report.machine;
  return `POST → webhook latency, local runtime (${cpus} CPUs, node ${node}, ${report.date.slice(0, 10)})`;
}

function formatReport(report: PipelineLatencyReport): string {
  const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n)}` : '–');
  const times = (n: number | undefined) => (n === undefined ? '–' : `${n.toFixed(2)}×`);
  const rows = [
    [
      'model',
      'conv.',
      'answered',
      'p50',
      'p95',
      'p99',
      'max',
      'p50/L',
      'p95/L',
      'over p50',
      'over p95',
      '→202',
      '→stored',
      'stored→hook',
      'lost',
      'dup.',
      'run',
    ],
    ...report.cells.map((c) => [
      `L = ${c.modelDelayMs} ms`,
      `${c.conversations}`,
      `${c.answered} / ${c.sent}`,
      ms(c.latencyMs.p50),
      ms(c.latencyMs.p95),
      ms(c.latencyMs.p99),
      ms(c.latencyMs.max),
      times(c.ratio?.p50),
      times(c.ratio?.p95),
      ms(c.overheadMs.p50),
      ms(c.overheadMs.p95),
      ms(c.acceptedMs.p50),
      ms(c.replyStoredMs.p50),
      ms(c.replyToWebhookMs.p50),
      `${c.missing + c.rejected + c.throttled + c.notSent}`,
      `${c.duplicates}`,
      `${c.seconds} s`,
    ]),
  ];
  const { aim } = SETTINGS;
  const { machine } = report;
  const title =
    `POST → webhook latency (ms), local runtime, closed loop; ${machine.cpus} CPUs, node ${machine.node}, ` +
    `load average ${machine.loadAverage.before} → ${machine.loadAverage.after}`;
  const verdict =
    `  aim at ${aim.conversations} conversations, L = ${aim.modelDelayMs} ms: p50 ≤ ${aim.p50Ratio}× L and ` +
    `p95 ≤ ${aim.p95Ratio}× L: ${report.aim.met ? 'met' : 'missed'} (${times(report.aim.p50Ratio ?? undefined)} / ${times(report.aim.p95Ratio ?? undefined)})\n`;
  const problems = report.problems.map((p) => `  PROBLEM: ${p}\n`).join('');
  return `\n${title}\n\n${formatTable(rows)}\n${verdict}${problems}`;
}
