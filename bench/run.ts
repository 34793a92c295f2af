/**
 * `npm run bench`: runs every benchmark in turn and prints its figures. Benchmarks measure; they
 * never fail on a time (timed assertions belong nowhere), only on answers that went missing or
 * came twice, which make the figures meaningless.
 */
import { runBundlesBenchmark } from './bundles.ts';
import { runCostModelBenchmark } from './cost-model.ts';
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
];

async function runAll(): Promise<number> {
  let failures = 0;
  for (const benchmark of BENCHMARKS) {
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

const failures = await runAll();
process.stdout.write(`\n${BENCHMARKS.length - failures} of ${BENCHMARKS.length} benchmarks ran cleanly.\n`);
process.exitCode = failures > 0 ? 1 : 0;
