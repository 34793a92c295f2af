/**
 * The webhook body of the contract: flat, so a Zapier catch hook maps every field without code.
 */
import type { Citation, Conversation, WebhookEventType } from '#lib/domain/types';

export interface WebhookPayload {
  type: WebhookEventType;
  event_id: string;
  created_at: string;
  ai_id: string;
  conversation_id: string;
  message_id: string;
  reply: string;
  question: string;
  contact_name: string;
  contact_email: string;
  contact_phone: string;
  channel: string;
  metadata: Record<string, unknown>;
  /** The knowledge the reply drew on (empty when none, or when there is no reply). */
  citations: { document_id: string; title: string; snippet: string }[];
  /** conversation.escalated: the reason code (an emergency trigger). */
  reason?: string;
  /** conversation.escalated: one line a colleague can act on. */
  summary?: string;
  /** conversation.escalated: what the AI answered (or would have), for the colleague to reuse. */
  suggested_reply?: string;
  /** Conversations with a prospect id only (Maax-compatible clients read these keys): the reply again, under Maax's name. */
  message_content?: string;
  /** Conversations with a prospect id only: the prospect's latest message ('' when there is none). */
  incoming_message_id?: string;
  /** Conversations with a prospect id only: the client's own id for the prospect. */
  prospect_id?: string;
}

export function buildWebhookPayload(input: {
  type: WebhookEventType;
  eventId: string;
  createdAt: string;
  conversation: Conversation;
  messageId: string;
  reply: string;
  question: string;
  citations?: Citation[];
  reason?: string;
  summary?: string;
  suggestedReply?: string;
  /** The prospect's message this one answers or follows up (for Maax-compatible conversations). */
  inboundMessageId?: string;
}): WebhookPayload {
  const { conversation: c } = input;
  const name = [c.contact.firstName, c.contact.lastName].filter(Boolean).join(' ');
  return {
    type: input.type,
    event_id: input.eventId,
    created_at: input.createdAt,
    ai_id: c.aiId,
    conversation_id: c.id,
    message_id: input.messageId,
    reply: input.reply,
    question: input.question,
    contact_name: name,
    contact_email: c.contact.email ?? '',
    contact_phone: c.contact.phone ?? '',
    channel: c.channel ?? '',
    metadata: c.metadata,
    citations: (input.citations ?? []).map((cite) => ({
      document_id: cite.documentId,
      title: cite.title,
      snippet: cite.snippet,
    })),
    ...(input.reason ? { reason: input.reason } : {}),
    ...(input.summary ? { summary: input.summary } : {}),
    ...(input.suggestedReply ? { suggested_reply: input.suggestedReply } : {}),
    // A Zap written for Maax reads these keys; other conversations keep the contract's body alone.
    ...(c.prospectId !== undefined
      ? {
          message_content: input.reply,
          incoming_message_id: input.inboundMessageId ?? '',
          prospect_id: c.prospectId,
        }
      : {}),
  };
}
