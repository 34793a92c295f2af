/**
 * Limits of test-set runs (evaluations). Each has a test (test/unit/limits-coverage.test.ts checks
 * that one names it).
 */

/**
 * Runs of one set at once. A second start while one runs is refused (409): two runs of the same
 * cases would race for the model and compare against each other's half-finished results.
 */
export const MAX_RUNNING_RUNS_PER_SET = 1;

/**
 * Receives of one evaluation job. On the last one the evaluator runs no case: it finishes the run
 * with every case still unrun failed and the reason, so a job that crashes every time (a timeout,
 * a fault in the store) ends its run instead of leaving it `running`.
 */
export const MAX_EVALUATION_ATTEMPTS = 3;

/**
 * How long a run may stay `running` before a new start of its set takes it for dead (its job lost
 * or dead-lettered) and finishes it, the unrun cases failed. Far longer than a run of
 * MAX_CASES_PER_SET cases takes, waits for a busy model included.
 */
export const RUN_STALE_AFTER_MS = 6 * 60 * 60 * 1000;

/**
 * Time kept back from the evaluator's deadline for one case's model calls (a reply and a rubric
 * verdict, 30 s each at most): with less left, the job hands the rest of the run to a new message.
 */
export const EVALUATION_CASE_RESERVE_MS = 70_000;
