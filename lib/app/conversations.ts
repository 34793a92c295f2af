import { NotFoundError } from '#lib/domain/errors';
import type { Conversation, Message } from '#lib/domain/types';
import type { Deps } from '#lib/app/deps';

/** A conversation with all its messages, oldest first. */
export async function getConversation(
  deps: Pick<Deps, 'store'>,
  tenantId: string,
  conversationId: string,
): Promise<{ conversation: Conversation; messages: Message[] }> {
  const conversation = await deps.store.getConversation(tenantId, conversationId);
  if (!conversation) throw new NotFoundError(`no conversation with id ${conversationId}`);
  const messages = await deps.store.listMessages(tenantId, conversationId);
  return { conversation, messages };
}
