/** Follow-up and emergency settings → the contract's snake_case JSON. */
import type { z } from 'zod';
import type { EmergencySettings, FollowUpSettings } from '#lib/domain/types';
import type { emergencyResponse, followUpResponse } from '#functions/http/follow-up-schemas';

export function presentFollowUp(settings: FollowUpSettings): z.output<typeof followUpResponse> {
  return {
    enabled: settings.enabled,
    dropoff_after_hours: settings.dropoffAfterHours,
    max_nudges: settings.maxNudges,
    ...(settings.quietHours ? { quiet_hours: { ...settings.quietHours } } : {}),
    timezone: settings.timezone,
  };
}

export function presentEmergency(settings: EmergencySettings): z.output<typeof emergencyResponse> {
  return { enabled: settings.enabled, triggers: [...settings.triggers], pause_ai: settings.pauseAi };
}
