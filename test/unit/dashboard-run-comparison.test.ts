/**
 * Two runs of a test set compared case by case in the dashboard: a case that passed before and
 * fails after is a regression and comes first, then the fixed ones; cases only one run has are
 * named as such.
 */
import { compareRuns, rubricText, runSummary } from '../../dashboard/src/run-comparison.ts';
import type { CaseResult, TestRun } from '../../dashboard/src/types.ts';

const result = (case_id: string, passed: boolean): CaseResult => ({
  case_id,
  passed,
  reply: '',
  citations: [],
  needs_human: false,
  escalation: null,
  model_escalation: 'none',
  follow_up_at: null,
  failures: passed ? [] : ['expected the reply to contain “45 days”'],
  rubric: null,
});

const run = (results: CaseResult[], fields: Partial<TestRun> = {}): TestRun => ({
  run_id: 'run_1',
  set_id: 'set_1',
  status: 'done',
  total: results.length,
  passed: results.filter((one) => one.passed).length,
  failed: results.filter((one) => !one.passed).length,
  regressions: [],
  results,
  started_at: '2026-12-02T10:00:00.000Z',
  finished_at: '2026-12-02T10:00:05.000Z',
  ...fields,
});

describe('compareRuns', () => {
  it('puts regressions first, then fixes, then the rest in the later run’s order', () => {
    const before = run([result('a', true), result('b', true), result('c', false), result('d', true)]);
    const after = run([result('a', true), result('b', false), result('c', true), result('d', true)]);

    expect(compareRuns(before, after).map((row) => [row.caseId, row.change])).toEqual([
      ['b', 'regressed'],
      ['c', 'fixed'],
      ['a', 'same'],
      ['d', 'same'],
    ]);
  });

  it('names a case only the later run has as added, and one only the earlier has as removed', () => {
    const rows = compareRuns(run([result('old', true)]), run([result('new', false)]));

    expect(rows.map((row) => [row.caseId, row.change])).toEqual([
      ['new', 'added'],
      ['old', 'removed'],
    ]);
    expect(rows[0]?.before).toBeUndefined();
    expect(rows[1]?.after).toBeUndefined();
  });

  it('keeps each side’s result, with its failures', () => {
    const [row] = compareRuns(run([result('a', true)]), run([result('a', false)]));

    expect(row?.before?.passed).toBe(true);
    expect(row?.after?.failures).toEqual(['expected the reply to contain “45 days”']);
  });
});

describe('runSummary', () => {
  it('says how far a running run has got, and how many cases a finished one passed', () => {
    expect(runSummary({ status: 'running', total: 5, passed: 1, failed: 1 })).toBe('running: 2 of 5 answered');
    expect(runSummary({ status: 'done', total: 5, passed: 4, failed: 1 })).toBe('4 of 5 passed');
  });
});

describe('rubricText', () => {
  it('says a case has no rubric, and gives a verdict with its reason once', () => {
    expect(rubricText(null)).toBe('none');
    expect(rubricText({ verdict: 'failed', reason: 'it blames the customer' })).toBe('failed: it blames the customer');
    expect(rubricText({ verdict: 'not_judged', reason: 'not judged: the offline model cannot judge a rubric' })).toBe(
      'not judged: the offline model cannot judge a rubric',
    );
  });
});
