/**
 * The suite's headline figures, one or two per benchmark with the aim each is held to, and
 * bench/results.json: what the last runs measured, kept per benchmark so running one benchmark
 * (`npm run bench -- throughput`) updates its entry and leaves the others' as they were.
 */
import type { AnswerQualityReport } from './answer-quality.ts';
import type { BundlesReport } from './bundles.ts';
import type { ChaosBenchmarkReport } from './chaos.ts';
import { type ColdStartReport, deployedCell } from './cold-start.ts';
import { type CorrectionReachReport, REACH_AIM } from './correction-reach.ts';
import type { CostModelReport } from './cost-model.ts';
import type { HistoryReadReport } from './history-read.ts';
import type { KnowledgeIngestionReport } from './knowledge-ingestion.ts';
import { type KnowledgeRetrievalReport, SETTINGS as RETRIEVAL_SETTINGS } from './knowledge-retrieval.ts';
import type { LoadRunReport } from './load-run.ts';
import type { LocalSchedulerReport } from './local-scheduler.ts';
import type { PipelineLatencyReport } from './pipeline-latency.ts';
import { type Machine, round1 } from './report.ts';
import type { ThroughputReport } from './throughput.ts';

export interface Headline {
  benchmark: string;
  figure: string;
  value: string;
  /** The aim, as written in the issue that set it; null for a figure without one. */
  aim: string | null;
  met: boolean | null;
}

export interface BenchmarkEntry {
  date: string;
  seconds: number;
  /** What makes the figures unsound, or why the benchmark failed; empty when it ran cleanly. */
  problems: string[];
  headlines: Headline[];
  /** The benchmark's own report (also in `.bench/<name>.json`); null when it failed. */
  figures: unknown;
}

export interface SuiteResults {
  /** The last run of the whole suite: when, where, and how long it took. */
  suite: { date: string; machine: Machine; totalSeconds: number; aim: string; met: boolean } | null;
  summary: Headline[];
  benchmarks: Record<string, BenchmarkEntry>;
}

/** The aim for the whole suite. */
export const SUITE_AIM_SECONDS = 300;
/** The knowledge-base issue's recall aim (lexical search alone); bench/knowledge-retrieval.ts prints it but keeps no constant. */
const RECALL_AT_3_AIM = 0.9;
/** The passage count the retrieval latency aim is set at. */
const RETRIEVAL_AIM_PASSAGES = 10_000;

const ms = (n: number | null | undefined) => (n === null || n === undefined || !Number.isFinite(n) ? '–' : `${n} ms`);
const times = (n: number | null) => (n === null ? '–' : `${n.toFixed(2)}×`);

export function pipelineLatencyHeadlines(r: PipelineLatencyReport): Headline[] {
  const { aim } = r.settings;
  const cell = r.cells.find((c) => c.key === r.aim.cell);
  return [
    {
      benchmark: r.benchmark,
      figure: `latency ÷ L, p50 / p95 (${aim.conversations} conversations, L = ${aim.modelDelayMs} ms)`,
      value: `${times(r.aim.p50Ratio)} / ${times(r.aim.p95Ratio)}`,
      aim: `≤ ${aim.p50Ratio}× / ≤ ${aim.p95Ratio}×`,
      met: r.aim.met,
    },
    {
      benchmark: r.benchmark,
      figure: 'overhead (latency − L), p50 / p95, same cell',
      value: `${ms(cell?.overheadMs.p50)} / ${ms(cell?.overheadMs.p95)}`,
      aim: null,
      met: null,
    },
  ];
}

export function throughputHeadlines(r: ThroughputReport): Headline[] {
  const peak = r.peak;
  const cpu =
    peak?.cpuCores === null || peak === null
      ? ''
      : `, CPU ${peak.cpuCores} cores (${peak.cpuMsPerMessage} ms per message)`;
  const memory = peak?.rssMb === null || peak === null ? '' : `, RSS ${peak.rssMb} MB (peak ${peak.peakRssMb} MB)`;
  return [
    {
      benchmark: r.benchmark,
      figure: `answered messages/s, model L = 0 (peak at ${peak?.conversations ?? '–'} conversations${r.saturated ? '' : ', still rising'})`,
      value: `${peak?.messagesPerSecond ?? '–'}/s${cpu}${memory}`,
      aim: `≥ ${r.settings.aim.messagesPerSecond}/s`,
      met: r.aimMet,
    },
  ];
}

