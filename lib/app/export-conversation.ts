/** The right of access: everything Parley holds on one conversation, as one document. */
import { findLiveConversation, noConversation } from '#lib/app/conversations';
import { deriveId } from '#lib/app/create-delivery';
import type { Deps } from '#lib/app/deps';
import type { Conversation, Delivery, Message } from '#lib/domain/types';
import type { CopiedCase } from '#lib/ports/test-sets';

export interface ConversationExport {
  conversation: Conversation;
  /** Oldest first, each with its feedback. */
  messages: Message[];
  /** The webhook deliveries its messages caused, with the bodies sent (never the signing secret). */
  deliveries: Delivery[];
  /** Test-set cases copied from its messages, found through the conversation (as erasure finds them). */
  testCases: CopiedCase[];
}

/**
 * Reads the conversation, its messages, its deliveries and the test cases copied from it. Deliveries are found by the ids derived
 * from the messages (as erasure finds them), so no index over deliveries is needed. Throws
 * NotFoundError when the conversation is missing, erased or expired.
 */
export async function exportConversation(
  deps: Pick<Deps, 'conversations' | 'deliveries' | 'tenants' | 'clock' | 'testSets'>,
  tenantId: string,
  conversationId: string,
): Promise<ConversationExport> {
  const conversation = await findLiveConversation(deps, tenantId, conversationId);
  if (!conversation) throw noConversation(conversationId);
  const messages = await deps.conversations.listMessages(tenantId, conversationId);
  const ids = messages.flatMap((m) => [deriveId('dlv', m.id), deriveId('dlv', m.id, 'esc')]);
  const found = await Promise.all(ids.map((id) => deps.deliveries.getDelivery(tenantId, id)));
  const deliveries = found.filter((d): d is Delivery => d !== undefined);
  const testCases = await deps.testSets.listCopiedCases(tenantId, conversationId);
  return { conversation, messages, deliveries, testCases };
}
