/**
 * Test sets (evaluations): each AI's sets with their cases, the runs made of them with one result
 * per case, and the copies of conversation messages that cases hold (erasing the conversation
 * removes them). Nothing here is a conversation, and nothing here is ever sent anywhere.
 */
import type { CaseResult, TestCase, TestRun, TestSet } from '#lib/domain/evaluations/types';
import type { Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';

/** A set as read back, with the store's revision of it (what replaceTestSet's concurrency check compares). */
export type StoredTestSet = TestSet & {
  /** Opaque; changes on every replace. */
  revision: string;
};

/** A set as listed: its cases are left out (a set holds up to MAX_CASES_PER_SET), their count kept. */
export type TestSetSummary = Omit<TestSet, 'cases'> & { caseCount: number };

/** A run as listed: its results are left out, its counts kept. */
export type TestRunSummary = Omit<TestRun, 'results'>;

/** A case copied from a message of a conversation, found through the conversation (no scan). */
export interface CopiedCase {
  aiId: string;
  setId: string;
  setName: string;
  case: TestCase;
}

/** What finishing a run records. */
export interface RunFinish {
  finishedAt: string;
  /** Case ids that passed in the previous finished run and fail in this one. */
  regressions: string[];
}

export interface TestSetStore {
  // ── Sets ───────────────────────────────────────────────────────────────────────────────────────

  /**
   * Stores a new set with its cases. Never seen half-written: until the last write the set reads
   * as absent. Cases with a `source` are registered under their conversation (listCopiedCases).
   * Throws ConcurrencyError if a set with this id exists.
   */
  createTestSet(set: TestSet): Promise<void>;
  /** The set with its cases in their order, or undefined (also while it is being deleted). */
  getTestSet(tenantId: string, aiId: string, setId: string): Promise<StoredTestSet | undefined>;
  /** One AI's sets, oldest first (set ids are time-ordered); cursors as in listAis. */
  listTestSets(tenantId: string, aiId: string, page: PageRequest): Promise<Page<TestSetSummary>>;
  /** How many sets the AI has (for MAX_TEST_SETS_PER_AI). */
  countTestSets(tenantId: string, aiId: string): Promise<number>;
  /**
   * Replaces the set's name, cases and updatedAt at once, provided its revision is still
   * `expectedRevision` (read-modify-write: a concurrent replace is never lost). Readers see the old
   * set or the new one, never a mix. Throws ConcurrencyError if the revision moved on or the set is
   * gone. Returns the new revision.
   */
  replaceTestSet(set: TestSet, expectedRevision: string): Promise<string>;
  /**
   * Deletes the set, its cases, its runs with their results, and its cases' copy registrations.
   * Resumable: once started the set reads as gone, and deleting it again finishes the job.
   * Returns false if there was no set.
   */
  deleteTestSet(tenantId: string, aiId: string, setId: string): Promise<boolean>;
  /** Deletes every set of the AI as deleteTestSet does (the AI is being deleted). */
  deleteAiTestSets(tenantId: string, aiId: string): Promise<void>;

  // ── Copies of conversations ───────────────────────────────────────────────────────────────────

  /** The cases still held that were copied from the conversation's messages (for export). */
  listCopiedCases(tenantId: string, conversationId: string): Promise<CopiedCase[]>;
  /**
   * Removes every case copied from the conversation: from its set (whatever the set's revision),
   * and from the case snapshots and results of the set's runs. Idempotent, and resumable after a
   * crash at any point: the registrations are deleted last.
   */
  eraseCopiedCases(tenantId: string, conversationId: string): Promise<void>;

  // ── Runs ──────────────────────────────────────────────────────────────────────────────────────

  /**
   * Stores a new run (status `running`, `total` = cases.length, no results) with a snapshot of
   * `cases`, so later edits to the set do not change it. Throws ConcurrencyError if a run with
   * this id exists for the set. `run.results`, `passed`, `failed` and `regressions` are ignored.
   */
  createRun(run: TestRun, cases: TestCase[]): Promise<void>;
  /** The run's case snapshot in the set's order, or undefined if there is no such run. */
  getRunCases(tenantId: string, aiId: string, setId: string, runId: string): Promise<TestCase[] | undefined>;
  /**
   * Records one case's result, idempotently: the first result recorded for a case is kept, and a
   * repeat (a redelivered job) changes nothing and returns false. The run's passed and failed
   * counts follow. Returns false too if the run does not exist.
   */
  recordCaseResult(tenantId: string, aiId: string, setId: string, runId: string, result: CaseResult): Promise<boolean>;
  /**
   * Moves the run from `running` to `done` with its regressions, once. Returns the run as
   * finished, or undefined (writing nothing) if it is missing or already done.
   */
  finishRun(
    tenantId: string,
    aiId: string,
    setId: string,
    runId: string,
    finish: RunFinish,
  ): Promise<TestRun | undefined>;
  /** The run with its results (in the snapshot's case order; cases not yet answered are absent). */
  getRun(tenantId: string, aiId: string, setId: string, runId: string): Promise<TestRun | undefined>;
  /** The set's runs, newest first (run ids are time-ordered); cursors as in listAis. */
  listRuns(tenantId: string, aiId: string, setId: string, page: PageRequest): Promise<Page<TestRunSummary>>;
  /** The newest `done` run of the set started before `runId` (for regressions), with its results. */
  getPreviousFinishedRun(tenantId: string, aiId: string, setId: string, runId: string): Promise<TestRun | undefined>;
  /**
   * Keeps the set's `keep` newest runs and deletes the older `done` ones with their snapshots and
   * results (a running run is never deleted). Returns how many it deleted. Callers pass
   * MAX_RUNS_KEPT_PER_SET.
   */
  pruneRuns(tenantId: string, aiId: string, setId: string, keep: number): Promise<number>;
}
