import { describe, expect, it } from '@jest/globals';
import { escalationFor, escalationOf } from '#lib/domain/escalation';
import type { EmergencySettings } from '#lib/domain/types';

const LEGAL_THREATS_ONLY: EmergencySettings = { enabled: true, triggers: ['legal_threat'], pauseAi: false };
const TURNED_OFF: EmergencySettings = { enabled: false, triggers: [], pauseAi: false };

describe('escalationFor', () => {
  it('escalates a trigger the AI lists, with the summary on one line', () => {
    expect(escalationFor('legal_threat', LEGAL_THREATS_ONLY, 'Threatens\n  to sue.')).toEqual({
      reason: 'legal_threat',
      summary: 'Threatens to sue.',
    });
  });

  it('calls nobody for a trigger the AI leaves out, or when emergencies are off', () => {
    expect(escalationFor('complaint', LEGAL_THREATS_ONLY)).toBeUndefined();
    expect(escalationFor('legal_threat', TURNED_OFF)).toBeUndefined();
  });

  it.each([
    ['lists other triggers', LEGAL_THREATS_ONLY],
    ['turned emergencies off', TURNED_OFF],
  ])('escalates model_unavailable even when the AI %s: only an operator can fix it', (_, settings) => {
    expect(escalationFor('model_unavailable', settings)).toEqual({
      reason: 'model_unavailable',
      summary: expect.stringContaining('unavailable'),
    });
  });
});

describe('escalationOf an abstention', () => {
  const abstention = {
    needsHuman: true,
    escalation: 'unanswerable' as const,
    confidence: 'low' as const,
    citations: [],
    reason: 'The knowledge does not cover this question.',
  };

  it('escalates as ungrounded when the AI lists that trigger, not as a request for a person', () => {
    const settings: EmergencySettings = { enabled: true, triggers: ['ungrounded', 'human_requested'], pauseAi: false };

    expect(escalationOf(abstention, settings)).toEqual({
      reason: 'ungrounded',
      summary: 'The knowledge does not cover this question.',
    });
  });

  it('calls nobody when the AI leaves ungrounded out, though the reply needs a person', () => {
    expect(escalationOf(abstention, LEGAL_THREATS_ONLY)).toBeUndefined();
  });
});
