/**
 * When an answer calls a person in: the model's escalation (or a reply it could not ground) mapped
 * to the AI's emergency triggers. Pure; the generator sends what this decides.
 */
import type { ConfidenceLevel } from '#lib/domain/confidence';
import type {
  Citation,
  EmergencySettings,
  EmergencyTrigger,
  EscalationReason,
  ModelEscalation,
  OperatorFault,
} from '#lib/domain/types';

/**
 * Why the model would call a person in, as its structured reply says (`none` when it would not).
 * `unanswerable` maps to the `ungrounded` trigger and `urgent` to `human_requested`.
 */
export const MODEL_ESCALATIONS = [
  'none',
  'human_requested',
  'complaint',
  'legal_threat',
  'unanswerable',
  'urgent',
] as const;

/** What makes an AI call a person through the emergency webhook; an AI lists the ones it wants. */
export const EMERGENCY_TRIGGERS = [
  'human_requested',
  'ungrounded',
  'complaint',
  'legal_threat',
  'repeated_failure',
] as const;

/** Faults only an operator can fix: they escalate whatever the AI's emergency settings say. */
export const OPERATOR_FAULTS = ['model_unavailable'] as const;

export interface Escalation {
  /** The reason code sent as `reason` in `conversation.escalated`. */
  reason: EscalationReason;
  /** One line a colleague can act on. */
  summary: string;
}

const FROM_MODEL: Record<ModelEscalation, EmergencyTrigger | undefined> = {
  none: undefined,
  human_requested: 'human_requested',
  urgent: 'human_requested',
  complaint: 'complaint',
  legal_threat: 'legal_threat',
  unanswerable: 'ungrounded',
};

const DEFAULT_SUMMARIES: Record<EscalationReason, string> = {
  human_requested: 'The prospect asked for a person.',
  complaint: 'The prospect is complaining.',
  legal_threat: 'The prospect mentions legal action.',
  ungrounded: 'The AI could not answer from what it knows.',
  repeated_failure: 'Parley could not answer this conversation.',
  model_unavailable: 'The chat model is unavailable (its credentials are missing or refused).',
};

/**
 * The escalation an answer calls for under `settings`, or undefined. A reply the model marked as
 * needing a person without saying why counts as a request for one; a low-confidence reply that
 * cites no knowledge counts as ungrounded.
 */
export function escalationOf(
  reply: {
    needsHuman?: boolean;
    escalation?: ModelEscalation;
    confidence?: ConfidenceLevel;
    citations?: Citation[];
    reason?: string;
  },
  settings: EmergencySettings,
): Escalation | undefined {
  const fromModel = FROM_MODEL[reply.escalation ?? 'none'];
  const ungrounded = reply.confidence === 'low' && (reply.citations ?? []).length === 0;
  const reason = fromModel ?? (reply.needsHuman ? 'human_requested' : ungrounded ? 'ungrounded' : undefined);
  return reason ? escalationFor(reason, settings, reply.reason) : undefined;
}

/**
 * An escalation for `reason` if the AI's settings call a person for it. An operator fault always
 * escalates, even when the AI lists no trigger or turned emergencies off: the prospect gets no
 * answer, and the business would otherwise never hear why.
 */
export function escalationFor(
  reason: EscalationReason,
  settings: EmergencySettings,
  summary?: string,
): Escalation | undefined {
  if (!isOperatorFault(reason) && (!settings.enabled || !settings.triggers.includes(reason))) return undefined;
  const line = summary?.replace(/\s+/g, ' ').trim();
  return { reason, summary: line || DEFAULT_SUMMARIES[reason] };
}

function isOperatorFault(reason: EscalationReason): reason is OperatorFault {
  return (OPERATOR_FAULTS as readonly string[]).includes(reason);
}
