/**
 * What happens once a reply is stored: its webhook, the emergency webhook when the AI's triggers
 * call a person in, the domain events, knowledge gaps, the conversation's timers (a requested
 * follow-up, the drop-off nudge), handing off or closing the conversation, and marking the
 * messages answered. Every step is idempotent on ids derived from the reply, so a retry repeats
 * none of them twice.
 */
import { type Escalation, escalationFor, escalationOf } from '#lib/domain/escalation';
import {
  contactTimeZone,
  dropoffAt,
  followUpAt,
  isStopRequest,
  resolveEmergencySettings,
} from '#lib/domain/follow-up-policy';
import type { Ai, Conversation, Message } from '#lib/domain/types';
import { buildWebhookPayload } from '#lib/domain/webhook-payload';
import type { DomainEvent } from '#lib/ports/events';
import { armTimer, cancelTimers, followUpSettingsOf } from '#lib/app/conversation-timers';
import { createDelivery, deriveId } from '#lib/app/create-delivery';
import type { Deps } from '#lib/app/deps';
import { recordKnowledgeGap } from '#lib/app/knowledge/knowledge-gaps';
import { flagForPerson } from '#lib/app/needs-human';

type FinishDeps = Pick<
  Deps,
  'setup' | 'knowledge' | 'deliveries' | 'conversations' | 'deliveryQueue' | 'events' | 'clock' | 'timers' | 'logger'
>;

/**
 * Sets or clears the timers (and hands off or closes the conversation), queues the reply's webhook
 * (and the emergency one), publishes the domain events, then marks the messages answered. The
 * conversation's state is written before its webhook is queued, so a receiver that reads the
 * conversation on the webhook sees the follow-up it asked for; the events go out before the
 * messages are marked so that a crash in between publishes them again on the retry rather than never.
 */
export async function finishReply(
  deps: FinishDeps,
  input: { ai: Ai; conversation: Conversation; reply: Message; unanswered: Message[] },
): Promise<void> {
  const { ai, conversation: c, reply } = input;
  const covered = input.unanswered.filter((m) => reply.inReplyTo?.includes(m.id));
  const question = covered.map((m) => m.text).join('\n\n');
  const common = {
    createdAt: reply.createdAt,
    conversation: c,
    messageId: reply.id,
    reply: reply.text,
    question,
    citations: reply.citations ?? [],
    ...(covered.length ? { inboundMessageId: covered.at(-1)?.id } : {}),
  };
  const escalation = escalationOf(reply, resolveEmergencySettings(ai));
  const emergencyUrl = escalation ? ai.webhooks.emergencyUrl : undefined;
  if (escalation || reply.needsHuman) await flagForPerson(deps, c);
  await settleTimers(deps, {
    ai,
    conversation: c,
    reply,
    closes: covered.some((m) => isStopRequest(m.text)),
    escalation,
  });
  await createDelivery(deps, {
    tenantId: c.tenantId,
    deliveryId: deriveId('dlv', reply.id),
    url: c.webhooks?.answerUrl ?? ai.webhooks.answerUrl,
    payload: buildWebhookPayload({ ...common, type: 'message.answered', eventId: deriveId('evt', reply.id) }),
    delaySeconds: ai.replyDelaySeconds,
  });
  if (escalation && emergencyUrl) {
    await createDelivery(deps, {
      tenantId: c.tenantId,
      deliveryId: deriveId('dlv', reply.id, 'esc'),
      url: emergencyUrl,
      payload: buildWebhookPayload({
        ...common,
        type: 'conversation.escalated',
        eventId: deriveId('evt', reply.id, 'esc'),
        reason: escalation.reason,
        summary: escalation.summary,
        suggestedReply: reply.text,
      }),
      delaySeconds: 0,
    });
  }
  await deps.events.publish(replyEvents({ ...input, covered, escalation, emergencyNotified: !!emergencyUrl }));
  // An abstention (the model said the knowledge does not cover the question) is ungrounded, as is
  // a low-confidence reply that cites nothing.
  const abstained = reply.escalation === 'unanswerable';
  const ungrounded = abstained || (reply.confidence === 'low' && !reply.citations?.length);
  // The gap says why: a reply the knowledge could not ground is `ungrounded` even when it escalated for it.
  const calledPerson = (reply.needsHuman && !abstained) || (escalation && escalation.reason !== 'ungrounded');
  const gap = calledPerson ? 'escalated' : ungrounded ? 'ungrounded' : undefined;
  if (gap) await recordKnowledgeGap(deps, { ai, conversation: c, message: reply, question, reason: gap });
  const at = deps.clock.now().toISOString();
  for (const m of covered) {
    await deps.conversations.settleMessage(c.tenantId, c.id, m.id, {
      status: 'answered',
      replyId: reply.id,
      answer: reply.text,
      at,
    });
  }
}

