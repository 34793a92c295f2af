/**
 * The AI form's values as the API's request body, and the checks the API makes on them, made
 * first in the browser so a mistake shows next to its field before anything is sent. The limits
 * are the API's own constants, imported, so the two cannot disagree.
 */
import { EMERGENCY_TRIGGERS } from '#lib/domain/escalation';
import { MAX_DROPOFF_HOURS, MAX_NUDGES } from '#lib/domain/limits/follow-ups';
import {
  MAX_INSTRUCTIONS_CHARS,
  MAX_NAME_CHARS,
  MAX_REPLY_DELAY_SECONDS,
  MAX_URL_CHARS,
} from '#lib/domain/limits/setup';
import { isTimeZone } from '#lib/domain/time-zone';
import { text } from './form-values.ts';
import type { AiRequest, EmergencyRequest, FollowUpRequest } from './types.ts';

/** The API's pattern for quiet-hour bounds (functions/http/follow-up-schemas.ts). */
const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export { EMERGENCY_TRIGGERS, MAX_DROPOFF_HOURS, MAX_NUDGES, MAX_REPLY_DELAY_SECONDS };

/** What the form's follow-up fieldset says: the strategy's settings (or the defaults), or the AI's own. */
export type FollowUpMode = 'inherit' | 'own';

/** A number field: empty is undefined, anything else its value (NaN when it is not a number). */
function numberField(form: FormData, name: string): number | undefined {
  const value = text(form, name);
  return value === undefined ? undefined : Number(value);
}

function ownFollowUp(form: FormData): FollowUpRequest {
  const start = text(form, 'quiet_start');
  const end = text(form, 'quiet_end');
  return {
    enabled: form.get('follow_up_enabled') === 'on',
    dropoff_after_hours: numberField(form, 'dropoff_after_hours'),
    max_nudges: numberField(form, 'max_nudges'),
    // One bound without the other is sent as typed: the checks below name the missing one.
    ...(start || end ? { quiet_hours: { start: start ?? '', end: end ?? '' } } : {}),
    timezone: text(form, 'timezone'),
  } as FollowUpRequest;
}

/**
 * The follow-up fieldset's settings: the form's own, else none (the strategy's settings, or the
 * defaults), which editing sends as null to clear them.
 */
export function toFollowUpRequest(form: FormData, editing: boolean): FollowUpRequest | null | undefined {
  if (form.get('follow_up_mode') === 'own') return ownFollowUp(form);
  return editing ? null : undefined;
}

function toEmergency(form: FormData): EmergencyRequest {
  return {
    enabled: form.get('emergency_enabled') === 'on',
    triggers: form.getAll('triggers').map(String) as EmergencyRequest['triggers'],
    pause_ai: form.get('pause_ai') === 'on',
  };
}

/**
 * The request body. Creating leaves empty optional fields out; editing sends null for them, which
 * the API reads as "clear it" (for follow-ups: back to the strategy's settings).
 */
export function toAiRequest(form: FormData, editing: boolean): AiRequest {
  const optional = (name: string) => text(form, name) ?? (editing ? null : undefined);
  return {
    type: form.get('type'),
    name: text(form, 'name') ?? '',
    instructions: optional('instructions'),
    language: optional('language'),
    webhooks: {
      answer_url: text(form, 'answer_url') ?? '',
      follow_up_url: optional('follow_up_url'),
      emergency_url: optional('emergency_url'),
    },
    output_format: form.get('output_format'),
    reply_delay_seconds: numberField(form, 'reply_delay_seconds') ?? 0,
    product_id: optional('product_id'),
    strategy_id: optional('strategy_id'),
    goal_id: optional('goal_id'),
    knowledge_base_ids: form.getAll('knowledge_base_ids').map(String),
    follow_up: toFollowUpRequest(form, editing),
    emergency: toEmergency(form),
  } as AiRequest;
}

const isWhole = (value: number) => Number.isInteger(value);

/** The API's checks on follow-up settings (an AI's or a strategy's), into `errors` by API path. */
export function checkFollowUp(followUp: FollowUpRequest, errors: Record<string, string>): void {
  const hours = followUp.dropoff_after_hours;
  if (hours !== undefined && !(hours > 0 && hours <= MAX_DROPOFF_HOURS))
    errors['follow_up.dropoff_after_hours'] = `must be more than 0 and at most ${MAX_DROPOFF_HOURS} hours`;
  const nudges = followUp.max_nudges;
  if (nudges !== undefined && !(isWhole(nudges) && nudges >= 0 && nudges <= MAX_NUDGES))
    errors['follow_up.max_nudges'] = `must be a whole number from 0 to ${MAX_NUDGES}`;
  const quiet = followUp.quiet_hours;
  if (quiet && !CLOCK_TIME.test(quiet.start)) errors['follow_up.quiet_hours.start'] = 'must be a time, e.g. 21:00';
  if (quiet && !CLOCK_TIME.test(quiet.end)) errors['follow_up.quiet_hours.end'] = 'must be a time, e.g. 08:00';
  if (followUp.timezone !== undefined && !isTimeZone(followUp.timezone))
    errors['follow_up.timezone'] = 'not an IANA time zone, e.g. "Europe/Paris"';
}

function checkUrl(url: string | null | undefined, path: string, errors: Record<string, string>): void {
  if (!url) return;
  if (url.length > MAX_URL_CHARS) errors[path] = `must be at most ${MAX_URL_CHARS} characters`;
  else if (!/^https?:\/\/[^/\s]+/i.test(url)) errors[path] = 'must be an http(s) URL';
}

/** The API's checks on an AI's fields that the browser can make; keyed by the API's field paths. */
export function checkAiRequest(body: AiRequest): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!body.name) errors.name = 'is required';
  else if (body.name.length > MAX_NAME_CHARS) errors.name = `must be at most ${MAX_NAME_CHARS} characters`;
  if (body.instructions && body.instructions.length > MAX_INSTRUCTIONS_CHARS)
    errors.instructions = `must be at most ${MAX_INSTRUCTIONS_CHARS} characters`;
  if (!body.webhooks.answer_url) errors['webhooks.answer_url'] = 'is required';
  checkUrl(body.webhooks.answer_url, 'webhooks.answer_url', errors);
  checkUrl(body.webhooks.follow_up_url, 'webhooks.follow_up_url', errors);
  checkUrl(body.webhooks.emergency_url, 'webhooks.emergency_url', errors);
  const delay = body.reply_delay_seconds ?? 0;
  if (!(isWhole(delay) && delay >= 0 && delay <= MAX_REPLY_DELAY_SECONDS))
    errors.reply_delay_seconds = `must be a whole number of seconds from 0 to ${MAX_REPLY_DELAY_SECONDS}`;
  if (body.follow_up) checkFollowUp(body.follow_up, errors);
  return errors;
}
