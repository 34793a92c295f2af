/**
 * Starting a test-set run and reading runs back. A run is a job on the evaluations queue (the
 * evaluator function answers its cases, process-run.ts); the request that starts it only snapshots
 * the set's cases and queues the job.
 */
import { ConflictError, NotFoundError, ValidationError } from '#lib/domain/errors';
import type { TestRun } from '#lib/domain/evaluations/types';
import { MAX_RUNNING_RUNS_PER_SET, RUN_STALE_AFTER_MS } from '#lib/domain/limits/evaluation-runs';
import type { Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';
import type { TestRunSummary } from '#lib/ports/test-sets';
import { getAi } from '#lib/app/ais';
import type { Deps } from '#lib/app/deps';
import { abandonRun } from '#lib/app/evaluations/process-run';

export interface SetRef {
  tenantId: string;
  aiId: string;
  setId: string;
}

/** Enough of a set's newest runs to find every one still running (at most MAX_RUNNING_RUNS_PER_SET, plus stale ones). */
const RUNNING_SCAN = 10;

/**
 * Starts a run of the set with the AI's current setup and knowledge: snapshots its cases, stores
 * the run as `running` and queues its job. NotFoundError for a missing AI or set, ValidationError
 * for a set without cases, ConflictError while MAX_RUNNING_RUNS_PER_SET runs of it are running.
 * A run left `running` for RUN_STALE_AFTER_MS is taken for dead and finished first.
 */
export async function startRun(
  deps: Pick<Deps, 'ais' | 'testSets' | 'evaluationQueue' | 'clock' | 'ids' | 'logger'>,
  ref: SetRef,
): Promise<TestRun> {
  await getAi(deps, ref.tenantId, ref.aiId);
  const set = await deps.testSets.getTestSet(ref.tenantId, ref.aiId, ref.setId);
  if (!set) throw new NotFoundError(`no test set with id ${ref.setId}`);
  if (set.cases.length === 0) throw new ValidationError('cases: the test set has no cases to run');
  const now = deps.clock.now();
  const running = await runningRuns(deps, ref, now);
  if (running.length >= MAX_RUNNING_RUNS_PER_SET) {
    throw new ConflictError(
      `run ${running[0]?.runId} of this test set is still running; wait for it to finish before starting another`,
    );
  }
  const run: TestRun = {
    ...ref,
    runId: deps.ids.newId('run'),
    status: 'running',
    total: set.cases.length,
    passed: 0,
    failed: 0,
    regressions: [],
    results: [],
    startedAt: now.toISOString(),
  };
  await deps.testSets.createRun(run, set.cases);
  const job = { ...ref, runId: run.runId };
  try {
    await deps.evaluationQueue.enqueueEvaluation(job);
  } catch (error) {
    // A run whose job was never queued would stay `running` and block the set: finish it now.
    await abandonRun(deps, job, 'its job could not be queued');
    throw error;
  }
  return run;
}

/** The set's running runs, newest first, once those running past RUN_STALE_AFTER_MS are finished. */
async function runningRuns(
  deps: Pick<Deps, 'testSets' | 'clock' | 'logger'>,
  ref: SetRef,
  now: Date,
): Promise<TestRunSummary[]> {
  const page = await deps.testSets.listRuns(ref.tenantId, ref.aiId, ref.setId, { limit: RUNNING_SCAN });
  const alive: TestRunSummary[] = [];
  for (const run of page.items.filter((r) => r.status === 'running')) {
    if (now.getTime() - Date.parse(run.startedAt) < RUN_STALE_AFTER_MS) {
      alive.push(run);
      continue;
    }
    deps.logger.warn('a test-set run outlived its job; finishing it', { runId: run.runId });
    await abandonRun(
      deps,
      { ...ref, runId: run.runId },
      `it was still running after ${RUN_STALE_AFTER_MS / 3_600_000} h`,
    );
  }
  return alive;
}

/** The run with its results so far. NotFoundError for a missing AI or run. */
export async function getTestRun(
  deps: Pick<Deps, 'ais' | 'testSets'>,
  ref: SetRef & { runId: string },
): Promise<TestRun> {
  await getAi(deps, ref.tenantId, ref.aiId);
  const run = await deps.testSets.getRun(ref.tenantId, ref.aiId, ref.setId, ref.runId);
  if (!run) throw new NotFoundError(`no run with id ${ref.runId}`);
  return run;
}

/** The set's runs, newest first, without their results. NotFoundError for a missing AI or set. */
export async function listTestRuns(
  deps: Pick<Deps, 'ais' | 'testSets'>,
  ref: SetRef,
  page: PageRequest,
): Promise<Page<TestRunSummary>> {
  await getAi(deps, ref.tenantId, ref.aiId);
  const set = await deps.testSets.getTestSet(ref.tenantId, ref.aiId, ref.setId);
  if (!set) throw new NotFoundError(`no test set with id ${ref.setId}`);
  return deps.testSets.listRuns(ref.tenantId, ref.aiId, ref.setId, page);
}
