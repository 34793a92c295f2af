/** The wire shapes of test-set runs (contract: "Test sets"): starting one, its progress and results. */
import * as z from 'zod';
import { EMERGENCY_TRIGGERS, MODEL_ESCALATIONS, OPERATOR_FAULTS } from '#lib/domain/escalation';
import { idParam, timestamp } from '#functions/http/common-schemas';
import { citationResponse } from '#functions/http/conversation-schemas';

export const testRunParams = { id: idParam, set_id: idParam };
export const testRunIdParams = { ...testRunParams, run_id: idParam };

const runStatus = z.enum(['running', 'done']).describe('`running` until every case has its result.');

export const startRunResponse = z.object({
  run_id: z.string(),
  status: runStatus,
});

export const caseResultResponse = z.object({
  case_id: z.string(),
  passed: z.boolean().describe('Every expectation met, and the rubric (when judged) passed.'),
  reply: z.string().describe('What the AI answered (empty when the model could not answer).'),
  citations: z.array(citationResponse).describe('The knowledge the reply drew on.'),
  needs_human: z.boolean(),
  escalation: z
    .enum([...EMERGENCY_TRIGGERS, ...OPERATOR_FAULTS])
    .nullable()
    .describe("The escalation the answer calls for under the AI's emergency settings, else null."),
  model_escalation: z.enum(MODEL_ESCALATIONS).describe('The model’s own escalation; `unanswerable` is an abstention.'),
  follow_up_at: z.string().nullable().describe('The follow-up the answer would schedule, else null.'),
  failures: z.array(z.string()).describe('One sentence per failed expectation: which one, and why.'),
  rubric: z
    .object({ verdict: z.enum(['passed', 'failed', 'not_judged']), reason: z.string() })
    .nullable()
    .describe('How the rubric fared; `not_judged` (on the offline model) neither passes nor fails the case.'),
});

const runFields = {
  run_id: z.string(),
  set_id: z.string(),
  status: runStatus,
  total: z.number().int().describe('Cases in the run (the set’s cases when it started).'),
  passed: z.number().int().describe('Cases passed so far.'),
  failed: z.number().int().describe('Cases failed so far.'),
  regressions: z.array(z.string()).describe('Cases that passed in the previous finished run and fail in this one.'),
  started_at: timestamp,
  finished_at: timestamp.nullable(),
};

export const testRunSummaryResponse = z.object(runFields);

export const testRunResponse = z.object({
  ...runFields,
  results: z.array(caseResultResponse).describe('The results so far, in the cases’ order.'),
});
