import {
  contactTimeZone,
  DEFAULT_EMERGENCY,
  DEFAULT_FOLLOW_UP,
  deferPastQuietHours,
  dropoffAt,
  followUpAt,
  isInQuietHours,
  isStopRequest,
  MAX_FOLLOW_UP_DAYS,
  nextNudge,
  resolveEmergencySettings,
  resolveFollowUpSettings,
  timerName,
} from '#lib/domain/follow-up-policy';
import type { FollowUpSettings } from '#lib/domain/types';

const at = (iso: string) => new Date(iso);
const NIGHT = { start: '21:00', end: '08:00' };

function settings(overrides: Partial<FollowUpSettings> = {}): FollowUpSettings {
  return { ...DEFAULT_FOLLOW_UP, ...overrides };
}

describe('resolveFollowUpSettings', () => {
  const aiSettings = settings({ dropoffAfterHours: 2, timezone: 'Europe/Paris' });
  const strategySettings = settings({ dropoffAfterHours: 48 });

  it("uses the AI's settings before its strategy's", () => {
    expect(resolveFollowUpSettings({ followUp: aiSettings }, { followUp: strategySettings })).toBe(aiSettings);
  });

  it("falls back to the strategy's settings, then to the defaults", () => {
    expect(resolveFollowUpSettings({}, { followUp: strategySettings })).toBe(strategySettings);
    expect(resolveFollowUpSettings({}, {})).toEqual({
      enabled: true,
      dropoffAfterHours: 24,
      maxNudges: 1,
      timezone: 'UTC',
    });
    expect(resolveFollowUpSettings({})).toBe(DEFAULT_FOLLOW_UP);
  });
});

describe('resolveEmergencySettings', () => {
  it('defaults to every trigger, without pausing the AI', () => {
    const resolved = resolveEmergencySettings({});

    expect(resolved).toEqual({
      enabled: true,
      triggers: ['human_requested', 'ungrounded', 'complaint', 'legal_threat', 'repeated_failure'],
      pauseAi: false,
    });
    expect(resolved.triggers).not.toBe(DEFAULT_EMERGENCY.triggers);
  });

  it("uses the AI's own settings when it has them", () => {
    const own = { enabled: false, triggers: [], pauseAi: true };

    expect(resolveEmergencySettings({ emergency: own })).toBe(own);
  });
});

describe('contactTimeZone', () => {
  const aiSettings = settings({ timezone: 'Europe/Paris' });

  it("prefers the contact's timezone", () => {
    expect(contactTimeZone('America/New_York', aiSettings)).toBe('America/New_York');
  });

  it("falls back to the AI's timezone when the contact has none or an unknown one", () => {
    expect(contactTimeZone(undefined, aiSettings)).toBe('Europe/Paris');
    expect(contactTimeZone('', aiSettings)).toBe('Europe/Paris');
    expect(contactTimeZone('Mars/Olympus_Mons', aiSettings)).toBe('Europe/Paris');
  });

  it('falls back to UTC when the settings hold an unknown zone too', () => {
    expect(contactTimeZone('Nowhere/Land', settings({ timezone: 'Nowhere/Else' }))).toBe('UTC');
  });
});

