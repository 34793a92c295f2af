/**
 * Lambda bundle size and cold import time. Each function of FUNCTION_ENTRIES is built with the very
 * esbuild options the CDK stack uses (infra/bundling.ts), then imported by fresh `node` processes,
 * as Lambda's init does: once as deployed (the stack's NODE_OPTIONS, LAMBDA_NODE_OPTIONS, which no
 * longer turn source maps on) and once with NODE_OPTIONS=--enable-source-maps, to show what they cost.
 */
import { execFile } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { ENV } from '#lib/config';
import type { ModelProvider } from '#lib/config';
import {
  ESBUILD_OPTIONS,
  externalSdks,
  FUNCTION_ENTRIES,
  type FunctionName,
  LAMBDA_NODE_OPTIONS,
} from '../infra/bundling.ts';
import { parseInfraConfig } from '../infra/config.ts';
import { currentLoad, describeMachine, formatTable, round1, writeReport, type Machine } from './report.ts';

/**
 * The issue's aim, and how many cold imports each median is taken over: 5 (10 before the suite had
 * a 5-minute budget; the medians moved by less than the run-to-run spread).
 */
export const SETTINGS = Object.freeze({
  runs: 5,
  topPackages: 5,
  aim: { maxBundleKb: 500, maxImportMs: 150 },
});

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT_DIR = '.bench/bundles';
const OUTPUT_FILE = '.bench/bundles.json';
/** A child that takes this long has hung; its run counts as a failed import. */
const IMPORT_TIMEOUT_MS = 30_000;
/** What Lambda's stack sets on every function (infra/constructs/lambda-function.ts). */
const DEPLOYED_NODE_OPTIONS = LAMBDA_NODE_OPTIONS;
/** What the stack set before cold starts were measured (BENCHMARKS.md), kept for comparison. */
const SOURCE_MAPS_NODE_OPTIONS = '--enable-source-maps';

/** Times `await import(bundle)` inside the child; the parent times the whole process around it. */
const IMPORT_SCRIPT = `
const start = performance.now();
await import(process.argv[1]);
process.stdout.write(JSON.stringify({ importMs: performance.now() - start }));`;

export interface PackageShare {
  name: string;
  kb: number;
}

export interface ImportTimes {
  /** Median `await import(bundle)` inside the child, ms. */
  importMs: number;
  /** Median wall time of the whole child process (node start, import, exit), ms. */
  processMs: number;
}

export interface BundleResult {
  name: FunctionName;
  entry: string;
  bundleKb: number;
  sourceMapKb: number;
  topPackages: PackageShare[];
  /** As deployed: NODE_OPTIONS=LAMBDA_NODE_OPTIONS (no source maps). */
  deployed: ImportTimes;
  withSourceMaps: ImportTimes;
  /** The issue's two aims, apart: under maxBundleKb, and imported (as deployed) in under maxImportMs. */
  sizeAimMet: boolean;
  importAimMet: boolean;
}

export interface BundlesReport {
  benchmark: 'bundles';
  date: string;
  machine: Machine;
  settings: typeof SETTINGS;
  bundles: BundleResult[];
  largest: FunctionName | null;
  problems: string[];
}

/** Builds and imports every function bundle; prints a table and writes `.bench/bundles.json`. */
export async function runBundlesBenchmark(): Promise<{ problems: string[] }> {
  const bundles: BundleResult[] = [];
  const problems: string[] = [];
  const loadBefore = currentLoad();
  for (const name of Object.keys(FUNCTION_ENTRIES) as FunctionName[]) {
    process.stdout.write(`  bundling and importing: ${name}…\n`);
    try {
      bundles.push(await measureBundle(name));
    } catch (error) {
      problems.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const largest = bundles.reduce<BundleResult | undefined>(
    (a, b) => (a && a.bundleKb >= b.bundleKb ? a : b),
    undefined,
  );
  const report: BundlesReport = {
    benchmark: 'bundles',
    date: new Date().toISOString(),
    machine: describeMachine(loadBefore),
    settings: SETTINGS,
    bundles,
    largest: largest?.name ?? null,
    problems,
  };
  process.stdout.write(formatReport(report));
  await writeReport(join(ROOT, OUTPUT_FILE), report);
  return { problems };
}

async function measureBundle(name: FunctionName): Promise<BundleResult> {
  const outfile = `${OUT_DIR}/${name}.mjs`;
  const metafile = await buildBundle(name, outfile);
  const bundleKb = kb((await stat(join(ROOT, outfile))).size);
  const sourceMapKb = kb((await stat(join(ROOT, `${outfile}.map`))).size);
  const bundleUrl = pathToFileURL(join(ROOT, outfile)).href;
  // One untimed import first, so every timed run reads the bundle from the page cache alike.
  await importOnce(bundleUrl, DEPLOYED_NODE_OPTIONS);
  const deployed: number[][] = [];
  const mapped: number[][] = [];
  // Alternating the two variants spreads any background load over both.
  for (let run = 0; run < SETTINGS.runs; run++) {
    deployed.push(await importOnce(bundleUrl, DEPLOYED_NODE_OPTIONS));
    mapped.push(await importOnce(bundleUrl, SOURCE_MAPS_NODE_OPTIONS));
  }
  const deployedTimes = medianTimes(deployed);
  return {
    name,
    entry: FUNCTION_ENTRIES[name],
    bundleKb,
    sourceMapKb,
    topPackages: largestPackages(metafile, outfile, SETTINGS.topPackages),
    deployed: deployedTimes,
    withSourceMaps: medianTimes(mapped),
    sizeAimMet: bundleKb < SETTINGS.aim.maxBundleKb,
    importAimMet: deployedTimes.importMs < SETTINGS.aim.maxImportMs,
  };
}

/**
 * esbuild with exactly the stack's options for `name` (the default stack's model provider unless
 * one is given); only where the output goes and the metafile are added.
 */
export async function buildBundle(
  name: FunctionName,
  outfile: string,
  provider: ModelProvider = parseInfraConfig(() => undefined).modelProvider,
): Promise<Metafile> {
  await mkdir(join(ROOT, OUT_DIR), { recursive: true });
  const result = await build({
    ...ESBUILD_OPTIONS,
    // The shared options are readonly; esbuild wants its own arrays.
    mainFields: [...ESBUILD_OPTIONS.mainFields],
    external: [...ESBUILD_OPTIONS.external, ...externalSdks(name, provider)],
    alias: { ...ESBUILD_OPTIONS.alias },
    absWorkingDir: ROOT,
    entryPoints: [FUNCTION_ENTRIES[name]],
    outfile,
    metafile: true,
    logLevel: 'silent',
  });
  return result.metafile;
}

/** Output bytes by npm package (the innermost node_modules folder), own code as `(parley)`. */
function largestPackages(metafile: Metafile, outfile: string, count: number): PackageShare[] {
  const output = metafile.outputs[outfile];
  if (!output) throw new Error(`esbuild's metafile has no output ${outfile}`);
  const bytes = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(path);
    bytes.set(name, (bytes.get(name) ?? 0) + bytesInOutput);
  }
  return [...bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, size]) => ({ name, kb: kb(size) }));
}

