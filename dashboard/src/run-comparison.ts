/**
 * Runs as the dashboard shows them: two runs of one set side by side, case by case (whether the
 * later run broke a case, a regression, fixed one, or left it as it was), a run's progress in
 * words, and a case's rubric verdict.
 */
import type { CaseResult, TestRun } from './types.ts';

export type Change = 'regressed' | 'fixed' | 'same' | 'added' | 'removed';

export interface ComparedCase {
  caseId: string;
  before: CaseResult | undefined;
  after: CaseResult | undefined;
  change: Change;
}

function changeOf(before: CaseResult | undefined, after: CaseResult | undefined): Change {
  if (!before) return 'added';
  if (!after) return 'removed';
  if (before.passed === after.passed) return 'same';
  return after.passed ? 'fixed' : 'regressed';
}

/** The cases of either run, the later run's order first; regressions lead, then fixes. */
export function compareRuns(before: TestRun, after: TestRun): ComparedCase[] {
  const earlier = new Map(before.results.map((result) => [result.case_id, result]));
  const later = new Map(after.results.map((result) => [result.case_id, result]));
  const ids = [...new Set([...later.keys(), ...earlier.keys()])];
  const rank: Record<Change, number> = { regressed: 0, fixed: 1, added: 2, removed: 3, same: 4 };
  return ids
    .map((caseId) => {
      const was = earlier.get(caseId);
      const now = later.get(caseId);
      return { caseId, before: was, after: now, change: changeOf(was, now) };
    })
    .sort((a, b) => rank[a.change] - rank[b.change]);
}

/** "3 of 5 passed", or where a running run has got to. */
export function runSummary(run: Pick<TestRun, 'status' | 'total' | 'passed' | 'failed'>): string {
  if (run.status === 'running') return `running: ${run.passed + run.failed} of ${run.total} answered`;
  return `${run.passed} of ${run.total} passed`;
}

/** A case's rubric as its result reports it; the offline model never judges one, and says so. */
export function rubricText(rubric: CaseResult['rubric']): string {
  if (!rubric) return 'none';
  const verdict = rubric.verdict === 'not_judged' ? 'not judged' : rubric.verdict;
  if (!rubric.reason) return verdict;
  // A reason may already open with its verdict ("not judged: the offline model…").
  return rubric.reason.toLowerCase().startsWith(verdict) ? rubric.reason : `${verdict}: ${rubric.reason}`;
}
