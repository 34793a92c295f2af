/** The queue of test-set runs waiting for the evaluator function. */

/** Asks the evaluator to answer a run's cases that have no result yet. Ids only: the store holds the run. */
export interface EvaluationJob {
  tenantId: string;
  aiId: string;
  setId: string;
  runId: string;
}

export interface EvaluationQueue {
  /** Standard queue: a job done twice records nothing twice (results are idempotent per case). */
  enqueueEvaluation(job: EvaluationJob): Promise<void>;
}