function packageOf(path: string): string {
  const parts = path.split('node_modules/');
  if (parts.length < 2) return '(parley)';
  const rest = (parts.at(-1) ?? '').split('/');
  return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? '(unknown)');
}

/**
 * One cold import in a fresh process with only the environment a function has at init: config
 * variables set to dummies and no secret ARN, so nothing touches the network. Resolves
 * [import ms, process ms]; rejects if the import fails.
 */
function importOnce(bundleUrl: string, nodeOptions: string): Promise<number[]> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_OPTIONS: nodeOptions,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_SERVICE_NAME: 'parley',
    [ENV.region]: 'us-east-1',
    [ENV.tableName]: 'parley-bench',
    [ENV.generationQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/123456789012/parley-generation.fifo',
    [ENV.deliveryQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/123456789012/parley-delivery',
    [ENV.ingestionQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/123456789012/parley-ingestion',
    [ENV.documentsBucket]: 'parley-bench-documents',
    [ENV.eventBusName]: 'parley-bench',
  };
  const start = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', IMPORT_SCRIPT, bundleUrl],
      { env, cwd: ROOT, timeout: IMPORT_TIMEOUT_MS, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const processMs = performance.now() - start;
        if (error) {
          reject(new Error(`importing the bundle failed: ${stderr.trim().split('\n').slice(0, 3).join(' ')}`));
          return;
        }
        const { importMs } = JSON.parse(stdout) as { importMs: number };
        resolve([importMs, processMs]);
      },
    );
  });
}

function medianTimes(runs: number[][]): ImportTimes {
  return {
    importMs: median(runs.map((r) => r[0] ?? Number.NaN)),
    processMs: median(runs.map((r) => r[1] ?? Number.NaN)),
  };
}

/** The middle value (the lower of the two middle ones for an even count), so it was actually measured. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return round1(sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN);
}

function formatReport(report: BundlesReport): string {
  const { aim } = SETTINGS;
  const header = ['function', 'bundle', 'map', 'import (deployed)', 'import (maps)', 'process', 'size aim', 'time aim'];
  const verdict = (met: boolean) => (met ? 'met' : 'missed');
  const rows = report.bundles.map((b) => [
    b.name,
    `${b.bundleKb} KB`,
    `${b.sourceMapKb} KB`,
    `${b.deployed.importMs} ms`,
    `${b.withSourceMaps.importMs} ms`,
    `${b.deployed.processMs} ms`,
    verdict(b.sizeAimMet),
    verdict(b.importAimMet),
  ]);
  const packages = report.bundles
    .map((b) => `  ${b.name}: ${b.topPackages.map((p) => `${p.name} ${p.kb} KB`).join(', ')}\n`)
    .join('');
  const { machine } = report;
  const title =
    `Lambda bundles (infra/bundling.ts options), cold import median of ${SETTINGS.runs} fresh processes, ` +
    `${machine.cpus} CPUs, node ${machine.node}, load average ${machine.loadAverage.before} → ${machine.loadAverage.after}`;
  const problems = report.problems.map((p) => `  PROBLEM: ${p}\n`).join('');
  return (
    `\n${title}\n\n${formatTable([header, ...rows])}\n` +
    `  aim: every bundle < ${aim.maxBundleKb} KB and imported in < ${aim.maxImportMs} ms as deployed ` +
    `(NODE_OPTIONS=${DEPLOYED_NODE_OPTIONS || '(none)'}); "maps": NODE_OPTIONS=${SOURCE_MAPS_NODE_OPTIONS}; ` +
    `"process" is the whole node process, as deployed\n` +
    `  largest bundle: ${report.largest ?? '–'}\n\n  largest packages in each bundle:\n${packages}${problems}`
  );
}

function kb(bytes: number): number {
  return round1(bytes / 1024);
}
