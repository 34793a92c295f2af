/** Test sets and cases as the contract shows them (snake_case). */
import type { z } from 'zod';
import type { CaseExpectations, TestCase, TestSet } from '#lib/domain/evaluations/types';
import type { TestSetSummary } from '#lib/ports/test-sets';
import { compact } from '#functions/http/presenters/compact';
import type { caseResponse, testSetResponse, testSetSummaryResponse } from '#functions/http/test-set-schemas';

export function presentTestSet(set: TestSet): z.input<typeof testSetResponse> {
  return {
    set_id: set.setId,
    ai_id: set.aiId,
    name: set.name,
    cases: set.cases.map(presentTestCase),
    created_at: set.createdAt,
    updated_at: set.updatedAt,
  };
}

export function presentTestSetSummary(set: TestSetSummary): z.input<typeof testSetSummaryResponse> {
  return {
    set_id: set.setId,
    ai_id: set.aiId,
    name: set.name,
    case_count: set.caseCount,
    created_at: set.createdAt,
    updated_at: set.updatedAt,
  };
}

export function presentTestCase(testCase: TestCase): z.input<typeof caseResponse> {
  return compact({
    case_id: testCase.caseId,
    message: testCase.message,
    history: testCase.history,
    expect: presentExpectations(testCase.expect),
    rubric: testCase.rubric,
    source:
      testCase.source === undefined
        ? undefined
        : { conversation_id: testCase.source.conversationId, message_id: testCase.source.messageId },
  });
}

function presentExpectations(expect: CaseExpectations): z.input<typeof caseResponse>['expect'] {
  return compact({
    contains: expect.contains,
    not_contains: expect.notContains,
    cites_document_id: expect.citesDocumentId,
    offers_goal_url: expect.offersGoalUrl,
    escalates: expect.escalates,
    escalation_reason: expect.escalationReason,
    abstains: expect.abstains,
    follow_up_between: expect.followUpBetween,
  });
}
