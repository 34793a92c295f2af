import { describe, expect, it } from '@jest/globals';
import {
  type AnsweredCase,
  checkExpectations,
  regressionsOf,
  rubricFailures,
} from '#lib/domain/evaluations/expectations';
import { InvalidDurationError } from '#lib/domain/evaluations/durations';

const RAN_AT = new Date('2026-03-02T09:00:00Z');

function answer(overrides: Partial<AnsweredCase> = {}): AnsweredCase {
  return {
    reply: 'You can return any kit within 45 days for a full refund.',
    citations: [{ documentId: 'doc_returns', title: 'Returns', snippet: 'within 45 days' }],
    escalation: null,
    modelEscalation: 'none',
    followUpAt: null,
    ranAt: RAN_AT,
    ...overrides,
  };
}

describe('checkExpectations', () => {
  it('passes a case with no expectations', () => {
    expect(checkExpectations({}, answer())).toEqual([]);
  });

  describe('contains and not_contains', () => {
    it('matches phrases case-insensitively', () => {
      expect(checkExpectations({ contains: ['45 DAYS', 'full refund'] }, answer())).toEqual([]);
    });

    it('names each missing phrase in its own sentence', () => {
      expect(checkExpectations({ contains: ['45 days', '30 days', 'receipt'] }, answer())).toEqual([
        'expected the reply to contain “30 days”',
        'expected the reply to contain “receipt”',
      ]);
    });

    it('names a forbidden phrase the reply holds, whatever its case', () => {
      expect(checkExpectations({ notContains: ['Full Refund', 'store credit'] }, answer())).toEqual([
        'expected the reply not to contain “Full Refund”',
      ]);
    });
  });

  describe('cites_document_id', () => {
    it('passes when a citation names the document', () => {
      expect(checkExpectations({ citesDocumentId: 'doc_returns' }, answer())).toEqual([]);
    });

    it('passes for a correction id as well', () => {
      const cited = answer({ citations: [{ documentId: 'cor_1', title: 'Correction', snippet: '' }] });
      expect(checkExpectations({ citesDocumentId: 'cor_1' }, cited)).toEqual([]);
    });

    it('says what was cited instead', () => {
      expect(checkExpectations({ citesDocumentId: 'doc_shipping' }, answer())).toEqual([
        'expected the reply to cite doc_shipping, but it cited doc_returns',
      ]);
    });

    it('says when nothing was cited', () => {
      expect(checkExpectations({ citesDocumentId: 'doc_shipping' }, answer({ citations: [] }))).toEqual([
        'expected the reply to cite doc_shipping, but it cited nothing',
      ]);
    });
  });

  describe('offers_goal_url', () => {
    const goalUrl = 'https://example.com/book?plan=pro&ref=ai';

    it('finds the goal URL in a plain-text reply', () => {
      const reply = answer({ reply: `Book here: ${goalUrl}`, goalUrl });
      expect(checkExpectations({ offersGoalUrl: true }, reply)).toEqual([]);
    });

    it('finds the goal URL in an html link, with its ampersands escaped', () => {
      const reply = answer({ reply: `<a href="${goalUrl.replaceAll('&', '&amp;')}">Book</a>`, goalUrl });
      expect(checkExpectations({ offersGoalUrl: true }, reply)).toEqual([]);
    });

    it('fails when the reply does not offer it', () => {
      expect(checkExpectations({ offersGoalUrl: true }, answer({ goalUrl }))).toEqual([
        `expected the reply to offer the goal URL ${goalUrl}, but it does not`,
      ]);
    });

    it('fails when the reply offers it too early', () => {
      const reply = answer({ reply: `Sure! ${goalUrl}`, goalUrl });
      expect(checkExpectations({ offersGoalUrl: false }, reply)).toEqual([
        `expected the reply not to offer the goal URL ${goalUrl} yet, but it does`,
      ]);
    });

    it('fails an offer expected of an AI with no sales goal, and passes its absence', () => {
      expect(checkExpectations({ offersGoalUrl: true }, answer())).toEqual([
        'expected the reply to offer the goal URL, but the AI has no sales goal',
      ]);
      expect(checkExpectations({ offersGoalUrl: false }, answer())).toEqual([]);
    });
  });

  describe('escalates and escalation_reason', () => {
    it('passes an escalation that was expected, and its absence when it was not', () => {
      expect(checkExpectations({ escalates: true }, answer({ escalation: 'complaint' }))).toEqual([]);
      expect(checkExpectations({ escalates: false }, answer())).toEqual([]);
    });

    it('fails a missing escalation', () => {
      expect(checkExpectations({ escalates: true }, answer())).toEqual([
        'expected the answer to escalate to a person, but it did not',
      ]);
    });

    it('fails an unexpected escalation, naming its reason', () => {
      expect(checkExpectations({ escalates: false }, answer({ escalation: 'ungrounded' }))).toEqual([
        'expected the answer not to escalate, but it escalated as ungrounded',
      ]);
    });

    it('fails an escalation for another reason, or none, in one sentence', () => {
      const expectation = { escalates: true, escalationReason: 'ungrounded' as const };
      expect(checkExpectations(expectation, answer({ escalation: 'complaint' }))).toEqual([
        'expected the answer to escalate as ungrounded, but it escalated as complaint',
      ]);
      expect(checkExpectations(expectation, answer())).toEqual([
        'expected the answer to escalate as ungrounded, but it did not escalate',
      ]);
      expect(checkExpectations(expectation, answer({ escalation: 'ungrounded' }))).toEqual([]);
    });
  });

  describe('abstains', () => {
    it('reads the model’s unanswerable escalation, whatever the AI’s settings made of it', () => {
      const abstained = answer({ modelEscalation: 'unanswerable', escalation: null });
      expect(checkExpectations({ abstains: true }, abstained)).toEqual([]);
      expect(checkExpectations({ abstains: false }, answer())).toEqual([]);
    });

    it('fails an answer where an abstention was expected', () => {
      expect(checkExpectations({ abstains: true }, answer({ escalation: 'ungrounded' }))).toEqual([
        'expected the AI to abstain (say its knowledge does not cover this), but it answered',
      ]);
    });

    it('fails an abstention where an answer was expected', () => {
      expect(checkExpectations({ abstains: false }, answer({ modelEscalation: 'unanswerable' }))).toEqual([
        'expected the AI to answer, but it abstained (said its knowledge does not cover this)',
      ]);
    });
  });

  describe('follow_up_between', () => {
    const tomorrow = { after: 'PT12H', before: 'PT36H' };

    it('passes a follow-up inside the window, counted from the run, bounds included', () => {
      for (const at of ['2026-03-03T09:00:00Z', '2026-03-02T21:00:00.000Z', '2026-03-03T21:00:00.000Z']) {
        expect(checkExpectations({ followUpBetween: tomorrow }, answer({ followUpAt: at }))).toEqual([]);
      }
    });

    it('fails when no follow-up is scheduled', () => {
      expect(checkExpectations({ followUpBetween: tomorrow }, answer())).toEqual([
        'expected a follow-up between 12 h and 36 h after the run, got none',
      ]);
    });

    it('says how far from the run a follow-up outside the window is', () => {
      expect(checkExpectations({ followUpBetween: tomorrow }, answer({ followUpAt: '2026-03-02T11:00:00Z' }))).toEqual([
        'expected a follow-up between 12 h and 36 h after the run, got one 2 h after the run (2026-03-02T11:00:00Z)',
      ]);
      expect(checkExpectations({ followUpBetween: tomorrow }, answer({ followUpAt: '2026-03-05T09:00:00Z' }))).toEqual([
        'expected a follow-up between 12 h and 36 h after the run, got one 3 d after the run (2026-03-05T09:00:00Z)',
      ]);
    });

    it('says when a follow-up lies before the run', () => {
      expect(checkExpectations({ followUpBetween: tomorrow }, answer({ followUpAt: '2026-03-02T08:30:00Z' }))).toEqual([
        'expected a follow-up between 12 h and 36 h after the run, got one 30 min before the run (2026-03-02T08:30:00Z)',
      ]);
    });

    it('refuses a window that is not an ISO 8601 duration', () => {
      expect(() => checkExpectations({ followUpBetween: { after: 'P1M', before: 'P2M' } }, answer())).toThrow(
        InvalidDurationError,
      );
    });
  });

  it('lists every failed expectation, in the order they are written', () => {
    const failures = checkExpectations(
      { contains: ['Canada'], escalates: true, abstains: true, followUpBetween: { after: 'P1D', before: 'P2D' } },
      answer(),
    );
    expect(failures).toEqual([
      'expected the reply to contain “Canada”',
      'expected the answer to escalate to a person, but it did not',
      'expected the AI to abstain (say its knowledge does not cover this), but it answered',
      'expected a follow-up between 1 d and 2 d after the run, got none',
    ]);
  });
});