describe('isInQuietHours', () => {
  it('reads a window spanning midnight in the local time of Europe/Paris', () => {
    // January: Paris is UTC+1.
    expect(isInQuietHours(at('2026-01-15T19:59:59Z'), NIGHT, 'Europe/Paris')).toBe(false);
    expect(isInQuietHours(at('2026-01-15T20:00:00Z'), NIGHT, 'Europe/Paris')).toBe(true);
    expect(isInQuietHours(at('2026-01-16T03:00:00Z'), NIGHT, 'Europe/Paris')).toBe(true);
    expect(isInQuietHours(at('2026-01-16T07:00:00Z'), NIGHT, 'Europe/Paris')).toBe(false);
  });

  it('reads a window spanning midnight in the local time of America/New_York', () => {
    // January: New York is UTC-5.
    expect(isInQuietHours(at('2026-01-16T01:59:00Z'), NIGHT, 'America/New_York')).toBe(false);
    expect(isInQuietHours(at('2026-01-16T02:00:00Z'), NIGHT, 'America/New_York')).toBe(true);
    expect(isInQuietHours(at('2026-01-16T12:59:59.999Z'), NIGHT, 'America/New_York')).toBe(true);
    expect(isInQuietHours(at('2026-01-16T13:00:00Z'), NIGHT, 'America/New_York')).toBe(false);
  });

  it('reads a window within one day', () => {
    const lunch = { start: '12:00', end: '13:30' };

    expect(isInQuietHours(at('2026-01-15T12:45:00Z'), lunch, 'UTC')).toBe(true);
    expect(isInQuietHours(at('2026-01-15T13:30:00Z'), lunch, 'UTC')).toBe(false);
    expect(isInQuietHours(at('2026-01-15T23:00:00Z'), lunch, 'UTC')).toBe(false);
  });

  it('treats a window whose start equals its end as no quiet hours', () => {
    expect(isInQuietHours(at('2026-01-15T09:00:00Z'), { start: '09:00', end: '09:00' }, 'UTC')).toBe(false);
  });

  it('counts both passes through the repeated hour on a fall-back day', () => {
    const oneToTwo = { start: '01:00', end: '02:00' };

    // 2026-11-01, New York: 01:30 EDT (05:30Z), then 01:30 EST (06:30Z).
    expect(isInQuietHours(at('2026-11-01T05:30:00Z'), oneToTwo, 'America/New_York')).toBe(true);
    expect(isInQuietHours(at('2026-11-01T06:30:00Z'), oneToTwo, 'America/New_York')).toBe(true);
    expect(isInQuietHours(at('2026-11-01T07:00:00Z'), oneToTwo, 'America/New_York')).toBe(false);
  });
});

describe('deferPastQuietHours', () => {
  it('leaves a time outside quiet hours, or without any, as it is', () => {
    const noon = at('2026-01-15T11:00:00Z');

    expect(deferPastQuietHours(noon, NIGHT, 'Europe/Paris')).toBe(noon);
    expect(deferPastQuietHours(at('2026-01-15T23:00:00Z'), undefined, 'Europe/Paris')).toEqual(
      at('2026-01-15T23:00:00Z'),
    );
  });

  it('moves a time late in the evening to the end of the window the next morning', () => {
    // 22:30 in Paris → 08:00 the next day, Paris time.
    expect(deferPastQuietHours(at('2026-01-15T21:30:00Z'), NIGHT, 'Europe/Paris')).toEqual(at('2026-01-16T07:00:00Z'));
  });

  it('moves a time early in the morning to the end of the window the same morning', () => {
    // 05:00 in New York → 08:00 in New York.
    expect(deferPastQuietHours(at('2026-01-16T10:00:00Z'), NIGHT, 'America/New_York')).toEqual(
      at('2026-01-16T13:00:00Z'),
    );
  });

  it('ends a night that spans the spring-forward change at the local end time', () => {
    // 2026-03-29, Paris: 23:00 CET on the 28th → 08:00 CEST on the 29th, only 8 hours later.
    expect(deferPastQuietHours(at('2026-03-28T22:00:00Z'), NIGHT, 'Europe/Paris')).toEqual(at('2026-03-29T06:00:00Z'));
  });

  it('ends the window at the first instant after the gap when its end time is skipped', () => {
    // 2026-03-29, Paris: clocks jump from 02:00 CET to 03:00 CEST, so 02:30 never happens.
    const window = { start: '22:00', end: '02:30' };

    expect(deferPastQuietHours(at('2026-03-28T23:30:00Z'), window, 'Europe/Paris')).toEqual(at('2026-03-29T01:00:00Z'));
  });

  it('treats a window starting inside the gap as starting when the clocks resume', () => {
    // 2026-03-29, Paris: 03:00 CEST is past 02:15, so it is quiet until 06:00 CEST.
    const window = { start: '02:15', end: '06:00' };

    expect(deferPastQuietHours(at('2026-03-29T01:00:00Z'), window, 'Europe/Paris')).toEqual(at('2026-03-29T04:00:00Z'));
  });

  it('ends a night that spans the fall-back change at the local end time', () => {
    // 2026-11-01, New York: 22:00 EDT on Oct 31 → 08:00 EST, 11 hours later.
    expect(deferPastQuietHours(at('2026-11-01T02:00:00Z'), NIGHT, 'America/New_York')).toEqual(
      at('2026-11-01T13:00:00Z'),
    );
  });

  it('ends the window at the first occurrence of an end time that happens twice', () => {
    // 2026-11-01, New York: 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    const window = { start: '22:00', end: '01:30' };

    expect(deferPastQuietHours(at('2026-11-01T03:00:00Z'), window, 'America/New_York')).toEqual(
      at('2026-11-01T05:30:00Z'),
    );
  });

  it('ends the window at the second occurrence when the first has already passed', () => {
    // 01:10 EST (06:10Z) is before 01:30 on the clock, and 01:30 EDT is behind us.
    const window = { start: '22:00', end: '01:30' };

    expect(deferPastQuietHours(at('2026-11-01T06:10:00Z'), window, 'America/New_York')).toEqual(
      at('2026-11-01T06:30:00Z'),
    );
  });
});

