/**
 * `parley dev` through the package's bin, as a user runs it: it starts the local runtime on the
 * port and data directory given, serves the API with the key given, and stops on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';

jest.setTimeout(60_000);

const READY = /Parley is running at (http:\/\/\S+)/;

describe('parley dev', () => {
  it('runs the local runtime with the given data directory and key, and stops on Ctrl-C', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-cli-dev-'));
    const key = 'prly_cli_dev_key_0123456789';
    const child = spawn(
      process.execPath,
      ['bin/parley.mjs', '--key', key, 'dev', '--port', '0', '--data-dir', dataDir],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', POWERTOOLS_LOG_LEVEL: 'WARN' } },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`parley dev did not start:\n${output}`)), 45_000);
        child.stdout.on('data', () => {
          const match = READY.exec(output);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });

      const health = await fetch(`${url}/health`);
      const ais = await fetch(`${url}/v1/ais`, { headers: { authorization: `Bearer ${key}` } });
      child.kill('SIGINT');

      expect(health.status).toBe(200);
      expect(ais.status).toBe(200);
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
