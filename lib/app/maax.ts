/**
 * The Maax-compatible API's use cases: thin wrappers over the same message pipeline (acceptMessage,
 * getMessageStatus, getConversation) that add what Maax clients expect: AIs picked by service
 * type, prospect ids, and messages found by their id alone.
 */
import { NotFoundError } from '#lib/domain/errors';
import type { AiType, Contact, Message } from '#lib/domain/types';
import { type AcceptedMessage, acceptMessage, type IncomingMessage } from '#lib/app/accept-message';
import { getConversation } from '#lib/app/conversations';
import { deriveId } from '#lib/app/create-delivery';
import type { Deps } from '#lib/app/deps';
import { getMessageStatus, resolveAiOfType } from '#lib/app/v1-conversations';

export type MaaxServiceType = 'customer_support_automation' | 'sales_automation';

const AI_TYPES: Readonly<Record<MaaxServiceType, AiType>> = {
  customer_support_automation: 'support',
  sales_automation: 'sales',
};

type AcceptDeps = Pick<
  Deps,
  | 'ais'
  | 'conversations'
  | 'maaxMessages'
  | 'generationQueue'
  | 'clock'
  | 'webhookTargets'
  | 'allowHttpWebhooks'
  | 'timers'
>;

/** A Maax message: a V2 message whose AI, conversation and prospect may be left for Parley to pick. */
export type MaaxMessage = Omit<IncomingMessage, 'aiId' | 'conversationId' | 'prospectId'> & {
  serviceType: MaaxServiceType;
  aiId?: string;
  conversationId?: string;
  prospectId?: string;
};

export interface MaaxAcceptedMessage extends AcceptedMessage {
  prospectId: string;
}

/**
 * Takes a Maax message: picks its AI (the one named, else the account's only AI of the service
 * type), its conversation (derived from the message id when none is named, so a retried request
 * lands in the same one) and its prospect id (given, else the conversation's, else derived), then
 * stores and queues it like any message, and indexes it so that it can be polled by id alone.
 *
 * @throws ValidationError (naming `ai_id`) when no AI is named and none or several fit
 * @throws NotFoundError (naming `ai_id`) when the AI named does not exist
 */
export async function acceptMaaxMessage(deps: AcceptDeps, input: MaaxMessage): Promise<MaaxAcceptedMessage> {
  const { serviceType, prospectId: givenProspectId, ...message } = input;
  const aiId = await resolveAiOfType(deps, input.tenantId, input.aiId, AI_TYPES[serviceType]);
  const conversationId = input.conversationId ?? deriveId('conv', input.messageId);
  const prospectId =
    givenProspectId ??
    (await deps.conversations.getConversation(input.tenantId, conversationId))?.prospectId ??
    deriveId('prs', input.messageId);
  const accepted = await acceptMessage(deps, { ...message, aiId, conversationId, prospectId });
  // After the message, so a refused request indexes nothing; a crash in between is healed by the retry.
  await deps.maaxMessages.putMaaxMessageRef({
    tenantId: input.tenantId,
    messageId: input.messageId,
    conversationId,
    prospectId,
  });
  return { ...accepted, prospectId };
}

/**
 * Starts an empty conversation for a prospect (its id given, else derived from the conversation's).
 *
 * @throws NotFoundError (naming `ai_id`) when the AI named does not exist
 */
export async function createMaaxConversation(
  deps: Pick<Deps, 'ais' | 'conversations' | 'clock'>,
  input: {
    tenantId: string;
    conversationId: string;
    serviceType: MaaxServiceType;
    aiId?: string;
    prospectId?: string;
    contact?: Contact;
  },
): Promise<{ conversationId: string; prospectId: string }> {
  const aiId = await resolveAiOfType(deps, input.tenantId, input.aiId, AI_TYPES[input.serviceType]);
  if (!(await deps.ais.getAi(input.tenantId, aiId))) {
    throw new NotFoundError(`no AI with id ${aiId}`, { details: [{ path: 'ai_id', message: 'no AI with this id' }] });
  }
  const now = deps.clock.now().toISOString();
  const stored = await deps.conversations.ensureConversation({
    tenantId: input.tenantId,
    id: input.conversationId,
    aiId,
    status: 'active',
    contact: input.contact ?? {},
    metadata: {},
    prospectId: input.prospectId ?? deriveId('prs', input.conversationId),
    createdAt: now,
    updatedAt: now,
  });
  return { conversationId: stored.id, prospectId: stored.prospectId ?? '' };
}

export interface MaaxAnswer {
  status: 'pending' | 'completed' | 'escalated' | 'failed';
  answer: string | null;
  needsHuman: boolean;
  messageId: string;
  conversationId: string;
  prospectId: string;
}

const MAAX_STATUS = {
  queued: 'pending',
  answering: 'pending',
  answered: 'completed',
  escalated: 'escalated',
  failed: 'failed',
} as const;

/**
 * A Maax message's status and answer, found by its id alone through the index acceptMaaxMessage
 * keeps. An answered message is `completed` even when the AI asked for a person (`needsHuman`).
 *
 * @throws NotFoundError (naming `incoming_message_id`) when no Maax message has this id
 */
export async function getMaaxAnswer(
  deps: Pick<Deps, 'maaxMessages' | 'conversations' | 'tenants' | 'clock'>,
  tenantId: string,
  messageId: string,
): Promise<MaaxAnswer> {
  const ref = await deps.maaxMessages.getMaaxMessageRef(tenantId, messageId);
  if (!ref) {
    throw new NotFoundError(`no message with id ${messageId}`, {
      details: [{ path: 'incoming_message_id', message: 'no message with this id' }],
    });
  }
  const status = await getMessageStatus(deps, tenantId, ref.conversationId, messageId);
  return {
    status: MAAX_STATUS[status.status],
    answer: status.answer ?? null,
    needsHuman: status.needsHuman === true,
    messageId,
    conversationId: ref.conversationId,
    prospectId: ref.prospectId,
  };
}

export interface MaaxHistory {
  conversationId: string;
  /** Null for a conversation not started through the Maax-compatible API. */
  prospectId: string | null;
  messages: Message[];
}

/** A conversation's messages, oldest first, with its Maax prospect id. */
export async function getMaaxHistory(
  deps: Pick<Deps, 'conversations' | 'tenants' | 'clock'>,
  tenantId: string,
  conversationId: string,
): Promise<MaaxHistory> {
  try {
    const { conversation, messages } = await getConversation(deps, tenantId, conversationId);
    return { conversationId, prospectId: conversation.prospectId ?? null, messages };
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new NotFoundError(error.message, {
      details: [{ path: 'conversation_id', message: 'no conversation with this id' }],
    });
  }
}
