import { ConflictError, NotFoundError } from '#lib/domain/errors';
import type { Channel, Contact, Conversation, OutputFormat } from '#lib/domain/types';
import type { ConversationChanges } from '#lib/ports/conversations';
import { assertWebhookUrls } from '#lib/app/ais';
import { cancelTimers } from '#lib/app/conversation-timers';
import type { Deps } from '#lib/app/deps';

export interface IncomingMessage {
  tenantId: string;
  /** Reserved by the caller (see runIdempotent), so a retried request stores the same message. */
  messageId: string;
  aiId: string;
  conversationId: string;
  text: string;
  contact?: Contact;
  channel?: Channel;
  outputFormat?: OutputFormat;
  webhooks?: { answerUrl?: string; followUpUrl?: string };
  metadata?: Record<string, unknown>;
  /** The client's own id for the prospect (see Conversation.prospectId); the Maax-compatible API sets it. */
  prospectId?: string;
}

export interface AcceptedMessage {
  messageId: string;
  conversationId: string;
  status: 'queued';
}

/**
 * Takes a prospect's message: stores it (and its conversation) first, then queues the
 * conversation for an answer. A crash between the two leaves a queued message that the client's
 * retry or the recovery sweep sends on; every step is idempotent on the message id.
 */
export async function acceptMessage(
  deps: Pick<
    Deps,
    'ais' | 'conversations' | 'generationQueue' | 'clock' | 'webhookTargets' | 'allowHttpWebhooks' | 'timers'
  >,
  input: IncomingMessage,
): Promise<AcceptedMessage> {
  if (input.webhooks) assertWebhookUrls(input.webhooks, deps);
  // Two reads at once; nothing is written before the AI is known to exist.
  const [ai, existing] = await Promise.all([
    deps.ais.getAi(input.tenantId, input.aiId),
    deps.conversations.getConversation(input.tenantId, input.conversationId),
  ]);
  if (!ai) {
    throw new NotFoundError(`no AI with id ${input.aiId}`, {
      details: [{ path: 'ai_id', message: 'no AI with this id' }],
    });
  }
  const now = deps.clock.now().toISOString();
  const { conversation, changes } = await recordConversation(deps, input, existing);
  await restartConversation(deps, conversation, changes, now);
  await deps.conversations.putMessage({
    tenantId: input.tenantId,
    conversationId: input.conversationId,
    id: input.messageId,
    direction: 'inbound',
    kind: 'prospect',
    text: input.text,
    status: 'queued',
    createdAt: now,
    ...(input.metadata ? { metadata: input.metadata } : {}),
  });
  await deps.generationQueue.enqueueGeneration({
    tenantId: input.tenantId,
    conversationId: input.conversationId,
    messageId: input.messageId,
  });
  return { messageId: input.messageId, conversationId: input.conversationId, status: 'queued' };
}

/**
 * The prospect wrote: the conversation's version moves on (so timers set before now do nothing)
 * and its pending timers are cancelled; nudges, counted from the messages since the prospect last
 * wrote, start again. A prospect writing after opting out reopens the conversation; one handed to
 * a person stays with the person. The contact's new details go in the same write.
 */
async function restartConversation(
  deps: Pick<Deps, 'conversations' | 'timers'>,
  conversation: Conversation,
  changes: ConversationChanges,
  now: string,
): Promise<void> {
  // At once: the new version already makes every earlier timer do nothing; cancelling them only
  // spares them firing.
  await Promise.all([
    cancelTimers(deps, conversation),
    deps.conversations.bumpConversation(conversation.tenantId, conversation.id, {
      ...changes,
      scheduled: [],
      ...(conversation.status === 'closed' ? { status: 'active' } : {}),
      updatedAt: now,
    }),
  ]);
}

/**
 * Creates the conversation unless it exists (`existing`, just read), and works out what of the
 * message's contact details and overrides is new (written with the version bump, in one UpdateItem).
 */
async function recordConversation(
  deps: Pick<Deps, 'conversations' | 'clock'>,
  input: IncomingMessage,
  existing: Conversation | undefined,
): Promise<{ conversation: Conversation; changes: ConversationChanges }> {
  const now = deps.clock.now().toISOString();
  const fresh: Conversation = {
    tenantId: input.tenantId,
    id: input.conversationId,
    aiId: input.aiId,
    status: 'active',
    contact: input.contact ?? {},
    metadata: input.metadata ?? {},
    createdAt: now,
    updatedAt: now,
    ...(input.channel ? { channel: input.channel } : {}),
    ...(input.outputFormat ? { outputFormat: input.outputFormat } : {}),
    ...(input.webhooks ? { webhooks: input.webhooks } : {}),
    ...(input.prospectId !== undefined ? { prospectId: input.prospectId } : {}),
  };
  const stored = existing ?? (await deps.conversations.ensureConversation(fresh));
  if (stored.aiId !== input.aiId) {
    throw new ConflictError(`conversation ${input.conversationId} belongs to another AI`, {
      details: [{ path: 'conversation_id', message: `already used with AI ${stored.aiId}` }],
    });
  }
  const desired: Partial<Conversation> = {
    contact: input.contact ? { ...stored.contact, ...input.contact } : undefined,
    channel: input.channel,
    outputFormat: input.outputFormat,
    webhooks: input.webhooks ? { ...stored.webhooks, ...input.webhooks } : undefined,
    metadata: input.metadata ? { ...stored.metadata, ...input.metadata } : undefined,
    prospectId: input.prospectId,
  };
  const changes: ConversationChanges = Object.fromEntries(
    Object.entries(desired).filter(
      ([field, value]) =>
        value !== undefined && JSON.stringify(value) !== JSON.stringify(stored[field as keyof Conversation]),
    ),
  );
  return { conversation: stored, changes };
}
