/** Domain records → the contract's snake_case JSON. */
import { resolveEmergencySettings } from '#lib/domain/follow-up-policy';
import { presentEmergency, presentFollowUp } from '#functions/http/follow-up-schemas';
import type { KnowledgeBase, KnowledgeDocument, KnowledgeGap } from '#lib/domain/knowledge/types';
import type {
  Ai,
  Citation,
  Channel,
  Contact,
  Conversation,
  Goal,
  Message,
  OutputFormat,
  Product,
  Strategy,
} from '#lib/domain/types';

function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** An AI as clients see it: never with its webhook secret. */
export function presentAi(ai: Ai) {
  return compact({
    id: ai.id,
    type: ai.type,
    name: ai.name,
    instructions: ai.instructions,
    language: ai.language,
    webhooks: compact({
      answer_url: ai.webhooks.answerUrl,
      follow_up_url: ai.webhooks.followUpUrl,
      emergency_url: ai.webhooks.emergencyUrl,
    }),
    output_format: ai.outputFormat,
    reply_delay_seconds: ai.replyDelaySeconds,
    product_id: ai.productId,
    strategy_id: ai.strategyId,
    goal_id: ai.goalId,
    knowledge_base_ids: ai.knowledgeBaseIds ?? [],
    follow_up: ai.followUp ? presentFollowUp(ai.followUp) : undefined,
    emergency: presentEmergency(resolveEmergencySettings(ai)),
    webhook_health: ai.webhookHealth
      ? { failing_since: ai.webhookHealth.failingSince, last_failure_at: ai.webhookHealth.lastFailureAt }
      : undefined,
    created_at: ai.createdAt,
    updated_at: ai.updatedAt,
  });
}

export function presentProduct(product: Product) {
  return compact({
    id: product.id,
    name: product.name,
    description: product.description,
    price: product.price,
    knowledge_base_ids: product.knowledgeBaseIds ?? [],
    created_at: product.createdAt,
    updated_at: product.updatedAt,
  });
}

export function presentStrategy(strategy: Strategy) {
  return compact({
    id: strategy.id,
    name: strategy.name,
    instructions: strategy.instructions,
    tone: strategy.tone,
    follow_up: strategy.followUp ? presentFollowUp(strategy.followUp) : undefined,
    created_at: strategy.createdAt,
    updated_at: strategy.updatedAt,
  });
}

export function presentGoal(goal: Goal) {
  return {
    id: goal.id,
    name: goal.name,
    description: goal.description,
    goal_url: goal.goalUrl,
    created_at: goal.createdAt,
    updated_at: goal.updatedAt,
  };
}

export function presentContact(contact: Contact) {
  return compact({
    first_name: contact.firstName,
    last_name: contact.lastName,
    email: contact.email,
    phone: contact.phone,
    timezone: contact.timezone,
    handles: contact.handles,
  });
}

export function presentConversation(conversation: Conversation, messages: Message[]) {
  return compact({
    conversation_id: conversation.id,
    ai_id: conversation.aiId,
    status: conversation.status,
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

/**
 * Wire fields → domain fields: `names` maps each domain field to the wire field it comes from.
 * Fields absent (or undefined) on the wire are left out; null is kept, since in a PATCH it clears.
 */
export function fromWire<S extends object, const M extends Record<string, keyof S>>(
  wire: S,
  names: M,
): { [K in keyof M]: S[M[K]] } {
  return Object.fromEntries(
    Object.entries(names)
      .map(([field, wireField]) => [field, wire[wireField as keyof S]])
      .filter(([, value]) => value !== undefined),
  );
}

/** Wire contact (snake_case) → domain contact. */
export function toContact(wire: {
  first_name?: string;
  last_name?: string;
  email?: string;
  phone?: string;
  timezone?: string;
  handles?: Record<string, string>;
}): Contact {
  return compact({
    firstName: wire.first_name,
    lastName: wire.last_name,
    email: wire.email,
    phone: wire.phone,
    timezone: wire.timezone,
    handles: wire.handles,
  });
}

/** The optional message fields V1 and V2 share (contact, channel, output format), wire → domain. */
export function toMessageOptions(wire: {
  contact?: Parameters<typeof toContact>[0];
  channel?: Channel;
  output_format?: OutputFormat;
}): { contact?: Contact; channel?: Channel; outputFormat?: OutputFormat } {
  return compact({
    contact: wire.contact ? toContact(wire.contact) : undefined,
    channel: wire.channel,
    outputFormat: wire.output_format,
  });
}

/** The 202 body of a message that was stored and queued. */
export function presentAccepted(accepted: { messageId: string; conversationId: string; status: 'queued' }) {
  return { message_id: accepted.messageId, conversation_id: accepted.conversationId, status: accepted.status };
}

export function presentKnowledgeBase(base: KnowledgeBase) {
  return {
    id: base.id,
    name: base.name,
    document_count: Object.keys(base.uploads).length,
    created_at: base.createdAt,
    updated_at: base.updatedAt,
  };
}

export function presentDocument(document: KnowledgeDocument) {
  const { source } = document;
  return compact({
    document_id: document.id,
    knowledge_base_id: document.knowledgeBaseId,
    title: document.title,
    status: document.status,
    error: document.error,
    chunk_count: document.chunkCount,
    source: compact({
      kind: source.kind,
      content_type: source.kind === 'url' ? undefined : source.contentType,
      filename: source.kind === 'file' ? source.filename : undefined,
      url: source.kind === 'url' ? source.url : undefined,
    }),
    bytes: document.bytes,
    created_at: document.createdAt,
    updated_at: document.updatedAt,
  });
}

export function presentKnowledgeGap(gap: KnowledgeGap) {
  return {
    id: gap.id,
    reason: gap.reason,
    question: gap.question,
    ai_id: gap.aiId,
    conversation_id: gap.conversationId,
    message_id: gap.messageId,
    created_at: gap.createdAt,
  };
}

export function presentCitation(citation: Citation) {
  return { document_id: citation.documentId, title: citation.title, snippet: citation.snippet };
}
