/**
 * `needsHuman` on a conversation: set when it is escalated or handed off, cleared when a person
 * writes or gives it back (see handoff.ts). The inbox lists it so people find what waits for them.
 */
import type { Conversation } from '#lib/domain/types';
import type { Deps } from '#lib/app/deps';

/**
 * Marks the conversation as waiting for a person, before anyone is told of it (so whoever reads it
 * on the webhook sees the flag). Idempotent, and written alone so it cannot race other fields.
 */
export async function flagForPerson(deps: Pick<Deps, 'conversations'>, conversation: Conversation): Promise<void> {
  if (conversation.needsHuman === true) return;
  await deps.conversations.updateConversation(conversation.tenantId, conversation.id, { needsHuman: true });
}
