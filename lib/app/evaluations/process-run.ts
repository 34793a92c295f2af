/**
 * The evaluator's work on one run: answer its cases that have no result yet, in the snapshot's
 * order, recording each result as soon as it is known, then finish the run with its regressions.
 * Every step is idempotent on the run's and the cases' ids, so a redelivered or continued job
 * resumes where the last one stopped and records nothing twice.
 */
import { regressionsOf } from '#lib/domain/evaluations/expectations';
import { EVALUATION_CASE_RESERVE_MS, MAX_EVALUATION_ATTEMPTS } from '#lib/domain/limits/evaluation-runs';
import { MAX_RUNS_KEPT_PER_SET } from '#lib/domain/limits/evaluations';
import type { EvaluationJob } from '#lib/ports/evaluations';
import type { Deps } from '#lib/app/deps';
import { type RunCaseDeps, runCase, unanswered } from '#lib/app/evaluations/run-case';
import { loadSetupOf } from '#lib/app/generate-reply';

/**
 * `finished`: the run is done. `continued`: time ran short, and the rest of the run was queued as
 * a new job. `nothing_to_do`: the run (or its set) is gone or already done.
 */
export type RunOutcome = 'finished' | 'continued' | 'nothing_to_do';

export type ProcessRunDeps = RunCaseDeps & Pick<Deps, 'ais' | 'testSets' | 'evaluationQueue'>;

/**
 * Answers the run's unanswered cases while time remains; on the job's last allowed attempt it
 * answers none and finishes the run with them failed (the job keeps failing: a crash, a timeout).
 *
 * @param job.attempt how many times this job has been received (SQS's receive count)
 * @param timeLeftMs the function's time left (Lambda's getRemainingTimeInMillis)
 */
export async function processRun(
  deps: ProcessRunDeps,
  job: EvaluationJob & { attempt: number },
  timeLeftMs: () => number,
): Promise<RunOutcome> {
  const { tenantId, aiId, setId, runId } = job;
  if (job.attempt >= MAX_EVALUATION_ATTEMPTS) {
    const finished = await abandonRun(deps, job, `its job failed ${job.attempt - 1} times`);
    return finished ? 'finished' : 'nothing_to_do';
  }
  const [run, cases] = await Promise.all([
    deps.testSets.getRun(tenantId, aiId, setId, runId),
    deps.testSets.getRunCases(tenantId, aiId, setId, runId),
  ]);
  if (!run || !cases || run.status === 'done') return 'nothing_to_do';
  const ai = await deps.ais.getAi(tenantId, aiId);
  if (!ai) {
    return (await abandonRun(deps, job, 'its AI was deleted')) ? 'finished' : 'nothing_to_do';
  }
  const setup = await loadSetupOf(deps, ai);
  const answered = new Set(run.results.map((r) => r.caseId));
  for (const testCase of cases) {
    if (answered.has(testCase.caseId)) continue;
    const left = timeLeftMs() - EVALUATION_CASE_RESERVE_MS;
    if (left <= 0) {
      await deps.evaluationQueue.enqueueEvaluation({ tenantId, aiId, setId, runId });
      return 'continued';
    }
    const result = await runCase(deps, { ai, setup, testCase, timeLeftMs: left });
    await deps.testSets.recordCaseResult(tenantId, aiId, setId, runId, result);
  }
  return (await finish(deps, job)) ? 'finished' : 'nothing_to_do';
}

/**
 * Finishes a run that cannot go on: each case without a result is recorded as failed, saying the
 * run stopped and why (`reason` completes "the run stopped before this case: …"), then the run is
 * finished. Returns false if the run was missing or already done.
 */
export async function abandonRun(
  deps: Pick<Deps, 'testSets' | 'clock'>,
  job: EvaluationJob,
  reason: string,
): Promise<boolean> {
  const { tenantId, aiId, setId, runId } = job;
  const [run, cases] = await Promise.all([
    deps.testSets.getRun(tenantId, aiId, setId, runId),
    deps.testSets.getRunCases(tenantId, aiId, setId, runId),
  ]);
  if (!run || !cases || run.status === 'done') return false;
  const answered = new Set(run.results.map((r) => r.caseId));
  for (const testCase of cases.filter((c) => !answered.has(c.caseId))) {
    const failure = `the run stopped before this case: ${reason}`;
    await deps.testSets.recordCaseResult(tenantId, aiId, setId, runId, unanswered(testCase, failure));
  }
  return finish(deps, job);
}

/** Marks the run done with its regressions against the previous finished run, and prunes old runs. */
async function finish(deps: Pick<Deps, 'testSets' | 'clock'>, job: EvaluationJob): Promise<boolean> {
  const { tenantId, aiId, setId, runId } = job;
  const [run, previous] = await Promise.all([
    deps.testSets.getRun(tenantId, aiId, setId, runId),
    deps.testSets.getPreviousFinishedRun(tenantId, aiId, setId, runId),
  ]);
  if (!run || run.status === 'done') return false;
  const finished = await deps.testSets.finishRun(tenantId, aiId, setId, runId, {
    finishedAt: deps.clock.now().toISOString(),
    regressions: regressionsOf(run.results, previous),
  });
  if (!finished) return false;
  await deps.testSets.pruneRuns(tenantId, aiId, setId, MAX_RUNS_KEPT_PER_SET);
  return true;
}
