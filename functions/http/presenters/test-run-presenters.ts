/** Test-set runs → the contract's snake_case JSON. */
import type { z } from 'zod';
import type { CaseResult, TestRun } from '#lib/domain/evaluations/types';
import type { TestRunSummary } from '#lib/ports/test-sets';
import { presentCitation } from '#functions/http/presenters/conversation-presenters';
import type { caseResultResponse, testRunResponse, testRunSummaryResponse } from '#functions/http/test-run-schemas';

/** A run without its results, as listed. */
export function presentTestRunSummary(run: TestRunSummary): z.output<typeof testRunSummaryResponse> {
  return {
    run_id: run.runId,
    set_id: run.setId,
    status: run.status,
    total: run.total,
    passed: run.passed,
    failed: run.failed,
    regressions: run.regressions,
    started_at: run.startedAt,
    finished_at: run.finishedAt ?? null,
  };
}

/** A run with its results so far. */
export function presentTestRun(run: TestRun): z.output<typeof testRunResponse> {
  return { ...presentTestRunSummary(run), results: run.results.map(presentCaseResult) };
}

function presentCaseResult(result: CaseResult): z.output<typeof caseResultResponse> {
  return {
    case_id: result.caseId,
    passed: result.passed,
    reply: result.reply,
    citations: result.citations.map(presentCitation),
    needs_human: result.needsHuman,
    escalation: result.escalation,
    model_escalation: result.modelEscalation,
    follow_up_at: result.followUpAt,
    failures: result.failures,
    rubric: result.rubric ? { verdict: result.rubric.verdict, reason: result.rubric.reason } : null,
  };
}