export function knowledgeRetrievalHeadlines(r: KnowledgeRetrievalReport): Headline[] {
  const atAim = r.latencyMs.find((l) => l.chunks >= RETRIEVAL_AIM_PASSAGES);
  const recall = r.quality.lexical.recallAt[3] ?? Number.NaN;
  const aimMs = RETRIEVAL_SETTINGS.aim.searchP50Ms;
  return [
    {
      benchmark: r.benchmark,
      figure: `search p50 at ${atAim?.chunks ?? '–'} passages, lexical / hybrid`,
      value: `${ms(atAim?.lexical.p50)} / ${ms(atAim?.hybrid.p50)}`,
      aim: `≤ ${aimMs} ms`,
      met: atAim ? Math.max(atAim.lexical.p50, atAim.hybrid.p50) <= aimMs : false,
    },
    {
      benchmark: r.benchmark,
      figure: 'recall@3, lexical, labelled set',
      value: recall.toFixed(2),
      aim: `≥ ${RECALL_AT_3_AIM}`,
      met: recall >= RECALL_AT_3_AIM,
    },
  ];
}

export function answerQualityHeadlines(r: AnswerQualityReport): Headline[] {
  const heldOut = r.sets.pooled['held-out'];
  return [
    {
      benchmark: r.benchmark,
      figure: 'answer precision, offline, held-out half (help centre + sales)',
      value: heldOut.precision.toFixed(2),
      aim: `≥ ${r.aims.precision}`,
      met: heldOut.precision >= r.aims.precision,
    },
    {
      benchmark: r.benchmark,
      figure: 'abstain recall, offline, held-out half (help centre + sales)',
      value: heldOut.abstainRecall.toFixed(2),
      aim: `≥ ${r.aims.abstainRecall}`,
      met: heldOut.abstainRecall >= r.aims.abstainRecall,
    },
    {
      benchmark: r.benchmark,
      figure: 'reach (answerable cases answered), same half',
      value: heldOut.reach.toFixed(2),
      aim: null,
      met: null,
    },
  ];
}

export function correctionReachHeadlines(r: CorrectionReachReport): Headline[] {
  const offline = r.rows.find((row) => row.half === 'held-out' && row.mode === 'offline' && row.search === 'lexical');
  const handed = r.rows.find((row) => row.half === 'held-out' && row.mode === 'candidates' && row.search === 'lexical');
  return [
    {
      benchmark: r.benchmark,
      figure: 'reach offline, held-out half / near-misses matched',
      value: offline ? `${offline.reach.toFixed(2)} / ${offline.nearMissesMatched}` : '–',
      aim: `≥ ${REACH_AIM.reach} / ${REACH_AIM.nearMissesMatched}`,
      met: offline
        ? offline.reach >= REACH_AIM.reach && offline.nearMissesMatched <= REACH_AIM.nearMissesMatched
        : false,
    },
    {
      benchmark: r.benchmark,
      figure: 'handed to the model, held-out half, lexical',
      value: handed ? handed.reach.toFixed(2) : '–',
      aim: null,
      met: null,
    },
  ];
}

export function knowledgeIngestionHeadlines(r: KnowledgeIngestionReport): Headline[] {
  const slowest = [...r.formats].sort((a, b) => a.pagesPerSecond - b.pagesPerSecond)[0];
  return [
    {
      benchmark: r.benchmark,
      figure: 'slowest format, pages/s without embeddings',
      value: slowest ? `${slowest.format}: ${slowest.pagesPerSecond}` : '–',
      aim: null,
      met: null,
    },
  ];
}

export function historyReadHeadlines(r: HistoryReadReport): Headline[] {
  const longest = r.lengths.at(-1);
  return [
    {
      benchmark: r.benchmark,
      figure: `one answer's read of a ${longest?.messages ?? '–'}-message conversation, whole / newest ${r.window}`,
      value: longest
        ? `${longest.whole.readUnits} / ${longest.window.readUnits} read units, ${ms(longest.whole.medianMs)} / ${ms(longest.window.medianMs)}`
        : '–',
      aim: null,
      met: null,
    },
  ];
}

export function localSchedulerHeadlines(r: LocalSchedulerReport): Headline[] {
  const aim = r.settings.aim.p95FireDelayMs;
  return [
    {
      benchmark: r.benchmark,
      figure: `p95 fire delay, ${r.settings.timers} timers, ${r.stores.map((s) => s.store.split(' ')[0]).join(' / ')}`,
      value: r.stores.map((s) => ms(s.fireDelayMs.p95)).join(' / '),
      aim: `< ${aim} ms`,
      met: r.stores.length > 0 && r.stores.every((s) => s.fireDelayMs.p95 < aim),
    },
  ];
}

