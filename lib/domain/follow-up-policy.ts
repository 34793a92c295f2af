/**
 * When an AI writes to a prospect unprompted: a follow-up the prospect asked for ("call me
 * tomorrow at 3pm"), or a nudge after the prospect went quiet (a drop-off). Pure: the caller
 * passes the time in and schedules what comes out.
 */
import { EMERGENCY_TRIGGERS } from '#lib/domain/escalation';
import { isTimeZone } from '#lib/domain/time-zone';
import { deferPastQuietHours } from '#lib/domain/quiet-hours';
import type { Ai, EmergencySettings, FollowUpSettings, Strategy, TimerKind } from '#lib/domain/types';

export { deferPastQuietHours, isInQuietHours } from '#lib/domain/quiet-hours';
export { isStopRequest, OPT_OUT_PHRASES, STOP_KEYWORDS } from '#lib/domain/stop-request';

/** A requested follow-up further ahead than this is refused (a misread date, or no real intent). */
export const MAX_FOLLOW_UP_DAYS = 90;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Follow-up behaviour of an AI that sets none, on a strategy that sets none either. */
export const DEFAULT_FOLLOW_UP: FollowUpSettings = Object.freeze({
  enabled: true,
  dropoffAfterHours: 24,
  maxNudges: 1,
  timezone: 'UTC',
});

/** Emergency behaviour of an AI that sets none: every trigger escalates; the AI keeps answering. */
export const DEFAULT_EMERGENCY: EmergencySettings = Object.freeze({
  enabled: true,
  triggers: [...EMERGENCY_TRIGGERS],
  pauseAi: false,
});

/** The AI's follow-up settings, else its strategy's, else {@link DEFAULT_FOLLOW_UP}. */
export function resolveFollowUpSettings(
  ai: Pick<Ai, 'followUp'>,
  strategy?: Pick<Strategy, 'followUp'>,
): FollowUpSettings {
  return ai.followUp ?? strategy?.followUp ?? DEFAULT_FOLLOW_UP;
}

/** The AI's emergency settings, else a copy of {@link DEFAULT_EMERGENCY}. */
export function resolveEmergencySettings(ai: Pick<Ai, 'emergency'>): EmergencySettings {
  return ai.emergency ?? { ...DEFAULT_EMERGENCY, triggers: [...DEFAULT_EMERGENCY.triggers] };
}

/**
 * The zone a contact's quiet hours are read in: the contact's own when it is a known IANA zone,
 * else the settings' (else UTC, should the settings hold an unknown one).
 */
export function contactTimeZone(contactTz: string | undefined, settings: Pick<FollowUpSettings, 'timezone'>): string {
  if (contactTz && isTimeZone(contactTz)) return contactTz;
  return isTimeZone(settings.timezone) ? settings.timezone : 'UTC';
}

/**
 * When to nudge a prospect who has not written since `answeredAt`: `dropoffAfterHours` later,
 * moved past quiet hours in `timeZone`. Undefined when nudges are off (disabled, or `maxNudges` 0).
 */
export function dropoffAt(answeredAt: Date, settings: FollowUpSettings, timeZone: string): Date | undefined {
  const hours = settings.dropoffAfterHours;
  if (!settings.enabled || settings.maxNudges <= 0 || !Number.isFinite(hours) || hours < 0) return undefined;
  const due = new Date(answeredAt.getTime() + Math.round(hours * HOUR_MS));
  return deferPastQuietHours(due, settings.quietHours, timeZone);
}

/**
 * When to send the next nudge of the same silence, the previous one having gone out at `now`.
 * Undefined once `nudgesSent` (this silence's, the one just sent included) reaches `maxNudges`.
 */
export function nextNudge(input: {
  now: Date;
  settings: FollowUpSettings;
  timeZone: string;
  nudgesSent: number;
}): Date | undefined {
  if (input.nudgesSent >= input.settings.maxNudges) return undefined;
  return dropoffAt(input.now, input.settings, input.timeZone);
}

/**
 * When to send a follow-up the prospect asked for: at `requested` itself, quiet hours or not (they
 * chose the time). Undefined when follow-ups are off, or `requested` is not after `now`, or is more
 * than {@link MAX_FOLLOW_UP_DAYS} ahead.
 */
export function followUpAt(requested: Date, now: Date, settings: Pick<FollowUpSettings, 'enabled'>): Date | undefined {
  const ahead = requested.getTime() - now.getTime();
  if (!settings.enabled || !(ahead > 0) || ahead > MAX_FOLLOW_UP_DAYS * DAY_MS) return undefined;
  return requested;
}

/**
 * The scheduler's name for a conversation's timer of one kind: `{tenantId}.{kind}.{hash}`. The
 * conversation id is client-chosen (any characters, up to 200), so it is hashed; the tenant id
 * (which never contains '.') stays readable, so everything before the first '.' names the tenant.
 */
export function timerName(kind: TimerKind, tenantId: string, conversationId: string): string {
  return `${tenantId}.${kind}.${hashHex(conversationId)}`;
}

/** A 64-bit, non-cryptographic hash (cyrb53's two lanes), as 16 hex digits; stable across runtimes. */
function hashHex(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}
