/** Conversations, their messages, contacts and citations → the contract's snake_case JSON. */
import type { z } from 'zod';
import type { Citation, Contact, Conversation, Message } from '#lib/domain/types';
import type { citationResponse, contactSchema, conversationResponse } from '#functions/http/conversation-schemas';
import { compact } from '#functions/http/presenters/compact';

export function presentContact(contact: Contact): z.output<typeof contactSchema> {
  return compact({
    first_name: contact.firstName,
    last_name: contact.lastName,
    email: contact.email,
    phone: contact.phone,
    timezone: contact.timezone,
    handles: contact.handles,
  });
}

export function presentCitation(citation: Citation): z.output<typeof citationResponse> {
  return { document_id: citation.documentId, title: citation.title, snippet: citation.snippet };
}

/** A conversation with all its messages, oldest first (as getConversation returns them). */
export function presentConversation({
  conversation,
  messages,
}: {
  conversation: Conversation;
  messages: Message[];
}): z.output<typeof conversationResponse> {
  return compact({
    conversation_id: conversation.id,
    ai_id: conversation.aiId,
    status: conversation.status,
    needs_human: conversation.needsHuman === true,
    contact: presentContact(conversation.contact),
    channel: conversation.channel,
    messages: messages.map((m) =>
      compact({
        message_id: m.id,
        direction: m.direction,
        kind: m.kind,
        text: m.text,
        created_at: m.createdAt,
        status: m.status,
        confidence: m.confidence,
        citations: m.citations?.map(presentCitation),
      }),
    ),
    scheduled: (conversation.scheduled ?? []).map(({ kind, at }) => ({ kind, at })),
    created_at: conversation.createdAt,
    updated_at: conversation.updatedAt,
  });
}
