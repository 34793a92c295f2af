/**
 * The `parley` CLI against the local runtime, as a user runs it: each API command in-process
 * through runCli (capturing what it prints), and the package's bin as a child process to show it
 * runs TypeScript and exits with the API's error on a bad key.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jest } from '@jest/globals';
import { ApiError, NotRunningError } from '#bin/cli/api-client';
import { describeCliError, runCli } from '#bin/parley';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';

// The runtime runs as a separate process; starting it and indexing documents takes seconds.
jest.setTimeout(120_000);

const run = promisify(execFile);
const FIXTURES = join(process.cwd(), 'test/fixtures/documents');

/** A port nothing listens on: bound, read, then released. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('the parley CLI on the local runtime', () => {
  let runtime: RuntimeProcess;
  let cli: (...argv: string[]) => Promise<string>;
  let baseId = '';

  beforeAll(async () => {
    runtime = await startRuntimeProcess();
    cli = (...argv) => runCli(['--api', runtime.url, '--key', runtime.apiKey, ...argv]);
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it('uploads two files to a knowledge base it creates by name and waits until both are ready', async () => {
    const progress: string[] = [];

    const printed = await runCli(
      [
        '--api',
        runtime.url,
        '--key',
        runtime.apiKey,
        'kb',
        'upload',
        join(FIXTURES, 'returns.txt'),
        join(FIXTURES, 'shipping.md'),
        '--base-name',
        'Help centre',
      ],
      { stderr: (text) => progress.push(text) },
    );

    expect(printed).toMatch(/^2\/2 files ready in knowledge base kb_\S+:/);
    expect(printed).toMatch(/ready\s+\S+returns\.txt\s+doc_\S+ \(\d+ chunks\)/);
    expect(printed).toMatch(/ready\s+\S+shipping\.md/);
    expect(progress.join('')).toContain('uploaded 2/2 files');
    expect(progress.join('')).toContain('indexed 2/2 files');
    baseId = /knowledge base (kb_\S+):/.exec(printed)?.[1] ?? '';
  });

  it('creates an AI on that knowledge base, lists it, and answers a question citing the returns policy', async () => {
    const created = await cli(
      'ais',
      'create',
      '--name',
      'Ada',
      '--type',
      'support',
      '--answer-url',
      'http://127.0.0.1:9/hook',
      '--kb',
      baseId,
    );
    const aiId = /\((ai_\S+)\)/.exec(created)?.[1] ?? '';
    expect(created).toContain('Webhook secret (verifies its webhook signatures; shown only now): whsec_');

    const listed = await cli('ais', 'list');
    const answer = await cli('ask', aiId, 'How', 'many', 'days', 'do', 'I', 'have', 'to', 'return', 'an', 'item?');

    expect(listed).toMatch(new RegExp(`${aiId}\\s+support\\s+Ada`));
    expect(answer).toContain('30 days');
    expect(answer).toMatch(/Sources:\n {2}\[1\] returns\.txt \(doc_\S+\): /);
    expect(answer).toContain('Needs a person: no');
    expect(answer).toMatch(/Latency: \d+ ms/);
  });

  it("prints the API's JSON with --json", async () => {
    const printed = await cli('--json', 'ais', 'list');

    expect(JSON.parse(printed)).toEqual({
      data: [expect.objectContaining({ name: 'Ada', type: 'support' })],
      next_cursor: null,
    });
  });

  it("tails a conversation: the prospect's message at once, then the AI's reply", async () => {
    const api = apiClient(runtime);
    const { body: ai } = await api('POST', '/v1/ais', {
      type: 'support',
      name: 'Tailed',
      knowledge_base_ids: [baseId],
      webhooks: { answer_url: 'http://127.0.0.1:9/hook' },
    });
    await api('POST', '/v2/messages', {
      ai_id: ai.id,
      conversation_id: 'tail-1',
      message: 'Is return shipping free in the Netherlands?',
    });

    const first = await cli('conversations', 'tail', 'tail-1', '--once');
    let later = first;
    for (let i = 0; i < 60 && !later.includes('ai (reply)'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      later = await cli('conversations', 'tail', 'tail-1', '--once');
    }
    const followed = await cli('conversations', 'tail', 'tail-1', '--timeout', '1', '--interval', '200');

    expect(first).toContain(`Conversation tail-1 (ai ${ai.id}, active)`);
    expect(first).toMatch(/\] prospect: Is return shipping free in the Netherlands\?/);
    expect(later).toMatch(/\] ai \(reply\): \S/);
    expect(followed.match(/prospect: Is return shipping free/g)).toHaveLength(1);
  });

  it('creates an API key that works, then revokes it so it no longer does', async () => {
    const created = await cli('--json', 'keys', 'create', '--name', 'Zapier');
    const key = JSON.parse(created);
    const listed = await runCli(['--api', runtime.url, '--key', key.key, 'keys', 'list']);

    const revoked = await cli('keys', 'revoke', key.id);
    const refused = runCli(['--api', runtime.url, '--key', key.key, 'ais', 'list']);

    expect(key).toEqual(expect.objectContaining({ id: expect.any(String), name: 'Zapier', key: expect.any(String) }));
    expect(listed).toMatch(new RegExp(`${key.id}\\s+\\S+\\s+Zapier`));
    expect(revoked).toBe(`Revoked API key ${key.id}.\n`);
    await expect(refused).rejects.toBeInstanceOf(ApiError);
  });

  it('says what the API refused, field by field', async () => {
    const error = await cli('ais', 'create', '--name', 'Bad', '--type', 'sales', '--answer-url', 'ftp://x').catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ApiError);
    const lines = describeCliError(error).split('\n');
    expect(lines[0]).toMatch(/^parley: .+ \(HTTP 400 validation_error\)$/);
    expect(lines.slice(1).some((line) => line.startsWith('  webhooks.answer_url: '))).toBe(true);
  });

  it('tells the user to start Parley when nothing listens at the URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;

    const error = await runCli(['--api', url, '--key', 'prly_anything', 'ais', 'list']).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NotRunningError);
    expect(describeCliError(error)).toBe(`parley: Parley is not running at ${url}: start it with \`parley dev\``);
  });

  describe('the bin (node bin/parley.mjs)', () => {
    it('lists the AIs as JSON', async () => {
      const { stdout } = await run(process.execPath, ['bin/parley.mjs', 'ais', 'list', '--json'], {
        env: { ...process.env, PARLEY_URL: runtime.url, PARLEY_KEY: runtime.apiKey },
      });

      expect(JSON.parse(stdout).data.map((ai: { name: string }) => ai.name)).toEqual(
        expect.arrayContaining(['Ada', 'Tailed']),
      );
    });

    it('prints the 401 in one line and exits with 1 for a bad key', async () => {
      const failed = await run(process.execPath, [
        'bin/parley.mjs',
        '--api',
        runtime.url,
        '--key',
        'prly_wrong_key_000000',
        'ais',
        'list',
      ]).catch((e: { code: number; stderr: string }) => e);

      expect(failed).toEqual(expect.objectContaining({ code: 1 }));
      expect((failed as { stderr: string }).stderr.trim()).toMatch(/^parley: .+ \(HTTP 401 unauthorized\)$/);
    });
  });
});
