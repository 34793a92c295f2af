/**
 * The dashboard's test-set editor as a request body: each case's fields (one phrase per line, a
 * history of "Prospect:" and "AI:" lines, yes/no/unchecked expectations) in the API's shape, the
 * API's checks made first and named by the API's own paths, and the API's error paths folded onto
 * the editor's fields.
 */
import {
  type CaseDraft,
  checkTestSetRequest,
  emptyCase,
  foldCaseErrors,
  sameCases,
  toCaseDraft,
  toCaseRequest,
  toTestSetRequest,
} from '../../dashboard/src/test-set-request.ts';
import type { TestCase } from '../../dashboard/src/types.ts';
import {
  MAX_CASE_HISTORY_TURNS,
  MAX_CASE_MESSAGE_CHARS,
  MAX_CASE_PHRASE_CHARS,
  MAX_CASE_PHRASES,
  MAX_CASES_PER_SET,
  MAX_RUBRIC_CHARS,
  MAX_TEST_SET_NAME_CHARS,
} from '#lib/domain/limits/evaluations';

const draft = (fields: Partial<CaseDraft>): CaseDraft => ({
  ...emptyCase(),
  message: 'Can I return a kit?',
  ...fields,
});

const STORED: TestCase = {
  case_id: 'case_1',
  message: 'Do you ship to Canada?',
  history: [
    { direction: 'inbound', text: 'Hi' },
    { direction: 'outbound', text: 'Hello! How can I help?' },
  ],
  expect: {
    contains: ['10 business days', 'Canada'],
    not_contains: ['45 days'],
    cites_document_id: 'doc_1',
    offers_goal_url: false,
    escalates: true,
    escalation_reason: 'ungrounded',
    abstains: true,
    follow_up_between: { after: 'PT12H', before: 'PT36H' },
  },
  rubric: 'Polite and brief.',
};

describe('toCaseRequest', () => {
  it('sends only the expectations a case states: an empty field is not checked', () => {
    expect(toCaseRequest(draft({}))).toEqual({ message: 'Can I return a kit?', expect: {} });
  });

  it('sends one phrase per non-empty line, trimmed', () => {
    const body = toCaseRequest(draft({ contains: ' 45 days \n\nfull refund', notContains: 'Canada\n' }));

    expect(body.expect).toEqual({ contains: ['45 days', 'full refund'], not_contains: ['Canada'] });
  });

  it('reads each history line as the prospect’s unless it starts with “AI:”', () => {
    const body = toCaseRequest(draft({ history: 'Prospect: Hi\nAI: Hello!\nI want a kit' }));

    expect(body.history).toEqual([
      { direction: 'inbound', text: 'Hi' },
      { direction: 'outbound', text: 'Hello!' },
      { direction: 'inbound', text: 'I want a kit' },
    ]);
  });

  it('sends yes as true, no as false, and leaves an unchecked expectation out', () => {
    const body = toCaseRequest(draft({ offersGoalUrl: 'yes', escalates: 'no', abstains: '' }));

    expect(body.expect).toEqual({ offers_goal_url: true, escalates: false });
  });

  it('sends a follow-up window with one bound missing as typed, for the check to name it', () => {
    expect(toCaseRequest(draft({ followUpAfter: 'PT12H' })).expect.follow_up_between).toEqual({
      after: 'PT12H',
      before: '',
    });
  });

  it('keeps the case id of a stored case, so editing it keeps its results comparable', () => {
    expect(toCaseRequest(toCaseDraft(STORED))).toEqual(STORED);
  });
});

describe('toCaseDraft', () => {
  it('shows a stored case in the editor’s fields and back unchanged', () => {
    const shown = toCaseDraft(STORED);

    expect(shown).toMatchObject({
      caseId: 'case_1',
      history: 'Prospect: Hi\nAI: Hello! How can I help?',
      contains: '10 business days\nCanada',
      offersGoalUrl: 'no',
      escalates: 'yes',
      followUpAfter: 'PT12H',
    });
    expect(sameCases([shown], [STORED])).toBe(true);
  });

  it('gives each draft its own key, so removing one case keeps the others’ inputs', () => {
    expect(toCaseDraft(STORED).key).not.toBe(toCaseDraft(STORED).key);
  });
});

describe('sameCases', () => {
  it('sees an edited expectation as an unsaved change', () => {
    expect(sameCases([{ ...toCaseDraft(STORED), contains: '3 business days' }], [STORED])).toBe(false);
  });
});

