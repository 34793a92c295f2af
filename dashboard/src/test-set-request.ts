/**
 * A test set's editor: each case as the strings its fields hold (a draft), the request body made
 * from them, and the API's checks made first in the browser, keyed by the API's own field paths
 * (`cases.1.expect.follow_up_between.after`) so each shows next to its field.
 */
import { parseDurationMs } from '#lib/domain/evaluations/durations';
import {
  MAX_CASE_HISTORY_TURNS,
  MAX_CASE_MESSAGE_CHARS,
  MAX_CASE_PHRASE_CHARS,
  MAX_CASE_PHRASES,
  MAX_CASES_PER_SET,
  MAX_RUBRIC_CHARS,
  MAX_TEST_SET_NAME_CHARS,
} from '#lib/domain/limits/evaluations';
import type { CaseExpect, CaseRequest, CaseTurn, EscalationReason, TestCase, TestSetRequest } from './types.ts';

/** A yes/no expectation: left unchecked, or required one way. */
export type Check = '' | 'yes' | 'no';

export interface CaseDraft {
  /** Stable while the page lives: the list's key, so removing a case keeps the others' inputs. */
  key: string;
  caseId?: string;
  message: string;
  /** One turn per line, `Prospect: …` or `AI: …`, oldest first. */
  history: string;
  /** One phrase per line. */
  contains: string;
  notContains: string;
  citesDocumentId: string;
  offersGoalUrl: Check;
  escalates: Check;
  escalationReason: EscalationReason | '';
  abstains: Check;
  followUpAfter: string;
  followUpBefore: string;
  rubric: string;
}

/** How a history line names who wrote it; a line with neither is the prospect's. */
const AI_PREFIX = /^(ai|assistant|you)\s*:\s*/i;
const PROSPECT_PREFIX = /^(prospect|customer)\s*:\s*/i;

let lastKey = 0;

export function emptyCase(): CaseDraft {
  return {
    key: `case-${++lastKey}`,
    message: '',
    history: '',
    contains: '',
    notContains: '',
    citesDocumentId: '',
    offersGoalUrl: '',
    escalates: '',
    escalationReason: '',
    abstains: '',
    followUpAfter: '',
    followUpBefore: '',
    rubric: '',
  };
}

const checkOf = (value: boolean | undefined): Check => (value === undefined ? '' : value ? 'yes' : 'no');
const booleanOf = (check: Check): boolean | undefined => (check === '' ? undefined : check === 'yes');
const linesOf = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

function historyText(history: CaseTurn[] | undefined): string {
  return (history ?? []).map((turn) => `${turn.direction === 'inbound' ? 'Prospect' : 'AI'}: ${turn.text}`).join('\n');
}

function historyOf(text: string): CaseTurn[] {
  return linesOf(text).map((line) =>
    AI_PREFIX.test(line)
      ? { direction: 'outbound', text: line.replace(AI_PREFIX, '') }
      : { direction: 'inbound', text: line.replace(PROSPECT_PREFIX, '') },
  );
}

/** A stored case as the editor's draft. */
export function toCaseDraft(testCase: TestCase): CaseDraft {
  const expect = testCase.expect;
  return {
    ...emptyCase(),
    caseId: testCase.case_id,
    message: testCase.message,
    history: historyText(testCase.history),
    contains: (expect.contains ?? []).join('\n'),
    notContains: (expect.not_contains ?? []).join('\n'),
    citesDocumentId: expect.cites_document_id ?? '',
    offersGoalUrl: checkOf(expect.offers_goal_url),
    escalates: checkOf(expect.escalates),
    // The API answers with the reasons it accepts.
    escalationReason: (expect.escalation_reason ?? '') as CaseDraft['escalationReason'],
    abstains: checkOf(expect.abstains),
    followUpAfter: expect.follow_up_between?.after ?? '',
    followUpBefore: expect.follow_up_between?.before ?? '',
    rubric: testCase.rubric ?? '',
  };
}

/** The expectations a draft states; what is left empty is not checked, and is left out. */
export function toExpect(draft: CaseDraft): CaseExpect {
  const expect: CaseExpect = {};
  const contains = linesOf(draft.contains);
  const notContains = linesOf(draft.notContains);
  if (contains.length > 0) expect.contains = contains;
  if (notContains.length > 0) expect.not_contains = notContains;
  if (draft.citesDocumentId.trim()) expect.cites_document_id = draft.citesDocumentId.trim();
  const offersGoalUrl = booleanOf(draft.offersGoalUrl);
  if (offersGoalUrl !== undefined) expect.offers_goal_url = offersGoalUrl;
  const escalates = booleanOf(draft.escalates);
  if (escalates !== undefined) expect.escalates = escalates;
  if (draft.escalationReason) expect.escalation_reason = draft.escalationReason;
  const abstains = booleanOf(draft.abstains);
  if (abstains !== undefined) expect.abstains = abstains;
  const after = draft.followUpAfter.trim();
  const before = draft.followUpBefore.trim();
  // One bound without the other is sent as typed: the check below names the missing one.
  if (after || before) expect.follow_up_between = { after, before };
  return expect;
}

