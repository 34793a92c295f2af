/**
 * The AI form's follow-up and emergency fieldsets. Follow-ups either come from the strategy (or
 * the defaults) or are the AI's own; the fields of its own show only when chosen.
 */
import { useState } from 'preact/hooks';
import { EMERGENCY_TRIGGERS, type FollowUpMode, MAX_DROPOFF_HOURS, MAX_NUDGES } from '../ai-request.ts';
import type { Ai } from '../types.ts';
import { Field, Select } from './ui.tsx';

/** The triggers as a person reads them; the keys are the API's values. */
const TRIGGER_LABELS: Record<(typeof EMERGENCY_TRIGGERS)[number], string> = {
  human_requested: 'The prospect asks for a person',
  ungrounded: 'The AI cannot answer from its knowledge',
  complaint: 'A complaint',
  legal_threat: 'A legal threat',
  repeated_failure: 'Answers keep failing',
};

function Check({ name, label, checked, value }: { name: string; label: string; checked: boolean; value?: string }) {
  return (
    <label class="check">
      <input type="checkbox" name={name} value={value} defaultChecked={checked} />
      {label}
    </label>
  );
}

/** What the settings fall back to, and whose own they are, as the picker says it. */
const MODES = {
  ai: { inherit: "The strategy's (else a nudge after 24 hours)", own: "This AI's own" },
  strategy: { inherit: 'The defaults (a nudge after 24 hours)', own: "This strategy's own" },
} as const;

/** Follow-up settings, an AI's or a strategy's: `settings` are its own, if it has any. */
export function FollowUpFields({ settings, owner }: { settings: Ai['follow_up']; owner: keyof typeof MODES }) {
  const own = settings;
  const [mode, setMode] = useState<FollowUpMode>(own ? 'own' : 'inherit');
  return (
    <fieldset class="field">
      <legend>Follow-ups</legend>
      <Select
        label="Follow-up settings"
        name="follow_up_mode"
        path="follow_up"
        value={mode}
        onChange={(event) => setMode((event.currentTarget as HTMLSelectElement).value as FollowUpMode)}
        options={[
          { value: 'inherit', label: MODES[owner].inherit },
          { value: 'own', label: MODES[owner].own },
        ]}
      />
      {mode === 'own' && (
        <>
          <Check name="follow_up_enabled" label="Send follow-ups and nudges" checked={own?.enabled ?? true} />
          <Field
            label="Nudge after (hours of silence)"
            name="dropoff_after_hours"
            path="follow_up.dropoff_after_hours"
            type="number"
            step="any"
            min={0}
            max={MAX_DROPOFF_HOURS}
            hint={`Up to ${MAX_DROPOFF_HOURS} hours; 0.5 is half an hour.`}
            defaultValue={String(own?.dropoff_after_hours ?? 24)}
          />
          <Field
            label="Most nudges per silence"
            name="max_nudges"
            path="follow_up.max_nudges"
            type="number"
            min={0}
            max={MAX_NUDGES}
            hint={`0 to ${MAX_NUDGES}; 0 sends none.`}
            defaultValue={String(own?.max_nudges ?? 1)}
          />
          <Field
            label="Quiet hours from"
            name="quiet_start"
            path="follow_up.quiet_hours.start"
            type="time"
            hint="No nudge is sent between these times. Leave both empty for none."
            defaultValue={own?.quiet_hours?.start}
          />
          <Field
            label="Quiet hours until"
            name="quiet_end"
            path="follow_up.quiet_hours.end"
            type="time"
            defaultValue={own?.quiet_hours?.end}
          />
          <Field
            label="Time zone"
            name="timezone"
            path="follow_up.timezone"
            hint="Used when the contact has none, e.g. Europe/Paris."
            defaultValue={own?.timezone ?? 'UTC'}
          />
        </>
      )}
    </fieldset>
  );
}

export function EmergencyFields({ ai }: { ai: Ai | null }) {
  const emergency = ai?.emergency;
  const triggers: readonly string[] = emergency?.triggers ?? EMERGENCY_TRIGGERS;
  return (
    <fieldset class="field">
      <legend>Emergencies</legend>
      <Check
        name="emergency_enabled"
        label="Call a person through the emergency URL"
        checked={emergency?.enabled ?? true}
      />
      <fieldset class="field">
        <legend>Call a person on</legend>
        {EMERGENCY_TRIGGERS.map((trigger) => (
          <Check
            key={trigger}
            name="triggers"
            value={trigger}
            label={TRIGGER_LABELS[trigger]}
            checked={triggers.includes(trigger)}
          />
        ))}
      </fieldset>
      <Check
        name="pause_ai"
        label="Pause the AI when it calls a person (until resumed)"
        checked={emergency?.pause_ai ?? false}
      />
    </fieldset>
  );
}
