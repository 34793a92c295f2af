/**
 * The test-set limits at their edges where the HTTP tests do not reach them: the largest case and
 * the largest set item fit a DynamoDB item (400 KB) however many bytes a character takes, and a
 * set keeps MAX_RUNS_KEPT_PER_SET runs.
 */
import {
  MAX_CASE_HISTORY_CHARS,
  MAX_CASE_HISTORY_TURNS,
  MAX_CASE_ID_CHARS,
  MAX_CASE_MESSAGE_CHARS,
  MAX_CASE_PHRASE_CHARS,
  MAX_CASE_PHRASES,
  MAX_CASES_PER_SET,
  MAX_RUBRIC_CHARS,
  MAX_RUNS_KEPT_PER_SET,
} from '#lib/domain/limits/evaluations';
import type { TestCase } from '#lib/domain/evaluations/types';
import { MemoryTestSetStore } from '#test/support/memory/memory-test-set-store';

const DYNAMO_ITEM_BYTES = 400 * 1024;
/** The most UTF-8 bytes one JavaScript character (a UTF-16 unit) can take. */
const BYTES_PER_CHAR = 3;

describe('test-set limits', () => {
  it('keeps the largest case within one DynamoDB item', () => {
    const turn = MAX_CASE_HISTORY_CHARS / MAX_CASE_HISTORY_TURNS;
    const largest: TestCase = {
      caseId: 'c'.repeat(MAX_CASE_ID_CHARS),
      message: 'm'.repeat(MAX_CASE_MESSAGE_CHARS),
      history: Array.from({ length: MAX_CASE_HISTORY_TURNS }, () => ({ direction: 'inbound', text: 'h'.repeat(turn) })),
      expect: {
        contains: Array(MAX_CASE_PHRASES).fill('p'.repeat(MAX_CASE_PHRASE_CHARS)),
        notContains: Array(MAX_CASE_PHRASES).fill('p'.repeat(MAX_CASE_PHRASE_CHARS)),
      },
      rubric: 'r'.repeat(MAX_RUBRIC_CHARS),
    };

    expect(JSON.stringify(largest).length * BYTES_PER_CHAR).toBeLessThan(DYNAMO_ITEM_BYTES);
  });

  it("keeps a full set's list of case ids within one DynamoDB item", () => {
    expect(MAX_CASES_PER_SET * (MAX_CASE_ID_CHARS + 3) * BYTES_PER_CHAR).toBeLessThan(DYNAMO_ITEM_BYTES / 4);
  });

  it('prunes a set to MAX_RUNS_KEPT_PER_SET runs', async () => {
    const store = new MemoryTestSetStore();
    const base = { tenantId: 'ten_1', aiId: 'ai_1', setId: 'set_1', status: 'running' as const };
    for (let n = 0; n <= MAX_RUNS_KEPT_PER_SET; n++) {
      const runId = `run_${String(n).padStart(4, '0')}`;
      const run = { ...base, runId, total: 0, passed: 0, failed: 0, regressions: [], results: [], startedAt: '' };
      await store.createRun(run, []);
      await store.finishRun('ten_1', 'ai_1', 'set_1', runId, { finishedAt: '', regressions: [] });
    }

    const pruned = await store.pruneRuns('ten_1', 'ai_1', 'set_1', MAX_RUNS_KEPT_PER_SET);

    expect(pruned).toBe(1);
    expect(await store.getRun('ten_1', 'ai_1', 'set_1', 'run_0000')).toBeUndefined();
  });
});
