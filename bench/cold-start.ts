/**
 * Cold start as Lambda's init sees it: from spawning a fresh `node` of the functions' Lambda runtime
 * (LAMBDA_RUNTIME in infra/bundling.ts, the binary from test/support/lambda-node.ts) to the moment
 * the bundle (built with the stack's esbuild options) is imported, its top-level await done and its
 * `handler` export there. Each function runs with a deployed function's environment, its AWS
 * endpoints pointed at a closed loopback port so that nothing reaches the network, once with the
 * stack's NODE_OPTIONS and once without source maps. The functions that read the OpenAI key run
 * twice more: keyless (no secret ARN: the offline model) and keyed, where Secrets Manager is a
 * loopback server answering with a key, so the figure holds the extra round trip and the OpenAI
 * adapters' construction (in AWS the round trip itself is a few ms more).
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ENV } from '#lib/config';
import { ensureLambdaNode, lambdaNodeMajor } from '#test/support/lambda-node';
import { FUNCTION_ENTRIES, type FunctionName, LAMBDA_NODE_OPTIONS, LAMBDA_RUNTIME } from '../infra/bundling.ts';
import { buildBundle } from './bundles.ts';
import { currentLoad, describeMachine, formatTable, type Machine, round1, writeReport } from './report.ts';
import { type Summary, summarize } from './support/stats.ts';

/** The aim (p50 of the api and the generator, as deployed), and how many cold starts each figure is taken over. */
export const SETTINGS = Object.freeze({
  runs: 10,
  aim: { functions: ['api', 'generator'] as FunctionName[], maxReadyP50Ms: 300 },
});

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT_DIR = '.bench/cold-start';
const OUTPUT_FILE = '.bench/cold-start.json';
/** A child that takes this long has hung; the benchmark reports it as a problem. */
const READY_TIMEOUT_MS = 30_000;
const READY_LINE = 'ready';
const SOURCE_MAPS_OPTION = '--enable-source-maps';
/** Whether the stack's NODE_OPTIONS turn source maps on for every function. */
const DEPLOYED_SOURCE_MAPS = LAMBDA_NODE_OPTIONS.split(' ').includes(SOURCE_MAPS_OPTION);
/** What the OpenAI secret holds in the keyed runs: any non-empty string makes the functions build the OpenAI adapters. */
const BENCH_OPENAI_KEY = 'sk-bench-not-a-key';
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/** The functions granted the OpenAI secret and the scheduler settings in infra/parley-stack.ts. */
const READS_OPENAI_SECRET: ReadonlySet<FunctionName> = new Set(['api', 'generator', 'ingester', 'timer']);
const SCHEDULES_TIMERS: ReadonlySet<FunctionName> = new Set(['api', 'generator', 'timer']);
const PUBLISHES_EVENTS: ReadonlySet<FunctionName> = new Set(['generator', 'delivery', 'timer']);

/**
 * What Lambda's bootstrap does once the runtime is up, reduced to the part we own: import the
 * handler module (top-level await included), check its export, say so. `readyMs` is the child's
 * own clock since its process started; the parent's clock around spawn also holds exec and pipes.
 */
const READY_SCRIPT = `
const module = await import(process.argv[2]);
if (typeof module.handler !== 'function') throw new Error('the bundle exports no handler function');
process.stdout.write(JSON.stringify({ ${READY_LINE}: true, readyMs: performance.now() }) + '\\n');
process.exit(0);
`;

type KeyMode = 'keyless' | 'keyed';

export interface ColdStartCell {
  name: FunctionName;
  key: KeyMode;
  sourceMaps: boolean;
  /** Spawn to "handler ready" on the parent's clock, ms. */
  readyMs: Summary;
  /** The same moment on the child's clock (from its process start), ms. */
  childReadyMs: Summary;
}

export interface ColdStartReport {
  benchmark: 'cold-start';
  date: string;
  machine: Machine;
  /** The Lambda runtime measured and the Node that ran it. */
  runtime: string;
  lambdaNode: string;
  deployedNodeOptions: string;
  settings: typeof SETTINGS;
  cells: ColdStartCell[];
  /** The aim's figure: spawn to ready p50 of each aim function, as deployed (stack NODE_OPTIONS), keyless. */
  aim: { readyP50Ms: Partial<Record<FunctionName, number>>; met: boolean };
  problems: string[];
}