/** A case as the editor sends it: its expectations always stated, empty when none is checked. */
export type EditedCase = CaseRequest & { expect: CaseExpect };

/** A set as the editor saves it: its name and every case (PATCH replaces them all). */
export interface EditedSet extends TestSetRequest {
  name: string;
  cases: EditedCase[];
}

export function toCaseRequest(draft: CaseDraft): EditedCase {
  const history = historyOf(draft.history);
  const rubric = draft.rubric.trim();
  return {
    ...(draft.caseId ? { case_id: draft.caseId } : {}),
    message: draft.message.trim(),
    ...(history.length > 0 ? { history } : {}),
    expect: toExpect(draft),
    ...(rubric ? { rubric } : {}),
  };
}

export function toTestSetRequest(name: string, drafts: readonly CaseDraft[]): EditedSet {
  return { name: name.trim(), cases: drafts.map(toCaseRequest) };
}

/** The parser's own words for what is wrong with a duration. */
function durationProblem(value: string): string | undefined {
  try {
    parseDurationMs(value);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function checkFollowUp(window: { after: string; before: string }, path: string, errors: Record<string, string>) {
  for (const bound of ['after', 'before'] as const) {
    const value = window[bound];
    const problem = value ? durationProblem(value) : 'is required when the other bound is given, e.g. PT12H';
    if (problem) errors[`${path}.${bound}`] = problem;
  }
  if (errors[`${path}.after`] || errors[`${path}.before`]) return;
  if (parseDurationMs(window.after) >= parseDurationMs(window.before))
    errors[`${path}.before`] = 'must be longer than after';
}

function checkPhrases(phrases: string[] | undefined, path: string, errors: Record<string, string>) {
  if (!phrases) return;
  const long = phrases.findIndex((phrase) => phrase.length > MAX_CASE_PHRASE_CHARS);
  if (phrases.length > MAX_CASE_PHRASES) errors[path] = `at most ${MAX_CASE_PHRASES} phrases`;
  else if (long >= 0) errors[path] = `line ${long + 1}: at most ${MAX_CASE_PHRASE_CHARS} characters`;
}

/** The API's checks on a set that the browser can make, at its own limits; empty when it may be sent. */
export function checkTestSetRequest(body: EditedSet): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!body.name) errors.name = 'is required';
  else if (body.name.length > MAX_TEST_SET_NAME_CHARS) errors.name = `at most ${MAX_TEST_SET_NAME_CHARS} characters`;
  if (body.cases.length > MAX_CASES_PER_SET) errors.cases = `a set holds at most ${MAX_CASES_PER_SET} cases`;
  body.cases.forEach((testCase, index) => {
    const path = `cases.${index}`;
    if (!testCase.message) errors[`${path}.message`] = 'is required';
    else if (testCase.message.length > MAX_CASE_MESSAGE_CHARS)
      errors[`${path}.message`] = `at most ${MAX_CASE_MESSAGE_CHARS} characters`;
    if ((testCase.history?.length ?? 0) > MAX_CASE_HISTORY_TURNS)
      errors[`${path}.history`] = `at most ${MAX_CASE_HISTORY_TURNS} turns`;
    if ((testCase.rubric?.length ?? 0) > MAX_RUBRIC_CHARS)
      errors[`${path}.rubric`] = `at most ${MAX_RUBRIC_CHARS} characters`;
    const expect = testCase.expect;
    checkPhrases(expect.contains, `${path}.expect.contains`, errors);
    checkPhrases(expect.not_contains, `${path}.expect.not_contains`, errors);
    if (expect.escalation_reason && expect.escalates === false)
      errors[`${path}.expect.escalation_reason`] = 'cannot be given when the case must not escalate';
    if (expect.follow_up_between) checkFollowUp(expect.follow_up_between, `${path}.expect.follow_up_between`, errors);
  });
  return errors;
}

/** List fields, whose API errors may name one line (`cases.0.expect.contains.2`). */
const LINE_FIELDS = /^(cases\.\d+\.(?:history|expect\.contains|expect\.not_contains))\.(\d+)(?:\.\w+)?$/;

/**
 * API error paths folded onto the editor's fields: `cases[3]` read as `cases.3`, and an error on
 * one line of a list field shown on the field, naming the line.
 */
export function foldCaseErrors(errors: Readonly<Record<string, string>>): Record<string, string> {
  const folded: Record<string, string> = {};
  for (const [rawPath, message] of Object.entries(errors)) {
    const path = rawPath.replace(/\[(\d+)\]/g, '.$1');
    const line = LINE_FIELDS.exec(path);
    if (line) folded[line[1] as string] ??= `line ${Number(line[2]) + 1}: ${message}`;
    else folded[path] ??= message;
  }
  return folded;
}

/** Whether the drafts say what the stored cases say: a run uses the stored set, not the page's edits. */
export function sameCases(drafts: readonly CaseDraft[], cases: readonly TestCase[]): boolean {
  return JSON.stringify(drafts.map(toCaseRequest)) === JSON.stringify(cases.map((c) => toCaseRequest(toCaseDraft(c))));
}
