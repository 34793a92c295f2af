/**
 * `npm run bench [name …]`: runs every benchmark (or the named ones) in turn and prints its figures. Benchmarks measure; they
 * never fail on a time (timed assertions belong nowhere), only on answers that went missing or
 * came twice, which make the figures meaningless.
 */
import { runBundlesBenchmark } from './bundles.ts';
import { runCostModelBenchmark } from './cost-model.ts';
import { runKnowledgeIngestionBenchmark } from './knowledge-ingestion.ts';
import { runKnowledgeRetrievalBenchmark } from './knowledge-retrieval.ts';
import { runLoadRunBenchmark } from './load-run.ts';
import { runLocalSchedulerBenchmark } from './local-scheduler.ts';
import { runPipelineLatencyBenchmark } from './pipeline-latency.ts';

interface Benchmark {
  name: string;
  /** Prints its own figures and writes them to `.bench/<name>.json`; returns what makes them unsound. */
  run(): Promise<{ problems: string[] }>;
}

/** Add new benchmarks here; they run one after another so none disturbs another's timings. */
const BENCHMARKS: readonly Benchmark[] = [
  { name: 'pipeline-latency', run: runPipelineLatencyBenchmark },
  { name: 'bundles', run: runBundlesBenchmark },
  { name: 'cost-model', run: runCostModelBenchmark },
  { name: 'knowledge-retrieval', run: runKnowledgeRetrievalBenchmark },
  { name: 'knowledge-ingestion', run: runKnowledgeIngestionBenchmark },
  { name: 'local-scheduler', run: runLocalSchedulerBenchmark },
  { name: 'load-run', run: runLoadRunBenchmark },
];

/** The benchmarks named on the command line, or all of them; an unknown name is an error. */
function selected(names: string[]): readonly Benchmark[] {
  if (names.length === 0) return BENCHMARKS;
  const unknown = names.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0) {
    throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  }
  return BENCHMARKS.filter((b) => names.includes(b.name));
}

async function runAll(benchmarks: readonly Benchmark[]): Promise<number> {
  let failures = 0;
  for (const benchmark of benchmarks) {
    process.stdout.write(`\n▶ ${benchmark.name}\n`);
    try {
      const { problems } = await benchmark.run();
      if (problems.length > 0) failures += 1;
    } catch (error) {
      failures += 1;
      process.stderr.write(`✖ ${benchmark.name} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    }
  }
  return failures;
}

const benchmarks = selected(process.argv.slice(2));
const failures = await runAll(benchmarks);
process.stdout.write(`\n${benchmarks.length - failures} of ${benchmarks.length} benchmarks ran cleanly.\n`);
process.exitCode = failures > 0 ? 1 : 0;
