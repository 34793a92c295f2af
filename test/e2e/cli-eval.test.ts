/**
 * `parley eval` against the local runtime, as a business runs it in CI: the package's bin as a
 * child process, its exit code the gate (0 when every case passes, 1 on a failure, printed with its reason).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { jest } from '@jest/globals';
import { runCli } from '#bin/parley';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';

jest.setTimeout(120_000);

const run = promisify(execFile);
const NEVER = 'xyzzy-never-said';

describe('parley eval on the local runtime', () => {
  let runtime: RuntimeProcess;
  let aiId = '';
  let passingSet = '';
  let failingSet = '';

  beforeAll(async () => {
    runtime = await startRuntimeProcess();
    const call = apiClient(runtime);
    const ai = await call('POST', '/v1/ais', {
      type: 'support',
      name: 'Eva',
      webhooks: { answer_url: 'http://127.0.0.1:9/hook' },
    });
    aiId = ai.body.id;
    const createSet = async (name: string, expect: Record<string, unknown>) => {
      const set = await call('POST', `/v1/ais/${aiId}/test-sets`, {
        name,
        cases: [{ case_id: 'hello', message: 'Hello, what can you do for me?', expect, rubric: 'Friendly.' }],
      });
      if (set.status !== 201) throw new Error(`creating the set: ${JSON.stringify(set.body)}`);
      return set.body.set_id as string;
    };
    passingSet = await createSet('Passing', { not_contains: [NEVER] });
    failingSet = await createSet('Failing', { contains: [NEVER] });
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  const bin = (...argv: string[]) =>
    run(process.execPath, ['bin/parley.mjs', 'eval', aiId, ...argv, '--interval', '200'], {
      env: { ...process.env, PARLEY_URL: runtime.url, PARLEY_KEY: runtime.apiKey },
    });

  it('exits 0 and prints each case passed when the whole set passes', async () => {
    const { stdout } = await bin('--set', passingSet);

    expect(stdout).toMatch(/^run run_\S+\nPASS {2}hello\n/);
    expect(stdout).toContain('rubric not judged: the offline model cannot judge a rubric');
    expect(stdout).toContain('1 passed, 0 failed of 1');
  });

  it('exits 1 and prints the failure with its reason when a case fails', async () => {
    const failed = await bin('--set', failingSet).catch((e: { code: number; stdout: string; stderr: string }) => e);

    expect(failed).toEqual(expect.objectContaining({ code: 1 }));
    const { stdout, stderr } = failed as { stdout: string; stderr: string };
    expect(stdout).toContain('FAIL  hello');
    expect(stdout).toContain(`- expected the reply to contain “${NEVER}”`);
    // Progress lines come first on stderr; the verdict is the last line.
    expect(stderr.trim().split('\n').at(-1)).toMatch(/^parley eval: run run_\S+: 1 of 1 cases failed$/);
  });

  it('prints the run as JSON with --json, and still fails on a failed case', async () => {
    const printed: string[] = [];

    await expect(
      runCli(
        [
          '--api',
          runtime.url,
          '--key',
          runtime.apiKey,
          '--json',
          'eval',
          aiId,
          '--set',
          failingSet,
          '--interval',
          '200',
        ],
        {
          stdout: (text) => printed.push(text),
        },
      ),
    ).rejects.toThrow(/1 of 1 cases failed/);

    const result = JSON.parse(printed.join(''));
    expect(result).toMatchObject({ status: 'done', total: 1, passed: 0, failed: 1, regressions: [] });
    expect(result.results[0]).toMatchObject({ case_id: 'hello', passed: false, rubric: { verdict: 'not_judged' } });
  });
});