/**
 * After an answer: an opt-out closes the conversation; an escalation under `pauseAi` hands it to a
 * person; both cancel the timers. Otherwise the follow-up the prospect asked for and the drop-off
 * nudge are armed with the conversation's version, so that a later message makes them no-ops.
 */
async function settleTimers(
  deps: FinishDeps,
  input: { ai: Ai; conversation: Conversation; reply: Message; closes: boolean; escalation: Escalation | undefined },
): Promise<void> {
  const { ai, conversation: c, reply } = input;
  const emergency = resolveEmergencySettings(ai);
  const status = input.closes ? 'closed' : input.escalation && emergency.pauseAi ? 'handed_off' : undefined;
  if (status) {
    if (c.status === status) return;
    await cancelTimers(deps, c);
    await deps.conversations.bumpConversation(c.tenantId, c.id, { status, scheduled: [], updatedAt: reply.createdAt });
    return;
  }
  if (c.status !== 'active') return;
  const settings = await followUpSettingsOf(deps, ai);
  const timeZone = contactTimeZone(c.contact.timezone, settings);
  const answeredAt = new Date(reply.createdAt);
  const requested = reply.followUpAt ? followUpAt(new Date(reply.followUpAt), answeredAt, settings) : undefined;
  if (requested) await armTimer(deps, c, { kind: 'follow_up', at: requested });
  const nudge = dropoffAt(answeredAt, settings, timeZone);
  // A nudge before the follow-up the prospect asked for would talk over it.
  if (nudge && !(requested && nudge < requested)) await armTimer(deps, c, { kind: 'dropoff', at: nudge });
}

/**
 * The domain events of a finished reply, carrying the ids of the webhooks that announce it so that
 * consumers can correlate the two. Ids only: the reply, the question and the model's reason (free
 * text that may quote the prospect) stay out of the event bus.
 */
function replyEvents(input: {
  ai: Ai;
  conversation: Conversation;
  reply: Message;
  covered: Message[];
  escalation: Escalation | undefined;
  emergencyNotified: boolean;
}): DomainEvent[] {
  const { ai, conversation: c, reply } = input;
  const common = { tenantId: c.tenantId, occurredAt: reply.createdAt };
  const detail = {
    ai_id: ai.id,
    conversation_id: c.id,
    message_id: reply.id,
    in_reply_to: input.covered.map((m) => m.id),
  };
  const answered = { event_id: deriveId('evt', reply.id), delivery_id: deriveId('dlv', reply.id) };
  const events: DomainEvent[] = [
    { ...common, type: 'message.answered', id: answered.event_id, detail: { ...detail, ...answered } },
  ];
  if (input.escalation) {
    const escalated = { event_id: deriveId('evt', reply.id, 'esc'), delivery_id: deriveId('dlv', reply.id, 'esc') };
    events.push({
      ...common,
      type: 'conversation.escalated',
      id: escalated.event_id,
      // Without an emergency URL there is no webhook to point at; the event alone tells of the escalation.
      detail: { ...detail, reason: input.escalation.reason, ...(input.emergencyNotified ? escalated : {}) },
    });
  }
  return events;
}