/** Builds every function bundle, cold-starts each on the Lambda runtime's Node; prints and writes `.bench/cold-start.json`. */
export async function runColdStartBenchmark(): Promise<{ problems: string[] }> {
  const loadBefore = currentLoad();
  const node = await ensureLambdaNode(lambdaNodeMajor(LAMBDA_RUNTIME));
  const lambdaNode = await readVersion(node);
  await mkdir(join(ROOT, OUT_DIR), { recursive: true });
  const readyScript = join(ROOT, OUT_DIR, 'ready.mjs');
  await writeFile(readyScript, READY_SCRIPT);
  const secrets = await startSecretsServer();
  const closedPort = await findClosedPort();
  const cells: ColdStartCell[] = [];
  const problems: string[] = [];
  try {
    for (const name of Object.keys(FUNCTION_ENTRIES) as FunctionName[]) {
      process.stdout.write(`  bundling and cold-starting: ${name}…\n`);
      const outfile = `${OUT_DIR}/${name}.mjs`;
      await buildBundle(name, outfile);
      const bundleUrl = pathToFileURL(join(ROOT, outfile)).href;
      const keyModes: KeyMode[] = READS_OPENAI_SECRET.has(name) ? ['keyless', 'keyed'] : ['keyless'];
      for (const key of keyModes) {
        const env = functionEnvironment(name, key, closedPort, secrets.port);
        // Keyed runs only as deployed: the secret's round trip does not depend on source maps, and the suite has a time budget.
        const variants = key === 'keyless' ? [true, false] : [DEPLOYED_SOURCE_MAPS];
        try {
          cells.push(...(await measureCells(node, readyScript, bundleUrl, env, { name, key, variants })));
        } catch (error) {
          problems.push(`${name} (${key}): ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
  } finally {
    secrets.server.close();
  }
  const readyP50Ms = Object.fromEntries(
    SETTINGS.aim.functions.map((name) => [name, deployedCell(cells, name, 'keyless')?.readyMs.p50 ?? Number.NaN]),
  );
  const report: ColdStartReport = {
    benchmark: 'cold-start',
    date: new Date().toISOString(),
    machine: describeMachine(loadBefore),
    runtime: LAMBDA_RUNTIME,
    lambdaNode,
    deployedNodeOptions: LAMBDA_NODE_OPTIONS,
    settings: SETTINGS,
    cells,
    aim: {
      readyP50Ms,
      met: Object.values(readyP50Ms).every((ms) => ms <= SETTINGS.aim.maxReadyP50Ms),
    },
    problems,
  };
  process.stdout.write(formatReport(report));
  await writeReport(join(ROOT, OUTPUT_FILE), report);
  return { problems };
}

/** The cell measured with the stack's own NODE_OPTIONS. */
export function deployedCell(cells: readonly ColdStartCell[], name: FunctionName, key: KeyMode) {
  return cells.find((c) => c.name === name && c.key === key && c.sourceMaps === DEPLOYED_SOURCE_MAPS);
}

/** One untimed start (the bundle into the page cache), then the two NODE_OPTIONS variants alternately, so background load falls on both. */
async function measureCells(
  node: string,
  readyScript: string,
  bundleUrl: string,
  env: NodeJS.ProcessEnv,
  { name, key, variants }: { name: FunctionName; key: KeyMode; variants: boolean[] },
): Promise<ColdStartCell[]> {
  const withMaps = (sourceMaps: boolean) => ({ ...env, NODE_OPTIONS: sourceMaps ? SOURCE_MAPS_OPTION : '' });
  await startOnce(node, readyScript, bundleUrl, withMaps(DEPLOYED_SOURCE_MAPS));
  const samples = new Map(variants.map((v) => [v, [] as { readyMs: number; childReadyMs: number }[]]));
  for (let run = 0; run < SETTINGS.runs; run++) {
    for (const sourceMaps of variants) {
      samples.get(sourceMaps)?.push(await startOnce(node, readyScript, bundleUrl, withMaps(sourceMaps)));
    }
  }
  return variants.map((sourceMaps) => {
    const runs = samples.get(sourceMaps) ?? [];
    return {
      name,
      key,
      sourceMaps,
      readyMs: roundSummary(summarize(runs.map((r) => r.readyMs))),
      childReadyMs: roundSummary(summarize(runs.map((r) => r.childReadyMs))),
    };
  });
}

/** One cold start: spawn → the child's ready line. Rejects if the child fails, exits without it, or hangs. */
function startOnce(
  node: string,
  readyScript: string,
  bundleUrl: string,
  env: NodeJS.ProcessEnv,
): Promise<{ readyMs: number; childReadyMs: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(node, [readyScript, bundleUrl], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(new Error(`no ready line within ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    const settle = (outcome: Error | { readyMs: number; childReadyMs: number }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const readyMs = performance.now() - start;
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.includes(`"${READY_LINE}"`));
      if (line) settle({ readyMs, childReadyMs: (JSON.parse(line) as { readyMs: number }).readyMs });
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', settle);
    child.on('exit', (code) =>
      settle(new Error(`exited ${code} before ready: ${stderr.trim().split('\n').slice(0, 4).join(' ')}`)),
    );
  });
}

/**
 * What the stack gives the function (infra/parley-stack.ts and the grant helpers), with plausible
 * values, plus what Lambda itself sets. Every AWS endpoint is a closed loopback port, so a call at
 * init would fail fast instead of reaching AWS; keyed runs send Secrets Manager to the loopback server.
 */
function functionEnvironment(
  name: FunctionName,
  key: KeyMode,
  closedPort: number,
  secretsPort: number,
): NodeJS.ProcessEnv {
  const queue = (queueName: string) => `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${queueName}`;
  return {
    PATH: process.env.PATH,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_EXECUTION_ENV: `AWS_Lambda_${LAMBDA_RUNTIME}`,
    AWS_LAMBDA_FUNCTION_NAME: `parley-${name}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_ACCESS_KEY_ID: 'ASIABENCHBENCHBENCH0',
    AWS_SECRET_ACCESS_KEY: 'bench-secret-access-key-bench-secret-key',
    AWS_SESSION_TOKEN: 'bench-session-token',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: `http://127.0.0.1:${closedPort}`,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${key === 'keyed' ? secretsPort : closedPort}`,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_SERVICE_NAME: 'parley',
    POWERTOOLS_METRICS_NAMESPACE: 'Parley',
    [ENV.tableName]: 'parley-StorageTable-BENCH',
    [ENV.generationQueueUrl]: queue('parley-generation.fifo'),
    [ENV.deliveryQueueUrl]: queue('parley-delivery'),
    [ENV.ingestionQueueUrl]: queue('parley-ingestion'),
    [ENV.documentsBucket]: 'parley-knowledgedocuments-bench',
    [ENV.chatModel]: 'gpt-4o-mini',
    [ENV.embeddingModel]: 'text-embedding-3-small',
    [ENV.webhookTargets]: 'public',
    [ENV.allowHttpWebhooks]: 'false',
    ...(PUBLISHES_EVENTS.has(name) ? { [ENV.eventBusName]: 'parley-events-bench' } : {}),
    ...(SCHEDULES_TIMERS.has(name)
      ? {
          [ENV.scheduleGroupName]: 'parley-timers-bench',
          [ENV.schedulerRoleArn]: `arn:aws:iam::${ACCOUNT}:role/parley-scheduler-bench`,
          [ENV.schedulerDlqArn]: `arn:aws:sqs:${REGION}:${ACCOUNT}:parley-timer-dlq`,
          [ENV.timerTargetArn]: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:parley-timer`,
        }
      : {}),
    ...(key === 'keyed'
      ? { [ENV.openAiSecretArn]: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:parley-openai-AbCdEf` }
      : {}),
  };
}

/** Secrets Manager's GetSecretValue, answered on loopback with BENCH_OPENAI_KEY. */
async function startSecretsServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    request.resume().on('end', () => {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify({
          ARN: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:parley-openai-AbCdEf`,
          Name: 'parley-openai',
          SecretString: BENCH_OPENAI_KEY,
          VersionId: '00000000-0000-0000-0000-000000000000',
          VersionStages: ['AWSCURRENT'],
          CreatedDate: 1_700_000_000,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A loopback port nothing listens on: taken from the OS, then released. */
async function findClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function readVersion(node: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('exit', () => resolve(out.trim()));
  });
}

function roundSummary(summary: Summary): Summary {
  return {
    count: summary.count,
    mean: summary.mean,
    p50: round1(summary.p50),
    p95: round1(summary.p95),
    p99: round1(summary.p99),
    max: round1(summary.max),
  };
}

function formatReport(report: ColdStartReport): string {
  const header = ['function', 'OpenAI key', 'maps p50', 'maps p95', 'no maps p50', 'no maps p95', 'in child p50'];
  const names = [...new Set(report.cells.map((c) => c.name))];
  const rows = names.flatMap((name) =>
    (['keyless', 'keyed'] as const).flatMap((key) => {
      const maps = report.cells.find((c) => c.name === name && c.key === key && c.sourceMaps);
      const plain = report.cells.find((c) => c.name === name && c.key === key && !c.sourceMaps);
      const deployed = deployedCell(report.cells, name, key);
      if (!deployed) return [];
      const ms = (n: number | undefined) => (n === undefined ? '–' : `${n} ms`);
      return [
        [
          name,
          key === 'keyed' ? 'from the secret' : READS_OPENAI_SECRET.has(name) ? 'none (offline model)' : 'not used',
          ms(maps?.readyMs.p50),
          ms(maps?.readyMs.p95),
          ms(plain?.readyMs.p50),
          ms(plain?.readyMs.p95),
          ms(deployed.childReadyMs.p50),
        ],
      ];
    }),
  );
  const { machine } = report;
  const title =
    `Cold start, spawn → handler ready, ${report.runtime} (node ${report.lambdaNode}), ${SETTINGS.runs} fresh ` +
    `processes per cell, ${machine.cpus} CPUs, load average ${machine.loadAverage.before} → ${machine.loadAverage.after}`;
  const aim = SETTINGS.aim;
  const aimLine =
    `  aim: ${aim.functions.join(' and ')} ready in ≤ ${aim.maxReadyP50Ms} ms (p50, keyless, as deployed: ` +
    `NODE_OPTIONS=${report.deployedNodeOptions || '(none)'}): ${report.aim.met ? 'met' : 'missed'}\n`;
  const problems = report.problems.map((p) => `  PROBLEM: ${p}\n`).join('');
  return (
    `\n${title}\n\n${formatTable([header, ...rows], 2)}\n` +
    `  "maps": NODE_OPTIONS=${SOURCE_MAPS_OPTION}; keyed runs only as deployed; "in child": the ready moment on the child's own clock, as deployed\n` +
    `${aimLine}${problems}`
  );
}
