/**
 * `npm run bench [name …]`: runs every benchmark (or the named ones) in turn, prints each one's
 * figures, then one table of the headline figures against their aims, and writes them with every
 * benchmark's full figures to bench/results.json. Benchmarks measure; they never fail on a time
 * (timed assertions belong nowhere), only on answers that went missing or came twice, which make
 * the figures meaningless.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { runAnswerQualityBenchmark } from './answer-quality.ts';
import { runBundlesBenchmark } from './bundles.ts';
import { runChaosBenchmark } from './chaos.ts';
import { runColdStartBenchmark } from './cold-start.ts';
import { runCorrectionReachBenchmark } from './correction-reach.ts';
import { runCostModelBenchmark } from './cost-model.ts';
import { runHistoryReadBenchmark } from './history-read.ts';
import { runKnowledgeIngestionBenchmark } from './knowledge-ingestion.ts';
import { runKnowledgeRetrievalBenchmark } from './knowledge-retrieval.ts';
import { runLoadRunBenchmark } from './load-run.ts';
import { runLocalSchedulerBenchmark } from './local-scheduler.ts';
import { runPipelineLatencyBenchmark } from './pipeline-latency.ts';
import { currentLoad, describeMachine, formatTable, round1 } from './report.ts';
import {
  answerQualityHeadlines,
  type BenchmarkEntry,
  bundlesHeadlines,
  chaosHeadlines,
  coldStartHeadlines,
  correctionReachHeadlines,
  costModelHeadlines,
  type Headline,
  historyReadHeadlines,
  knowledgeIngestionHeadlines,
  knowledgeRetrievalHeadlines,
  loadRunHeadlines,
  localSchedulerHeadlines,
  mergeResults,
  pipelineLatencyHeadlines,
  type SuiteResults,
  throughputHeadlines,
} from './summary.ts';
import { runThroughputBenchmark } from './throughput.ts';

/** Committed: the figures BENCHMARKS.md quotes, with the machine and date they were taken on. */
const RESULTS_FILE = 'bench/results.json';
const BIOME = 'node_modules/@biomejs/biome/bin/biome';

interface Benchmark {
  name: string;
  /** Prints its own figures and writes them to `report`; returns what makes them unsound. */
  run(): Promise<{ problems: string[] }>;
  /** The JSON file the benchmark writes its full figures to. */
  report: string;
  headlines(figures: never): Headline[];
  /** Run only when named: it would not fit the suite's 5-minute budget. */
  optIn?: boolean;
}

/**
 * Add new benchmarks here; they run one after another so none disturbs another's timings. The two
 * that load the local runtime hardest run first, on a machine not yet warmed by the others' work.
 */
const BENCHMARKS: readonly Benchmark[] = [
  {
    name: 'pipeline-latency',
    run: runPipelineLatencyBenchmark,
    report: '.bench/pipeline-latency.json',
    headlines: pipelineLatencyHeadlines,
  },
  { name: 'throughput', run: runThroughputBenchmark, report: '.bench/throughput.json', headlines: throughputHeadlines },
  {
    name: 'knowledge-retrieval',
    run: runKnowledgeRetrievalBenchmark,
    report: '.bench/knowledge-retrieval.json',
    headlines: knowledgeRetrievalHeadlines,
  },
  {
    name: 'answer-quality',
    run: runAnswerQualityBenchmark,
    report: '.bench/answer-quality.json',
    headlines: answerQualityHeadlines,
  },
  {
    name: 'correction-reach',
    run: runCorrectionReachBenchmark,
    report: '.bench/correction-reach.json',
    headlines: correctionReachHeadlines,
  },
  {
    name: 'knowledge-ingestion',
    run: runKnowledgeIngestionBenchmark,
    report: '.bench/knowledge-ingestion.json',
    headlines: knowledgeIngestionHeadlines,
  },
  {
    name: 'local-scheduler',
    run: runLocalSchedulerBenchmark,
    report: '.bench/local-scheduler.json',
    headlines: localSchedulerHeadlines,
  },
  { name: 'bundles', run: runBundlesBenchmark, report: '.bench/bundles.json', headlines: bundlesHeadlines },
  {
    name: 'cold-start',
    run: runColdStartBenchmark,
    report: '.bench/cold-start.json',
    headlines: coldStartHeadlines,
  },
  { name: 'cost-model', run: runCostModelBenchmark, report: '.bench/cost-model.json', headlines: costModelHeadlines },
  {
    name: 'history-read',
    run: runHistoryReadBenchmark,
    report: '.bench/history-read.json',
    headlines: historyReadHeadlines,
  },
  { name: 'load-run', run: runLoadRunBenchmark, report: '.bench/load-run.json', headlines: loadRunHeadlines },
  { name: 'chaos', run: runChaosBenchmark, report: '.bench/chaos.json', headlines: chaosHeadlines, optIn: true },
];