describe('dropoffAt', () => {
  const answeredAt = at('2026-01-15T10:00:00Z');

  it('nudges dropoffAfterHours after the answer, to the millisecond', () => {
    expect(dropoffAt(answeredAt, settings({ dropoffAfterHours: 24 }), 'UTC')).toEqual(at('2026-01-16T10:00:00Z'));
    expect(dropoffAt(answeredAt, settings({ dropoffAfterHours: 0.01 }), 'UTC')).toEqual(at('2026-01-15T10:00:36Z'));
    expect(dropoffAt(answeredAt, settings({ dropoffAfterHours: 1 / 3 }), 'UTC')).toEqual(at('2026-01-15T10:20:00Z'));
  });

  it('moves a nudge that lands in quiet hours to their end', () => {
    // 10:00Z + 12 h = 23:00 in Paris → 08:00 Paris time the next day.
    const due = dropoffAt(
      answeredAt,
      settings({ dropoffAfterHours: 12, quietHours: NIGHT, timezone: 'Europe/Paris' }),
      'Europe/Paris',
    );

    expect(due).toEqual(at('2026-01-16T07:00:00Z'));
  });

  it('reads quiet hours in the zone it is given, not the settings', () => {
    // 22:00Z is 23:00 in Paris (quiet) but 17:00 in New York (not).
    const night = settings({ dropoffAfterHours: 12, quietHours: NIGHT, timezone: 'Europe/Paris' });

    expect(dropoffAt(answeredAt, night, 'America/New_York')).toEqual(at('2026-01-15T22:00:00Z'));
  });

  it('sends no nudge when follow-ups are disabled or maxNudges is 0', () => {
    expect(dropoffAt(answeredAt, settings({ enabled: false }), 'UTC')).toBeUndefined();
    expect(dropoffAt(answeredAt, settings({ maxNudges: 0 }), 'UTC')).toBeUndefined();
  });
});

describe('nextNudge', () => {
  const now = at('2026-01-15T10:00:00Z');
  const twoNudges = settings({ maxNudges: 2, dropoffAfterHours: 6 });

  it('schedules another nudge while fewer than maxNudges have been sent', () => {
    expect(nextNudge({ now, settings: twoNudges, timeZone: 'UTC', nudgesSent: 1 })).toEqual(at('2026-01-15T16:00:00Z'));
  });

  it('stops once maxNudges have been sent', () => {
    expect(nextNudge({ now, settings: twoNudges, timeZone: 'UTC', nudgesSent: 2 })).toBeUndefined();
    expect(nextNudge({ now, settings: settings(), timeZone: 'UTC', nudgesSent: 1 })).toBeUndefined();
  });

  it('defers the next nudge past quiet hours as well', () => {
    const quiet = settings({ maxNudges: 3, dropoffAfterHours: 12, quietHours: NIGHT });

    expect(nextNudge({ now, settings: quiet, timeZone: 'UTC', nudgesSent: 1 })).toEqual(at('2026-01-16T08:00:00Z'));
  });

  it('sends none when follow-ups are disabled', () => {
    const off = settings({ enabled: false, maxNudges: 3 });

    expect(nextNudge({ now, settings: off, timeZone: 'UTC', nudgesSent: 0 })).toBeUndefined();
  });
});