export function bundlesHeadlines(r: BundlesReport): Headline[] {
  const { aim } = r.settings;
  const largest = r.bundles.find((b) => b.name === r.largest);
  const slowest = [...r.bundles].sort((a, b) => b.deployed.importMs - a.deployed.importMs)[0];
  return [
    {
      benchmark: r.benchmark,
      figure: 'largest bundle',
      value: largest ? `${largest.name}: ${Math.round(largest.bundleKb)} KB` : '–',
      aim: `< ${aim.maxBundleKb} KB each`,
      met: r.bundles.length > 0 && r.bundles.every((b) => b.sizeAimMet),
    },
    {
      benchmark: r.benchmark,
      figure: 'slowest cold import, as deployed',
      value: slowest ? `${slowest.name}: ${ms(slowest.deployed.importMs)}` : '–',
      aim: `< ${aim.maxImportMs} ms each`,
      met: r.bundles.length > 0 && r.bundles.every((b) => b.importAimMet),
    },
  ];
}

export function coldStartHeadlines(r: ColdStartReport): Headline[] {
  const { aim } = r.settings;
  const asDeployed = (key: 'keyless' | 'keyed') =>
    aim.functions
      .map((name) => {
        const cell = deployedCell(r.cells, name, key);
        return `${name} ${ms(cell?.readyMs.p50)} / ${ms(cell?.readyMs.p95)}`;
      })
      .join(', ');
  const slowest = r.cells
    .filter((c) => c.key === 'keyless' && c === deployedCell(r.cells, c.name, 'keyless'))
    .sort((a, b) => b.readyMs.p50 - a.readyMs.p50)[0];
  return [
    {
      benchmark: r.benchmark,
      figure: `spawn → handler ready on ${r.runtime}, p50 / p95, as deployed, keyless`,
      value: asDeployed('keyless'),
      aim: `≤ ${aim.maxReadyP50Ms} ms p50 each`,
      met: r.aim.met,
    },
    {
      benchmark: r.benchmark,
      figure: 'the same with the OpenAI key read from the secret (loopback round trip)',
      value: asDeployed('keyed'),
      aim: null,
      met: null,
    },
    {
      benchmark: r.benchmark,
      figure: 'slowest function, keyless, p50',
      value: slowest ? `${slowest.name}: ${ms(slowest.readyMs.p50)}` : '–',
      aim: null,
      met: null,
    },
  ];
}

export function costModelHeadlines(r: CostModelReport): Headline[] {
  return [
    {
      benchmark: r.benchmark,
      figure: 'infrastructure per 1,000 answered messages',
      value: `$${r.totals.infrastructureUsdPerThousand.toFixed(4)} (model $${r.totals.modelUsdPerThousand.toFixed(4)})`,
      aim: `< $${r.settings.aim.infrastructureUsdPerThousand}`,
      met: r.totals.aimMet,
    },
  ];
}

export function loadRunHeadlines(r: LoadRunReport): Headline[] {
  return [
    {
      benchmark: r.benchmark,
      figure: `lost / doubled of ${r.posted} messages (receiver failing 1 in 5 first attempts)`,
      value: `${r.lost} / ${r.duplicates}`,
      aim: '0 / 0',
      met: r.lost === 0 && r.duplicates === 0 && r.rejected === 0,
    },
  ];
}

export function chaosHeadlines(r: ChaosBenchmarkReport): Headline[] {
  return [
    {
      benchmark: r.benchmark,
      figure: `answered / doubled of ${r.conversations} conversations, ${r.kills} SIGKILLs`,
      value: `${r.answered} / ${r.doubled}`,
      aim: `${r.conversations} / 0`,
      met: r.answered === r.conversations && r.doubled === 0,
    },
    {
      benchmark: r.benchmark,
      figure: 'longest wait for an answer after a restart',
      value: `${round1(r.longestWaitAfterRestartMs / 1000)} s`,
      aim: null,
      met: null,
    },
  ];
}

/** The new results: earlier entries kept, `entries` replacing theirs; the suite's line only after a full run. */
export function mergeResults(
  previous: SuiteResults | undefined,
  entries: Record<string, BenchmarkEntry>,
  order: readonly string[],
  fullRun: { date: string; machine: Machine; totalSeconds: number } | undefined,
): SuiteResults {
  const merged = { ...previous?.benchmarks, ...entries };
  const benchmarks = Object.fromEntries(order.flatMap((name) => (merged[name] ? [[name, merged[name]]] : [])));
  const suite = fullRun
    ? { ...fullRun, aim: `< ${SUITE_AIM_SECONDS} s`, met: fullRun.totalSeconds < SUITE_AIM_SECONDS }
    : (previous?.suite ?? null);
  return { suite, summary: Object.values(benchmarks).flatMap((entry) => entry.headlines), benchmarks };
}