describe('rubricFailures', () => {
  it('adds the judge’s reason when the rubric failed', () => {
    expect(rubricFailures({ verdict: 'failed', reason: 'It never mentions the refund.' })).toEqual([
      'the rubric was not met: It never mentions the refund.',
    ]);
  });

  it('adds nothing for a passed rubric, a rubric not judged, or none', () => {
    expect(rubricFailures({ verdict: 'passed', reason: 'ok' })).toEqual([]);
    expect(rubricFailures({ verdict: 'not_judged', reason: 'the offline model cannot judge' })).toEqual([]);
    expect(rubricFailures(undefined)).toEqual([]);
  });
});

describe('regressionsOf', () => {
  const previous = {
    results: [
      { caseId: 'a', passed: true },
      { caseId: 'b', passed: false },
      { caseId: 'c', passed: true },
    ],
  } as Parameters<typeof regressionsOf>[1];

  it('names the cases that passed before and fail now, in this run’s order', () => {
    const current = [
      { caseId: 'c', passed: false },
      { caseId: 'b', passed: false },
      { caseId: 'a', passed: false },
      { caseId: 'new', passed: false },
    ];
    expect(regressionsOf(current, previous)).toEqual(['c', 'a']);
  });

  it('finds none without a previous run, or when the cases still pass', () => {
    expect(regressionsOf([{ caseId: 'a', passed: false }], undefined)).toEqual([]);
    expect(regressionsOf([{ caseId: 'a', passed: true }], previous)).toEqual([]);
  });
});