describe('followUpAt', () => {
  const now = at('2026-01-15T10:00:00Z');

  it('keeps the time the prospect asked for, even inside quiet hours', () => {
    const requested = at('2026-01-16T02:00:00Z');

    expect(followUpAt(requested, now, settings({ quietHours: NIGHT }))).toBe(requested);
  });

  it(`accepts a time up to ${MAX_FOLLOW_UP_DAYS} days ahead and refuses one beyond`, () => {
    const limit = new Date(now.getTime() + MAX_FOLLOW_UP_DAYS * 86_400_000);

    expect(followUpAt(limit, now, settings())).toBe(limit);
    expect(followUpAt(new Date(limit.getTime() + 1), now, settings())).toBeUndefined();
  });

  it('refuses a time that is not in the future', () => {
    expect(followUpAt(now, now, settings())).toBeUndefined();
    expect(followUpAt(at('2026-01-14T10:00:00Z'), now, settings())).toBeUndefined();
  });

  it('refuses every time when follow-ups are disabled', () => {
    expect(followUpAt(at('2026-01-16T10:00:00Z'), now, settings({ enabled: false }))).toBeUndefined();
  });
});

describe('isStopRequest', () => {
  it.each([
    'STOP',
    'stop',
    'Stop.',
    'STOP STOP STOP',
    'stop please',
    'STOPALL',
    'Unsubscribe',
    'unsubscribe me',
    'UNSUBSCRIBE',
    'CANCEL',
    'END',
    'QUIT',
    'opt out',
    'Opt-out',
    'Remove me from your list',
    'please take me off your mailing list.',
    'Please stop messaging me',
    'stop emailing me!!',
    "Don't contact me again",
    'don’t text me anymore',
    'Leave me alone',
    'Thanks for the info, but please stop messaging me.',
    'I want to unsubscribe',
    'No more emails',
  ])('recognises the English opt-out %j', (text) => {
    expect(isStopRequest(text)).toBe(true);
  });

  it.each([
    'Arrêter',
    'arreter',
    'STOP',
    'Désabonner',
    'Désabonnez-moi',
    'Ne me contactez plus, merci',
    "Merci d'arrêter de m'envoyer des messages",
    'Baja',
    'cancelar suscripción',
    'No me contacten más',
    'Abmelden',
    'Bitte nicht mehr kontaktieren',
    'Afmelden',
    'Ik wil me afmelden',
    'Parar',
    'Pare de me enviar mensagens',
  ])('recognises the opt-out %j in other languages', (text) => {
    expect(isStopRequest(text)).toBe(true);
  });

  it.each([
    "don't stop",
    'Can you stop the delivery of my order?',
    'How do I unsubscribe a team member?',
    'cancel my order',
    'When does the sale end?',
    'Could you cancel?',
    'I want to quit smoking, does your app help?',
    'Please stop by our store tomorrow',
    "Don't call me, email me instead",
    'Can you stop emailing me the invoices separately and send one a month?',
    'My boss told me to stop messaging vendors',
    'What is the end date of the trial?',
    'Para mañana por favor',
    'Stop! That price is amazing, tell me more',
  ])('does not mistake %j for an opt-out', (text) => {
    expect(isStopRequest(text)).toBe(false);
  });
});

describe('timerName', () => {
  it('names the tenant first, then the kind, then a stable hash of the conversation', () => {
    const name = timerName('dropoff', 'ten_123', 'jane@example.com');

    expect(name).toMatch(/^ten_123\.dropoff\.[0-9a-f]{16}$/);
    expect(timerName('dropoff', 'ten_123', 'jane@example.com')).toBe(name);
    expect(name.split('.')[0]).toBe('ten_123');
  });

  it('gives each kind and each conversation its own name', () => {
    const names = new Set([
      timerName('dropoff', 't1', 'a'),
      timerName('follow_up', 't1', 'a'),
      timerName('dropoff', 't1', 'b'),
      timerName('dropoff', 't2', 'a'),
    ]);

    expect(names.size).toBe(4);
  });

  it('hashes any conversation id, long or unusual, to the same short form', () => {
    const odd = `+1 (555) 010-0000 / ✉ "quoted" ${'x'.repeat(180)}`;

    expect(timerName('follow_up', 't1', odd)).toMatch(/^t1\.follow_up\.[0-9a-f]{16}$/);
    expect(timerName('follow_up', 't1', '')).toMatch(/^t1\.follow_up\.[0-9a-f]{16}$/);
  });
});
