import { NotFoundError, ValidationError } from '#lib/domain/errors';
import { MAX_PAGE_SIZE } from '#lib/domain/limits/http';
import type { ConfidenceLevel } from '#lib/domain/confidence';
import type { AiType, InboundStatus } from '#lib/domain/types';
import { type AcceptedMessage, acceptMessage, type IncomingMessage } from '#lib/app/accept-message';
import { deriveId } from '#lib/app/create-delivery';
import { findLiveConversation, noConversation } from '#lib/app/conversations';
import type { Deps } from '#lib/app/deps';

/** A V1 question: a V2 message whose AI and conversation may be left for Parley to pick. */
export type Question = Omit<IncomingMessage, 'aiId' | 'conversationId' | 'webhooks' | 'metadata'> & {
  aiId?: string;
  conversationId?: string;
};

/** Where answering an inbound message stands, as a V1 client polls it. */
export interface MessageStatus {
  messageId: string;
  conversationId: string;
  status: InboundStatus;
  /** Set once the message is answered. */
  answer?: string;
  answeredAt?: string;
  /** Set with the answer: whether the reply asked for a person to look at the conversation. */
  needsHuman?: boolean;
  /** Set with the answer: how well grounded the model judged it (absent for replies stored before this was kept). */
  confidence?: ConfidenceLevel;
}

/**
 * The AI that answers a V1 question: the one named, else the account's only support AI. Sales AIs
 * never answer a question that names no AI.
 *
 * @throws ValidationError (naming `ai_id`) when none is named and the account has no or several support AIs
 */
export function resolveSupportAi(deps: Pick<Deps, 'ais'>, tenantId: string, aiId: string | undefined): Promise<string> {
  return resolveAiOfType(deps, tenantId, aiId, 'support');
}

/**
 * The AI named, else the account's only AI of `type`. An account has few AIs, so they are all listed.
 *
 * @throws ValidationError (naming `ai_id`) when none is named and the account has no or several AIs of the type
 */
export async function resolveAiOfType(
  deps: Pick<Deps, 'ais'>,
  tenantId: string,
  aiId: string | undefined,
  type: AiType,
): Promise<string> {
  if (aiId !== undefined) return aiId;
  const aiIds: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.ais.listAis(tenantId, { limit: MAX_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    aiIds.push(...page.items.filter((ai) => ai.type === type).map((ai) => ai.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const [only, ...others] = aiIds;
  if (only !== undefined && others.length === 0) return only;
  const message = `ai_id is required: this account has ${aiIds.length} ${type} AIs`;
  throw new ValidationError(message, { details: [{ path: 'ai_id', message }] });
}

/**
 * Takes a V1 question: picks its AI (see resolveSupportAi) and, when the client names no
 * conversation, starts one, then stores and queues it like a V2 message. A new conversation's id
 * is derived from the message id, which the Idempotency-Key reserves, so a retried request lands in
 * the same conversation rather than in a second one.
 */
export async function askQuestion(
  deps: Pick<
    Deps,
    'ais' | 'generationQueue' | 'clock' | 'webhookTargets' | 'allowHttpWebhooks' | 'timers' | 'conversations'
  >,
  question: Question,
): Promise<AcceptedMessage> {
  const aiId = await resolveSupportAi(deps, question.tenantId, question.aiId);
  const conversationId = question.conversationId ?? deriveId('conv', question.messageId);
  return acceptMessage(deps, { ...question, aiId, conversationId });
}

/**
 * The status of an inbound message, with its answer once there is one. Only inbound messages
 * have a status, so an outbound message id is not found either.
 *
 * A reply that asked for a person (needs_human) was still sent to the prospect: the message is
 * `answered`, and `needsHuman` says a person should look at the conversation.
 *
 * @throws NotFoundError (naming `conversation_id` or `message_id`)
 */
export async function getMessageStatus(
  deps: Pick<Deps, 'conversations' | 'tenants' | 'clock'>,
  tenantId: string,
  conversationId: string,
  messageId: string,
): Promise<MessageStatus> {
  const [message, live] = await Promise.all([
    deps.conversations.getMessage(tenantId, conversationId, messageId),
    findLiveConversation(deps, tenantId, conversationId),
  ]);
  if (!live) throw noConversation(conversationId);
  if (message?.direction !== 'inbound' || !message.status) {
    throw new NotFoundError(`no inbound message with id ${messageId} in conversation ${conversationId}`, {
      details: [{ path: 'message_id', message: 'no inbound message with this id in this conversation' }],
    });
  }
  const status: MessageStatus = { messageId, conversationId, status: message.status };
  if (message.answer === undefined) return status;
  const reply = message.replyId
    ? await deps.conversations.getMessage(tenantId, conversationId, message.replyId)
    : undefined;
  return {
    ...status,
    answer: message.answer,
    ...(message.answeredAt ? { answeredAt: message.answeredAt } : {}),
    needsHuman: reply?.needsHuman === true,
    ...(reply?.confidence ? { confidence: reply.confidence } : {}),
  };
}
