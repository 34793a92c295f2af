/**
 * Test sets as the API returns them (CONTRACT.md, "Test sets (evaluations)"), written by hand until
 * the routes are in docs/openapi.json; then these become aliases of the generated types in
 * types.ts and this module goes.
 */
import type { Citation } from './types.ts';

export type EscalationReason =
  | 'human_requested'
  | 'ungrounded'
  | 'complaint'
  | 'legal_threat'
  | 'repeated_failure'
  | 'model_unavailable';

export interface CaseExpect {
  contains?: string[];
  not_contains?: string[];
  cites_document_id?: string;
  offers_goal_url?: boolean;
  escalates?: boolean;
  escalation_reason?: EscalationReason;
  abstains?: boolean;
  follow_up_between?: { after: string; before: string };
}

export interface CaseTurn {
  direction: 'inbound' | 'outbound';
  text: string;
}

export interface TestCase {
  case_id: string;
  message: string;
  history?: CaseTurn[];
  expect: CaseExpect;
  rubric?: string;
}

export interface TestSet {
  set_id: string;
  ai_id: string;
  name: string;
  cases: TestCase[];
  created_at: string;
  updated_at: string;
}

/** A set as the AI's list shows it: without its cases. */
export type TestSetSummary = Omit<TestSet, 'cases'> & { case_count: number };

/** What adding cases returns: the cases added, with their ids, and how many the set now holds. */
export interface AddedCases {
  added: TestCase[];
  case_count: number;
}

/** A case as a request sends it: `case_id` left out for a new case (the API assigns one). */
export type CaseRequest = Omit<TestCase, 'case_id'> & { case_id?: string };

export interface TestSetRequest {
  name: string;
  cases: CaseRequest[];
}

/** The body of copying a conversation's inbound message into a set as a case. */
export interface CaseFromMessageRequest {
  conversation_id: string;
  message_id: string;
  expect?: CaseExpect;
  rubric?: string;
}

export interface CaseResult {
  case_id: string;
  passed: boolean;
  reply: string;
  citations: Citation[];
  needs_human: boolean;
  escalation: string | null;
  follow_up_at: string | null;
  failures: string[];
  rubric?: { verdict: 'passed' | 'failed' | 'not_judged'; reason: string };
}

export interface TestRun {
  run_id: string;
  status: 'running' | 'done';
  total: number;
  passed: number;
  failed: number;
  regressions: string[];
  results: CaseResult[];
  started_at: string;
  finished_at?: string | null;
}
