/**
 * Runs the local runtime (`local/main.ts`, what `npm start` runs) as a child process on a free
 * port, for end-to-end tests and benchmarks that drive it over HTTP as a client would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RuntimeProcess {
  url: string;
  apiKey: string;
  dataDir: string;
  /** The child's process id, so benchmarks can read its CPU time and memory from /proc. */
  pid: number | undefined;
  /** Everything the process printed, for failure messages. */
  output(): string;
  /** Ctrl-C: resolves with the exit code once the process has stopped. */
  stop(): Promise<number | null>;
  /** kill -9: no chance to clean up, as in a crash. */
  kill(): Promise<void>;
}

const READY = /Parley is running at (http:\/\/\S+)/;
const START_TIMEOUT_MS = 30_000;

export async function newDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'parley-e2e-'));
}

export async function startRuntimeProcess(
  options: {
    dataDir?: string;
    apiKey?: string;
    env?: Record<string, string>;
    /** Modules preloaded into the process before the runtime (`node --import`), e.g. shifted-clock.mjs. */
    preload?: string[];
  } = {},
): Promise<RuntimeProcess> {
  const dataDir = options.dataDir ?? (await newDataDir());
  const apiKey = options.apiKey ?? 'prly_e2e_test_key_0123456789';
  const preload = (options.preload ?? []).flatMap((module) => ['--import', module]);
  const child = spawn(process.execPath, [...preload, '--import', 'tsx', 'local/main.ts'], {
    cwd: process.cwd(),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      PARLEY_DATA_DIR: dataDir,
      PARLEY_LOCAL_API_KEY: apiKey,
      POWERTOOLS_LOG_LEVEL: 'WARN',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = await waitForReady(child, () => output);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    url,
    apiKey,
    dataDir,
    pid: child.pid,
    output: () => output,
    async stop() {
      child.kill('SIGINT');
      return exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

function waitForReady(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`local runtime did not start within ${START_TIMEOUT_MS} ms:\n${output()}`));
    }, START_TIMEOUT_MS);
    const onData = () => {
      const match = READY.exec(output());
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local runtime exited with ${code} before it was ready:\n${output()}`));
    });
  });
}

/** Times a client waits out a 429 (per its Retry-After) before it gives the 429 to the test. */
const RATE_LIMIT_RETRIES = 5;

/** A small JSON client for the runtime's API; like a well-behaved client, it waits out a 429. */
export function apiClient(runtime: Pick<RuntimeProcess, 'url' | 'apiKey'>) {
  return async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    // biome-ignore lint/suspicious/noExplicitAny: tests read response JSON of many shapes; assertions check them
  ): Promise<{ status: number; body: any; headers: Headers }> {
    const send = () =>
      fetch(`${runtime.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${runtime.apiKey}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
    let response = await send();
    for (let retry = 0; response.status === 429 && retry < RATE_LIMIT_RETRIES; retry++) {
      await response.arrayBuffer();
      const waitSeconds = Number(response.headers.get('retry-after') ?? '1');
      await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000));
      response = await send();
    }
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
}
