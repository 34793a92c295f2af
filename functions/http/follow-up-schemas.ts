/**
 * Wire shapes of an AI's (or strategy's) follow-up behaviour and of its emergency triggers, and
 * their mapping to the domain's camelCase settings.
 */
import * as z from 'zod';
import { EMERGENCY_TRIGGERS } from '#lib/domain/escalation';
import { MAX_DROPOFF_HOURS, MAX_NUDGES } from '#lib/domain/limits/follow-ups';
import { isTimeZone } from '#lib/domain/time-zone';
import type { EmergencySettings, FollowUpSettings } from '#lib/domain/types';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM on a 24-hour clock, e.g. "21:00"');

export const followUpSchema = z
  .object({
    enabled: z.boolean().describe('Off: no follow-ups and no nudges.'),
    dropoff_after_hours: z
      .number()
      .positive()
      .max(MAX_DROPOFF_HOURS)
      .default(24)
      .describe('A prospect silent this long after an answer is nudged; fractions allowed (0.5 = 30 minutes).'),
    max_nudges: z.number().int().min(0).max(MAX_NUDGES).default(1).describe('Nudges per silence; 0 for none.'),
    quiet_hours: z
      .object({ start: clockTime, end: clockTime })
      .strict()
      .optional()
      .describe(
        "No nudge is sent between these times (in the contact's timezone, else `timezone`); may span midnight.",
      ),
    timezone: z
      .string()
      .max(64)
      .refine(isTimeZone, 'not an IANA time zone, e.g. "Europe/Paris"')
      .default('UTC')
      .describe('Used when the contact has no timezone.'),
  })
  .strict()
  .describe(
    "Follow-ups the prospect asks for, and nudges when they go quiet. Absent: the strategy's, else on with a nudge after 24 h.",
  );

export const emergencySchema = z
  .object({
    enabled: z.boolean(),
    triggers: z
      .array(z.enum(EMERGENCY_TRIGGERS))
      .optional()
      .describe(
        'What calls a person through emergency_url; all of them when absent. Whatever this list (or enabled) says, `model_unavailable` (the deployed model has no usable key: nothing was sent to the prospect) is always sent to emergency_url when one is set.',
      ),
    pause_ai: z.boolean().default(false).describe('Hand the conversation to a person when escalating, until resumed.'),
  })
  .strict()
  .describe('When the AI calls a person through the emergency webhook. Absent: on, for every trigger.');

export const followUpResponse = z.object({
  enabled: z.boolean(),
  dropoff_after_hours: z.number(),
  max_nudges: z.number().int(),
  quiet_hours: z.object({ start: z.string(), end: z.string() }).optional(),
  timezone: z.string(),
});

export const emergencyResponse = z.object({
  enabled: z.boolean(),
  triggers: z.array(z.string()),
  pause_ai: z.boolean(),
});

export function toFollowUpSettings(wire: z.output<typeof followUpSchema>): FollowUpSettings {
  return {
    enabled: wire.enabled,
    dropoffAfterHours: wire.dropoff_after_hours,
    maxNudges: wire.max_nudges,
    ...(wire.quiet_hours ? { quietHours: { ...wire.quiet_hours } } : {}),
    timezone: wire.timezone,
  };
}

export function toEmergencySettings(wire: z.output<typeof emergencySchema>): EmergencySettings {
  return { enabled: wire.enabled, triggers: wire.triggers ?? [...EMERGENCY_TRIGGERS], pauseAi: wire.pause_ai };
}
