/**
 * When an answer calls a person in: the model's escalation (or a reply it could not ground) mapped
 * to the AI's emergency triggers. Pure; the generator sends what this decides.
 */
import type { ModelReply } from '#lib/domain/reply';
import type { Citation, EmergencySettings, EmergencyTrigger } from '#lib/domain/types';

export interface Escalation {
  /** The reason code sent as `reason` in `conversation.escalated`. */
  reason: EmergencyTrigger;
  /** One line a colleague can act on. */
  summary: string;
}

const FROM_MODEL: Record<ModelReply['escalation'], EmergencyTrigger | undefined> = {
  none: undefined,
  human_requested: 'human_requested',
  urgent: 'human_requested',
  complaint: 'complaint',
  legal_threat: 'legal_threat',
  unanswerable: 'ungrounded',
};

const DEFAULT_SUMMARIES: Record<EmergencyTrigger, string> = {
  human_requested: 'The prospect asked for a person.',
  complaint: 'The prospect is complaining.',
  legal_threat: 'The prospect mentions legal action.',
  ungrounded: 'The AI could not answer from what it knows.',
  repeated_failure: 'Parley could not answer this conversation.',
};

/**
 * The escalation an answer calls for under `settings`, or undefined. A reply the model marked as
 * needing a person without saying why counts as a request for one; a low-confidence reply that
 * cites no knowledge counts as ungrounded.
 */
export function escalationOf(
  reply: {
    needsHuman?: boolean;
    escalation?: ModelReply['escalation'];
    confidence?: ModelReply['confidence'];
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

/** An escalation for `reason` if the AI's settings call a person for it. */
export function escalationFor(
  reason: EmergencyTrigger,
  settings: EmergencySettings,
  summary?: string,
): Escalation | undefined {
  if (!settings.enabled || !settings.triggers.includes(reason)) return undefined;
  const line = summary?.replace(/\s+/g, ' ').trim();
  return { reason, summary: line || DEFAULT_SUMMARIES[reason] };
}
