import { NotFoundError } from '#lib/domain/errors';
import { hasExpired } from '#lib/domain/retention';
import type { Conversation, Message } from '#lib/domain/types';
import type { Deps } from '#lib/app/deps';

type ReadDeps = Pick<Deps, 'conversations' | 'tenants' | 'clock'>;

/**
 * The conversation unless it is missing, erased or expired under the account's current retention
 * setting: an expired one reads as gone at once, before the expiry job has erased it.
 */
export async function findLiveConversation(
  deps: ReadDeps,
  tenantId: string,
  conversationId: string,
): Promise<Conversation | undefined> {
  const [conversation, tenant] = await Promise.all([
    deps.conversations.getConversation(tenantId, conversationId),
    deps.tenants.getTenant(tenantId),
  ]);
  if (conversation === undefined || hasExpired(conversation, tenant, deps.clock.now())) return undefined;
  return conversation;
}

/** A conversation with all its messages, oldest first. */
export async function getConversation(
  deps: ReadDeps,
  tenantId: string,
  conversationId: string,
): Promise<{ conversation: Conversation; messages: Message[] }> {
  const conversation = await findLiveConversation(deps, tenantId, conversationId);
  if (!conversation) throw noConversation(conversationId);
  const messages = await deps.conversations.listMessages(tenantId, conversationId);
  return { conversation, messages };
}

/** NotFoundError naming `conversation_id`. */
export function noConversation(conversationId: string): NotFoundError {
  return new NotFoundError(`no conversation with id ${conversationId}`, {
    details: [{ path: 'conversation_id', message: 'no conversation with this id' }],
  });
}