describe('checkTestSetRequest', () => {
  const check = (...drafts: CaseDraft[]) => checkTestSetRequest(toTestSetRequest('Returns', drafts));

  it('accepts a set whose cases state their message and valid windows', () => {
    expect(check(draft({ followUpAfter: 'PT12H', followUpBefore: 'P1DT12H' }))).toEqual({});
  });

  it('names an empty set name and an empty message by their API paths', () => {
    expect(checkTestSetRequest(toTestSetRequest(' ', [draft({}), draft({ message: '  ' })]))).toEqual({
      name: 'is required',
      'cases.1.message': 'is required',
    });
  });

  it('names a bound that is not an ISO 8601 duration, in the parser’s words', () => {
    const errors = check(draft({ followUpAfter: 'tomorrow', followUpBefore: 'P1M' }));

    expect(errors['cases.0.expect.follow_up_between.after']).toMatch(/ISO 8601 duration like PT12H/);
    expect(errors['cases.0.expect.follow_up_between.before']).toMatch(/years and months are not supported/);
  });

  it('names the missing bound of a window and a window that ends before it starts', () => {
    expect(check(draft({ followUpBefore: 'PT1H' }))).toEqual({
      'cases.0.expect.follow_up_between.after': expect.stringContaining('is required'),
    });
    expect(check(draft({ followUpAfter: 'P1D', followUpBefore: 'PT12H' }))).toEqual({
      'cases.0.expect.follow_up_between.before': 'must be longer than after',
    });
  });

  it('refuses an escalation reason on a case that must not escalate', () => {
    expect(Object.keys(check(draft({ escalates: 'no', escalationReason: 'ungrounded' })))).toEqual([
      'cases.0.expect.escalation_reason',
    ]);
  });
});

describe('checkTestSetRequest at the API’s limits', () => {
  const many = (count: number, line: string) => Array.from({ length: count }, () => line).join('\n');

  it('accepts every limit itself', () => {
    const full = draft({
      message: 'x'.repeat(MAX_CASE_MESSAGE_CHARS),
      history: many(MAX_CASE_HISTORY_TURNS, 'Prospect: hi'),
      contains: many(MAX_CASE_PHRASES, 'y'.repeat(MAX_CASE_PHRASE_CHARS)),
      rubric: 'z'.repeat(MAX_RUBRIC_CHARS),
    });
    const cases = Array.from({ length: MAX_CASES_PER_SET }, () => full);

    expect(checkTestSetRequest(toTestSetRequest('n'.repeat(MAX_TEST_SET_NAME_CHARS), cases))).toEqual({});
  });

  it('names each field one past its limit', () => {
    const over = draft({
      message: 'x'.repeat(MAX_CASE_MESSAGE_CHARS + 1),
      history: many(MAX_CASE_HISTORY_TURNS + 1, 'Prospect: hi'),
      contains: many(MAX_CASE_PHRASES + 1, 'y'),
      notContains: `ok\n${'y'.repeat(MAX_CASE_PHRASE_CHARS + 1)}`,
      rubric: 'z'.repeat(MAX_RUBRIC_CHARS + 1),
    });
    const cases = Array.from({ length: MAX_CASES_PER_SET + 1 }, () => draft({}));
    cases[0] = over;

    expect(checkTestSetRequest(toTestSetRequest('n'.repeat(MAX_TEST_SET_NAME_CHARS + 1), cases))).toEqual({
      name: `at most ${MAX_TEST_SET_NAME_CHARS} characters`,
      cases: `a set holds at most ${MAX_CASES_PER_SET} cases`,
      'cases.0.message': `at most ${MAX_CASE_MESSAGE_CHARS} characters`,
      'cases.0.history': `at most ${MAX_CASE_HISTORY_TURNS} turns`,
      'cases.0.rubric': `at most ${MAX_RUBRIC_CHARS} characters`,
      'cases.0.expect.contains': `at most ${MAX_CASE_PHRASES} phrases`,
      'cases.0.expect.not_contains': `line 2: at most ${MAX_CASE_PHRASE_CHARS} characters`,
    });
  });
});

describe('foldCaseErrors', () => {
  it('shows an error on one line of a list field on the field, naming the line', () => {
    expect(foldCaseErrors({ 'cases.2.expect.contains.1': 'must not be empty' })).toEqual({
      'cases.2.expect.contains': 'line 2: must not be empty',
    });
    expect(foldCaseErrors({ 'cases.0.history.3.text': 'too long' })).toEqual({ 'cases.0.history': 'line 4: too long' });
  });

  it('reads bracketed indexes as dotted ones and keeps other paths as they are', () => {
    expect(foldCaseErrors({ 'cases[3].expect.follow_up_between.after': 'bad', name: 'is required' })).toEqual({
      'cases.3.expect.follow_up_between.after': 'bad',
      name: 'is required',
    });
  });
});
