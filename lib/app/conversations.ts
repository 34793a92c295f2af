import { NotFoundError } from '#lib/domain/errors';
import type { Conversation, Message } from '#lib/domain/types';
import type { Deps } from '#lib/app/deps';

/** A conversation with all its messages, oldest first. */
export async function getConversation(
  deps: Pick<Deps, 'conversations'>,
  tenantId: string,
  conversationId: string,
): Promise<{ conversation: Conversation; messages: Message[] }> {
  const conversation = await deps.conversations.getConversation(tenantId, conversationId);
  if (!conversation) throw new NotFoundError(`no conversation with id ${conversationId}`);
  const messages = await deps.conversations.listMessages(tenantId, conversationId);
  return { conversation, messages };
}
