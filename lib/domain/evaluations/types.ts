/**
 * Test sets (evaluations): cases a business writes for one AI, each a prospect's message with the
 * expectations code checks on the reply, and runs that answer every case with the AI's current
 * setup and knowledge. Nothing here is a conversation: a run stores no messages and sends nothing.
 */
import type { Citation, EscalationReason, ModelEscalation } from '#lib/domain/types';

/** What a reply must show for its case to pass; every expectation given is checked by code. */
export interface CaseExpectations {
  /** Phrases the reply must contain (case-insensitive). */
  contains?: string[];
  /** Phrases the reply must not contain (case-insensitive). */
  notContains?: string[];
  /** A document (or correction) id the reply must cite. */
  citesDocumentId?: string;
  /** Whether the reply offers the sales goal's URL. */
  offersGoalUrl?: boolean;
  /** Whether the answer calls a person in (the AI's emergency settings applied). */
  escalates?: boolean;
  /** The escalation's reason, when it must escalate for a given one. */
  escalationReason?: EscalationReason;
  /** Whether the model says its knowledge does not cover the question (escalation `unanswerable`). */
  abstains?: boolean;
  /**
   * A follow-up must be scheduled within this window: ISO 8601 durations counted from the moment
   * the case runs (`{after: 'PT12H', before: 'PT36H'}` is "tomorrow").
   */
  followUpBetween?: { after: string; before: string };
}

/** One earlier turn of a case's conversation, oldest first. */
export interface CaseTurn {
  direction: 'inbound' | 'outbound';
  text: string;
}

/** Where a case was copied from: a message of a real conversation (erasing it removes the case). */
export interface CaseSource {
  conversationId: string;
  messageId: string;
}

export interface TestCase {
  caseId: string;
  message: string;
  history?: CaseTurn[];
  expect: CaseExpectations;
  /** A sentence the configured model judges the reply against; never judged by the offline model. */
  rubric?: string;
  source?: CaseSource;
}

export interface TestSet {
  tenantId: string;
  aiId: string;
  setId: string;
  name: string;
  cases: TestCase[];
  createdAt: string;
  updatedAt: string;
}

export type RunStatus = 'running' | 'done';

/** How a case's rubric fared: judged by the configured model, or not (the offline model cannot). */
export interface RubricOutcome {
  verdict: 'passed' | 'failed' | 'not_judged';
  reason: string;
}

/** What one case of a run answered and decided, and which expectations failed and why. */
export interface CaseResult {
  caseId: string;
  passed: boolean;
  reply: string;
  citations: Citation[];
  needsHuman: boolean;
  /** The escalation the answer calls for under the AI's settings, else null. */
  escalation: EscalationReason | null;
  /** The model's own escalation (`unanswerable` is an abstention). */
  modelEscalation: ModelEscalation;
  followUpAt: string | null;
  /** One sentence per failed expectation: which one, and why. Empty when it passed. */
  failures: string[];
  rubric?: RubricOutcome;
}

export interface TestRun {
  tenantId: string;
  aiId: string;
  setId: string;
  runId: string;
  status: RunStatus;
  /** The cases as they were when the run started (later edits to the set do not change a run). */
  total: number;
  passed: number;
  failed: number;
  /** Cases that passed in the previous finished run of the set and fail in this one. */
  regressions: string[];
  results: CaseResult[];
  startedAt: string;
  finishedAt?: string;
}
