/**
 * A test case's expectations checked against what the AI answered: pure, so a run decides pass or
 * fail the same way wherever it runs. Each failed expectation is one sentence saying which one and
 * why, as the run's results show it.
 */
import { describeDurationMs, parseDurationMs } from '#lib/domain/evaluations/durations';
import type { CaseExpectations, CaseResult, RubricOutcome, TestRun } from '#lib/domain/evaluations/types';
import type { Citation, EscalationReason, ModelEscalation } from '#lib/domain/types';

/** What one case's answer said and decided, as the expectations read it. */
export interface AnsweredCase {
  /** The reply as the prospect would read it (plain text or html). */
  reply: string;
  citations: Citation[];
  /** The escalation the answer calls for under the AI's emergency settings, else null. */
  escalation: EscalationReason | null;
  /** The model's own escalation: `unanswerable` is an abstention. */
  modelEscalation: ModelEscalation;
  /** The follow-up the answer would schedule (ISO 8601), else null. */
  followUpAt: string | null;
  /** The AI's sales goal link, when it has one. */
  goalUrl?: string;
  /** When the case ran: `follow_up_between` counts from here. */
  ranAt: Date;
}

/** One sentence per expectation the answer does not meet, in the order the expectations are listed. */
export function checkExpectations(expect: CaseExpectations, answer: AnsweredCase): string[] {
  const failures: string[] = [];
  const text = answer.reply.toLowerCase();
  for (const phrase of expect.contains ?? []) {
    if (!text.includes(phrase.toLowerCase())) failures.push(`expected the reply to contain “${phrase}”`);
  }
  for (const phrase of expect.notContains ?? []) {
    if (text.includes(phrase.toLowerCase())) failures.push(`expected the reply not to contain “${phrase}”`);
  }
  if (expect.citesDocumentId !== undefined) {
    const cited = answer.citations.map((c) => c.documentId);
    if (!cited.includes(expect.citesDocumentId)) {
      const got = cited.length ? `it cited ${cited.join(', ')}` : 'it cited nothing';
      failures.push(`expected the reply to cite ${expect.citesDocumentId}, but ${got}`);
    }
  }
  if (expect.offersGoalUrl !== undefined) failures.push(...checkGoalUrl(expect.offersGoalUrl, answer));
  failures.push(...checkEscalation(expect, answer));
  if (expect.abstains !== undefined) {
    const abstained = answer.modelEscalation === 'unanswerable';
    if (expect.abstains && !abstained) {
      failures.push(`expected the AI to abstain (say its knowledge does not cover this), but it answered`);
    } else if (!expect.abstains && abstained) {
      failures.push('expected the AI to answer, but it abstained (said its knowledge does not cover this)');
    }
  }
  if (expect.followUpBetween) failures.push(...checkFollowUp(expect.followUpBetween, answer));
  return failures;
}

function checkGoalUrl(offers: boolean, answer: AnsweredCase): string[] {
  if (!answer.goalUrl) {
    return offers ? ['expected the reply to offer the goal URL, but the AI has no sales goal'] : [];
  }
  const offered = containsUrl(answer.reply, answer.goalUrl);
  if (offers && !offered) return [`expected the reply to offer the goal URL ${answer.goalUrl}, but it does not`];
  if (!offers && offered) return [`expected the reply not to offer the goal URL ${answer.goalUrl} yet, but it does`];
  return [];
}

/** Whether `url` appears in the reply, as text or as an html link (where `&` is written `&amp;`). */
function containsUrl(reply: string, url: string): boolean {
  const trimmed = url.replace(/\/+$/, '');
  const forms = [trimmed, trimmed.replaceAll('&', '&amp;')];
  return forms.some((form) => reply.includes(form));
}

function checkEscalation(expect: CaseExpectations, answer: AnsweredCase): string[] {
  const got = answer.escalation;
  if (expect.escalationReason !== undefined && got !== expect.escalationReason) {
    // The reason implies it escalates: one sentence says both.
    const actual = got ? `it escalated as ${got}` : 'it did not escalate';
    return [`expected the answer to escalate as ${expect.escalationReason}, but ${actual}`];
  }
  if (expect.escalates === true && !got) return ['expected the answer to escalate to a person, but it did not'];
  if (expect.escalates === false && got) return [`expected the answer not to escalate, but it escalated as ${got}`];
  return [];
}

function checkFollowUp(window: { after: string; before: string }, answer: AnsweredCase): string[] {
  const afterMs = parseDurationMs(window.after);
  const beforeMs = parseDurationMs(window.before);
  const span = `between ${describeDurationMs(afterMs)} and ${describeDurationMs(beforeMs)} after the run`;
  if (!answer.followUpAt) return [`expected a follow-up ${span}, got none`];
  const inMs = Date.parse(answer.followUpAt) - answer.ranAt.getTime();
  if (inMs >= afterMs && inMs <= beforeMs) return [];
  const when = inMs < 0 ? `${describeRounded(-inMs)} before the run` : `${describeRounded(inMs)} after the run`;
  return [`expected a follow-up ${span}, got one ${when} (${answer.followUpAt})`];
}

/** A gap as failures show it, rounded to the minute (a model's time is never to the millisecond). */
function describeRounded(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes === 0 ? 'less than a minute' : describeDurationMs(minutes * 60_000);
}

/**
 * The sentence a failed rubric adds to a case's failures, else none. A rubric that was not judged
 * (the offline model) neither passes nor fails the case: its result says so instead.
 */
export function rubricFailures(rubric: RubricOutcome | undefined): string[] {
  return rubric?.verdict === 'failed' ? [`the rubric was not met: ${rubric.reason}`] : [];
}

/**
 * The cases that passed in the previous finished run and fail in this one, in this run's order.
 * A case new since that run, or that failed in it too, is no regression.
 */
export function regressionsOf(
  current: Pick<CaseResult, 'caseId' | 'passed'>[],
  previous: Pick<TestRun, 'results'> | undefined,
): string[] {
  if (!previous) return [];
  const passedBefore = new Set(previous.results.filter((r) => r.passed).map((r) => r.caseId));
  return current.filter((r) => !r.passed && passedBefore.has(r.caseId)).map((r) => r.caseId);
}
