/**
 * The dashboard's AI form as a request body, and the API's checks the browser makes first: each
 * names the field by the API's own path, at the API's own limits.
 */
import { checkAiRequest, toAiRequest } from '../../dashboard/src/ai-request.ts';
import { MAX_DROPOFF_HOURS, MAX_NUDGES } from '#lib/domain/limits/follow-ups';
import { MAX_REPLY_DELAY_SECONDS } from '#lib/domain/limits/setup';

function formOf(fields: Record<string, string | string[]>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields))
    for (const one of Array.isArray(value) ? value : [value]) form.append(name, one);
  return form;
}

const BASE = {
  type: 'support',
  name: 'Ada',
  answer_url: 'https://example.com/answer',
  output_format: 'text',
  reply_delay_seconds: '0',
  emergency_enabled: 'on',
  triggers: ['human_requested', 'legal_threat'],
};

const OWN_FOLLOW_UPS = {
  follow_up_mode: 'own',
  follow_up_enabled: 'on',
  dropoff_after_hours: '12',
  max_nudges: '2',
  quiet_start: '21:00',
  quiet_end: '08:00',
  timezone: 'Europe/Paris',
};

describe('toAiRequest', () => {
  it("sends the AI's own follow-ups and its emergency settings in the API's shape", () => {
    const body = toAiRequest(formOf({ ...BASE, ...OWN_FOLLOW_UPS, pause_ai: 'on' }), false);

    expect(body.follow_up).toEqual({
      enabled: true,
      dropoff_after_hours: 12,
      max_nudges: 2,
      quiet_hours: { start: '21:00', end: '08:00' },
      timezone: 'Europe/Paris',
    });
    expect(body.emergency).toEqual({ enabled: true, triggers: ['human_requested', 'legal_threat'], pause_ai: true });
  });

  it("leaves follow-ups out when creating with the strategy's, and clears them (null) when editing", () => {
    expect(toAiRequest(formOf({ ...BASE, follow_up_mode: 'inherit' }), false).follow_up).toBeUndefined();
    expect(toAiRequest(formOf({ ...BASE, follow_up_mode: 'inherit' }), true).follow_up).toBeNull();
  });

  it('sends no quiet hours when both bounds are empty', () => {
    const body = toAiRequest(formOf({ ...BASE, ...OWN_FOLLOW_UPS, quiet_start: '', quiet_end: '' }), false);

    expect(body.follow_up).not.toHaveProperty('quiet_hours');
  });
});

describe('checkAiRequest', () => {
  const check = (fields: Record<string, string>) =>
    checkAiRequest(toAiRequest(formOf({ ...BASE, ...OWN_FOLLOW_UPS, ...fields }), false));

  it('passes a valid AI', () => {
    expect(check({})).toEqual({});
  });

  it('names each out-of-range follow-up setting by its API path', () => {
    expect(
      Object.keys(
        check({
          dropoff_after_hours: String(MAX_DROPOFF_HOURS + 1),
          max_nudges: String(MAX_NUDGES + 1),
          quiet_end: '',
          timezone: 'Mars/Olympus',
        }),
      ).sort(),
    ).toEqual([
      'follow_up.dropoff_after_hours',
      'follow_up.max_nudges',
      'follow_up.quiet_hours.end',
      'follow_up.timezone',
    ]);
  });

  it('takes the largest drop-off, nudges and reply delay the API takes, and refuses one more', () => {
    const largest = {
      dropoff_after_hours: String(MAX_DROPOFF_HOURS),
      max_nudges: String(MAX_NUDGES),
      reply_delay_seconds: String(MAX_REPLY_DELAY_SECONDS),
    };
    expect(check(largest)).toEqual({});
    expect(check({ reply_delay_seconds: String(MAX_REPLY_DELAY_SECONDS + 1) })).toHaveProperty('reply_delay_seconds');
    expect(check({ dropoff_after_hours: '0' })).toHaveProperty(['follow_up.dropoff_after_hours']);
  });

  it('asks for a name and an http(s) answer URL', () => {
    expect(check({ name: '', answer_url: 'ftp://example.com' })).toEqual({
      name: 'is required',
      'webhooks.answer_url': 'must be an http(s) URL',
    });
  });
});