/** What `npm run bench` runs when no benchmark is named. */
const FULL_RUN = BENCHMARKS.filter((b) => !b.optIn);

/** The benchmarks named on the command line, or all but the opt-in ones; an unknown name is an error. */
function selected(names: string[]): readonly Benchmark[] {
  if (names.length === 0) return FULL_RUN;
  const unknown = names.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0) {
    throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  }
  return BENCHMARKS.filter((b) => names.includes(b.name));
}

/** Runs one benchmark and reads back the figures it wrote; a benchmark that throws becomes an entry saying why. */
async function runOne(benchmark: Benchmark): Promise<BenchmarkEntry> {
  process.stdout.write(`\n▶ ${benchmark.name}\n`);
  const started = performance.now();
  const seconds = () => round1((performance.now() - started) / 1000);
  try {
    const { problems } = await benchmark.run();
    const figures: unknown = JSON.parse(await readFile(benchmark.report, 'utf8'));
    // The file was written by this very benchmark a moment ago: its shape is the benchmark's report type.
    const headlines = benchmark.headlines(figures as never);
    return { date: new Date().toISOString(), seconds: seconds(), problems, headlines, figures };
  } catch (error) {
    process.stderr.write(`✖ ${benchmark.name} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    const failed: Headline = { benchmark: benchmark.name, figure: 'run', value: 'failed', aim: null, met: null };
    return {
      date: new Date().toISOString(),
      seconds: seconds(),
      problems: [`failed: ${String(error)}`],
      headlines: [failed],
      figures: null,
    };
  }
}

/** Formats the committed file as the repo's formatter does, so `biome check` passes on it as on any other JSON. */
async function writeResults(results: SuiteResults): Promise<void> {
  await writeFile(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  await promisify(execFile)(process.execPath, [BIOME, 'format', '--write', RESULTS_FILE]).catch((error: unknown) => {
    process.stderr.write(`  could not format ${RESULTS_FILE}: ${String(error)}\n`);
  });
}

async function readPreviousResults(): Promise<SuiteResults | undefined> {
  try {
    return JSON.parse(await readFile(RESULTS_FILE, 'utf8')) as SuiteResults;
  } catch {
    return undefined;
  }
}

function formatSummary(results: SuiteResults, ran: Record<string, BenchmarkEntry>, totalSeconds: number): string {
  const verdict = (met: boolean | null) => (met === null ? '' : met ? 'met' : 'MISSED');
  const rows = [
    ['benchmark', 'figure', 'value', 'aim', ''],
    ...results.summary
      .filter((h) => h.benchmark in ran)
      .map((h) => [h.benchmark, h.figure, h.value, h.aim ?? '', verdict(h.met)]),
  ];
  const times = Object.entries(ran)
    .map(([name, entry]) => `${name} ${entry.seconds} s`)
    .join(', ');
  return `\nSummary\n\n${formatTable(rows, rows[0]?.length)}\n  run time: ${round1(totalSeconds)} s (${times})\n`;
}

const benchmarks = selected(process.argv.slice(2));
const loadBefore = currentLoad();
const started = performance.now();
const ran: Record<string, BenchmarkEntry> = {};
for (const benchmark of benchmarks) ran[benchmark.name] = await runOne(benchmark);
const totalSeconds = round1((performance.now() - started) / 1000);
const fullRun =
  benchmarks.length === FULL_RUN.length && FULL_RUN.every((b) => benchmarks.includes(b))
    ? { date: new Date().toISOString(), machine: describeMachine(loadBefore), totalSeconds }
    : undefined;
const results = mergeResults(
  await readPreviousResults(),
  ran,
  BENCHMARKS.map((b) => b.name),
  fullRun,
);
await writeResults(results);
process.stdout.write(formatSummary(results, ran, totalSeconds));
if (fullRun)
  process.stdout.write(`  suite aim: under ${results.suite?.aim.slice(2)}: ${results.suite?.met ? 'met' : 'MISSED'}\n`);
process.stdout.write(`  headline and full figures written to ${RESULTS_FILE}\n`);
const failures = Object.values(ran).filter((entry) => entry.problems.length > 0).length;
process.stdout.write(`\n${benchmarks.length - failures} of ${benchmarks.length} benchmarks ran cleanly.\n`);
process.exitCode = failures > 0 ? 1 : 0;
