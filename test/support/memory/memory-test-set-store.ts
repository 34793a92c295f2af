/** TestSetStore in memory. */
import { randomUUID } from 'node:crypto';
import { clone, compare, key, listPage } from '#test/support/memory/memory-records';
import { ConcurrencyError } from '#lib/domain/errors';
import type { CaseResult, TestCase, TestRun, TestSet } from '#lib/domain/evaluations/types';
import type { Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';
import type {
  CopiedCase,
  RunFinish,
  StoredTestSet,
  TestRunSummary,
  TestSetStore,
  TestSetSummary,
} from '#lib/ports/test-sets';

interface StoredRun {
  run: Omit<TestRun, 'results' | 'passed' | 'failed'>;
  cases: TestCase[];
  results: Map<string, CaseResult>;
}

export class MemoryTestSetStore implements TestSetStore {
  private readonly sets = new Map<string, StoredTestSet>();
  private readonly runs = new Map<string, StoredRun>();

  async createTestSet(set: TestSet): Promise<void> {
    const k = key(set.tenantId, set.aiId, set.setId);
    if (this.sets.has(k)) throw new ConcurrencyError(`test set ${set.setId} already exists`);
    this.sets.set(k, { ...clone(set), revision: randomUUID() });
  }
  async getTestSet(tenantId: string, aiId: string, setId: string): Promise<StoredTestSet | undefined> {
    return clone(this.sets.get(key(tenantId, aiId, setId)));
  }
  async listTestSets(tenantId: string, aiId: string, page: PageRequest): Promise<Page<TestSetSummary>> {
    const summaries = [...this.sets.values()]
      .filter((set) => set.aiId === aiId)
      .map(({ cases, revision: _revision, ...rest }) => ({ ...rest, id: rest.setId, caseCount: cases.length }));
    const listed = listPage(summaries, `test-sets:${aiId}`, tenantId, page);
    return { items: listed.items.map(({ id: _id, ...summary }) => summary), nextCursor: listed.nextCursor };
  }
  async countTestSets(tenantId: string, aiId: string): Promise<number> {
    return [...this.sets.values()].filter((set) => set.tenantId === tenantId && set.aiId === aiId).length;
  }
  async replaceTestSet(set: TestSet, expectedRevision: string): Promise<string> {
    const k = key(set.tenantId, set.aiId, set.setId);
    const stored = this.sets.get(k);
    if (stored === undefined) throw new ConcurrencyError(`test set ${set.setId} no longer exists`);
    if (stored.revision !== expectedRevision) throw new ConcurrencyError(`test set ${set.setId} changed meanwhile`);
    const revision = randomUUID();
    this.sets.set(k, { ...clone(set), createdAt: stored.createdAt, revision });
    return revision;
  }
  async deleteTestSet(tenantId: string, aiId: string, setId: string): Promise<boolean> {
    for (const [k, stored] of this.runs) {
      if (stored.run.tenantId === tenantId && stored.run.aiId === aiId && stored.run.setId === setId)
        this.runs.delete(k);
    }
    return this.sets.delete(key(tenantId, aiId, setId));
  }
  async deleteAiTestSets(tenantId: string, aiId: string): Promise<void> {
    for (const set of [...this.sets.values()]) {
      if (set.tenantId === tenantId && set.aiId === aiId) await this.deleteTestSet(tenantId, aiId, set.setId);
    }
  }

  async listCopiedCases(tenantId: string, conversationId: string): Promise<CopiedCase[]> {
    const copies: CopiedCase[] = [];
    for (const set of this.sets.values()) {
      if (set.tenantId !== tenantId) continue;
      for (const testCase of set.cases) {
        if (testCase.source?.conversationId === conversationId) {
          copies.push({ aiId: set.aiId, setId: set.setId, setName: set.name, case: clone(testCase) });
        }
      }
    }
    return copies;
  }
  async eraseCopiedCases(tenantId: string, conversationId: string): Promise<void> {
    const copied = (testCase: TestCase) => testCase.source?.conversationId === conversationId;
    for (const set of this.sets.values()) {
      if (set.tenantId !== tenantId || !set.cases.some(copied)) continue;
      set.cases = set.cases.filter((testCase) => !copied(testCase));
      set.revision = randomUUID();
    }
    // Runs' snapshots too, including copies a later edit has since dropped from the set.
    for (const stored of this.runs.values()) {
      if (stored.run.tenantId !== tenantId) continue;
      for (const testCase of stored.cases.filter(copied)) stored.results.delete(testCase.caseId);
      stored.cases = stored.cases.filter((testCase) => !copied(testCase));
    }
  }

  async createRun(run: TestRun, cases: TestCase[]): Promise<void> {
    const k = key(run.tenantId, run.aiId, run.setId, run.runId);
    if (this.runs.has(k)) throw new ConcurrencyError(`run ${run.runId} already exists`);
    const { results: _results, passed: _passed, failed: _failed, finishedAt: _finishedAt, ...rest } = clone(run);
    this.runs.set(k, {
      run: { ...rest, status: 'running', total: cases.length, regressions: [] },
      cases: clone(cases),
      results: new Map(),
    });
  }
  async getRunCases(tenantId: string, aiId: string, setId: string, runId: string): Promise<TestCase[] | undefined> {
    return clone(this.runs.get(key(tenantId, aiId, setId, runId))?.cases);
  }
  async recordCaseResult(
    tenantId: string,
    aiId: string,
    setId: string,
    runId: string,
    result: CaseResult,
  ): Promise<boolean> {
    const stored = this.runs.get(key(tenantId, aiId, setId, runId));
    if (stored === undefined || stored.results.has(result.caseId)) return false;
    stored.results.set(result.caseId, clone(result));
    return true;
  }
  async finishRun(
    tenantId: string,
    aiId: string,
    setId: string,
    runId: string,
    finish: RunFinish,
  ): Promise<TestRun | undefined> {
    const stored = this.runs.get(key(tenantId, aiId, setId, runId));
    if (stored === undefined || stored.run.status !== 'running') return undefined;
    stored.run = { ...stored.run, status: 'done', finishedAt: finish.finishedAt, regressions: [...finish.regressions] };
    return withResults(stored);
  }
  async getRun(tenantId: string, aiId: string, setId: string, runId: string): Promise<TestRun | undefined> {
    const stored = this.runs.get(key(tenantId, aiId, setId, runId));
    return stored === undefined ? undefined : withResults(stored);
  }
  async listRuns(tenantId: string, aiId: string, setId: string, page: PageRequest): Promise<Page<TestRunSummary>> {
    const runs = this.runsOf(tenantId, aiId, setId).map((stored) => {
      const { results: _results, ...summary } = withResults(stored);
      return { ...summary, id: summary.runId };
    });
    const listed = listPage(runs, `runs:${aiId}:${setId}`, tenantId, page, { descending: true });
    return { items: listed.items.map(({ id: _id, ...summary }) => summary), nextCursor: listed.nextCursor };
  }
  async getPreviousFinishedRun(
    tenantId: string,
    aiId: string,
    setId: string,
    runId: string,
  ): Promise<TestRun | undefined> {
    const previous = this.runsOf(tenantId, aiId, setId)
      .filter((stored) => stored.run.status === 'done' && compare(stored.run.runId, runId) < 0)
      .sort((a, b) => compare(b.run.runId, a.run.runId))[0];
    return previous === undefined ? undefined : withResults(previous);
  }
  async pruneRuns(tenantId: string, aiId: string, setId: string, keep: number): Promise<number> {
    const older = this.runsOf(tenantId, aiId, setId)
      .sort((a, b) => compare(b.run.runId, a.run.runId))
      .slice(keep)
      .filter((stored) => stored.run.status === 'done');
    for (const stored of older) this.runs.delete(key(tenantId, aiId, setId, stored.run.runId));
    return older.length;
  }

  private runsOf(tenantId: string, aiId: string, setId: string): StoredRun[] {
    return [...this.runs.values()].filter(
      (stored) => stored.run.tenantId === tenantId && stored.run.aiId === aiId && stored.run.setId === setId,
    );
  }
}

/** The run with its results in the snapshot's order, and the counts they make. */
function withResults(stored: StoredRun): TestRun {
  const results = stored.cases.flatMap((testCase) => {
    const result = stored.results.get(testCase.caseId);
    return result === undefined ? [] : [clone(result)];
  });
  const passed = results.filter((result) => result.passed).length;
  return { ...clone(stored.run), passed, failed: results.length - passed, results };
}
