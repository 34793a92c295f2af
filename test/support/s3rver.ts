/**
 * An S3 API for integration tests: s3rver on a free loopback port, its data in a temporary
 * directory. It runs in a child process started with `--openssl-legacy-provider`: s3rver makes
 * ListObjectsV2 continuation tokens with DES, which Node 20's OpenSSL 3 offers only through the
 * legacy provider, and that switch is process-wide, so the test process itself stays unchanged.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';

export interface TestS3 {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** A bucket that exists from the start. */
  bucket: string;
  /** A client for `endpoint`: path-style addressing and s3rver's fixed credentials. */
  client: S3Client;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

/** CommonJS, run with `node -e`; prints the port once listening and closes on SIGTERM. */
const SERVER_SOURCE = `
const S3rver = require(process.env.S3RVER_MODULE);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: process.env.S3RVER_DIRECTORY,
  configureBuckets: JSON.parse(process.env.S3RVER_BUCKETS).map((name) => ({ name })),
});
server.run().then(({ port }) => process.stdout.write(JSON.stringify({ port }) + '\\n'));
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
`;

const STARTUP_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * Starts a fresh s3rver with one empty bucket (`bucket`, default `parley-test`) and any `others`
 * (a stack's other buckets).
 */
export async function startTestS3(options: { bucket?: string; others?: string[] } = {}): Promise<TestS3> {
  const bucket = options.bucket ?? 'parley-test';
  const directory = await mkdtemp(join(tmpdir(), 'parley-s3rver-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', SERVER_SOURCE], {
    env: {
      PATH: process.env.PATH,
      S3RVER_MODULE: createRequire(import.meta.url).resolve('s3rver'),
      S3RVER_DIRECTORY: directory,
      S3RVER_BUCKETS: JSON.stringify([bucket, ...(options.others ?? [])]),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let port: number;
  try {
    port = await readPort(child);
  } catch (error) {
    child.kill();
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    // s3rver checks signatures against these fixed credentials.
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  return {
    endpoint,
    bucket,
    client,
    async stop() {
      client.destroy();
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        // A connection left open would keep close() waiting; the data is thrown away anyway.
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The port from the child's first line of output; rejects if it exits or stays silent instead. */
function readPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error('s3rver did not start in time')), STARTUP_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const line = output.split('\n')[0];
      if (output.includes('\n') && line) {
        clearTimeout(timer);
        try {
          resolve((JSON.parse(line) as { port: number }).port);
        } catch {
          reject(new Error(`s3rver printed an unexpected line: ${line}`));
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with code ${code} before listening`));
    });
  });
}