/**
 * When no reply can be sent (the model's output stayed malformed, every attempt failed, or the
 * model is unavailable): the prospect gets nothing, the emergency webhook (under the
 * `repeated_failure` trigger; `model_unavailable` whatever the triggers say) and the event bus
 * hear of it, and the messages are marked. Ids derive from the claimed reply id, so a retry sends
 * no second notification. A model fault records no knowledge gap: the knowledge was not at fault.
 */
export async function escalateWithoutReply(
  deps: FinishDeps,
  input: {
    ai: Ai;
    conversation: Conversation;
    unanswered: Message[];
    replyId: string;
    status: 'escalated' | 'failed';
    reason: 'repeated_failure' | 'model_unavailable';
    summary: string;
  },
): Promise<void> {
  const { ai, conversation: c } = input;
  const escalation = escalationFor(input.reason, resolveEmergencySettings(ai), input.summary);
  const lastMessage = input.unanswered.at(-1);
  const question = input.unanswered.map((m) => m.text).join('\n\n');
  // Nothing was sent to the prospect: whatever the triggers say, a person has to pick it up.
  await flagForPerson(deps, c);
  if (escalation && lastMessage) {
    await notifyEscalation(deps, {
      ai,
      conversation: c,
      escalation,
      causeId: input.replyId,
      messageId: lastMessage.id,
      inboundMessageId: lastMessage.id,
      question,
      detail: { message_ids: input.unanswered.map((m) => m.id) },
    });
  }
  if (lastMessage && input.reason !== 'model_unavailable') {
    await recordKnowledgeGap(deps, { ai, conversation: c, message: lastMessage, question, reason: 'escalated' });
  }
  await settleAll(deps, c, input.unanswered, input.status);
}

/**
 * Tells of an escalation that has no reply to go with: a `conversation.escalated` webhook to the
 * AI's emergency URL (if it has one) and the domain event. Both ids derive from `causeId` (the
 * claimed reply, or the message a timer would have sent), so doing it again sends nothing new.
 */
export async function notifyEscalation(
  deps: Pick<Deps, 'deliveryQueue' | 'events' | 'clock' | 'deliveries'>,
  input: {
    ai: Ai;
    conversation: Conversation;
    escalation: Escalation;
    causeId: string;
    /** The message the webhook is about (`message_id`). */
    messageId: string;
    inboundMessageId?: string;
    question: string;
    /** More ids for the event's detail. */
    detail: Record<string, unknown>;
  },
): Promise<void> {
  const { ai, conversation: c, escalation } = input;
  const eventId = deriveId('evt', input.causeId, 'esc');
  const deliveryId = deriveId('dlv', input.causeId, 'esc');
  const createdAt = deps.clock.now().toISOString();
  const emergencyUrl = ai.webhooks.emergencyUrl;
  if (emergencyUrl) {
    await createDelivery(deps, {
      tenantId: c.tenantId,
      deliveryId,
      url: emergencyUrl,
      payload: buildWebhookPayload({
        type: 'conversation.escalated',
        eventId,
        createdAt,
        conversation: c,
        messageId: input.messageId,
        reply: '',
        question: input.question,
        ...(input.inboundMessageId ? { inboundMessageId: input.inboundMessageId } : {}),
        reason: escalation.reason,
        summary: escalation.summary,
      }),
      delaySeconds: 0,
    });
  }
  await deps.events.publish([
    {
      type: 'conversation.escalated',
      id: eventId,
      tenantId: c.tenantId,
      occurredAt: createdAt,
      detail: {
        ai_id: ai.id,
        conversation_id: c.id,
        ...input.detail,
        reason: escalation.reason,
        ...(emergencyUrl ? { event_id: eventId, delivery_id: deliveryId } : {}),
      },
    },
  ]);
}

export async function settleAll(
  deps: Pick<Deps, 'conversations' | 'clock'>,
  c: Conversation,
  messages: Message[],
  status: 'failed' | 'escalated',
): Promise<void> {
  const at = deps.clock.now().toISOString();
  for (const m of messages) await deps.conversations.settleMessage(c.tenantId, c.id, m.id, { status, at });
}
