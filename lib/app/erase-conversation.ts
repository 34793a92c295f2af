/**
 * Erasing a conversation: the right to be forgotten, and what retention does to expired
 * conversations. Idempotent and resumable: every step is a single-item write that is fine to
 * repeat, and the tombstone written first stays unfinished until the last step, so repeating the
 * erasure after a crash at any point completes it.
 */
import { deriveId } from '#lib/app/create-delivery';
import type { Deps } from '#lib/app/deps';
import { conversationRef } from '#lib/domain/conversation-ref';
import { NotFoundError } from '#lib/domain/errors';
import { timerName } from '#lib/domain/follow-up-policy';
import { KNOWLEDGE_GAP_REASONS } from '#lib/domain/knowledge/types';
import { TIMER_KINDS } from '#lib/domain/timer-kinds';
import type { Message } from '#lib/domain/types';

export type ErasureReason = 'request' | 'retention';

type EraseDeps = Pick<
  Deps,
  | 'conversations'
  | 'deliveries'
  | 'knowledge'
  | 'maaxMessages'
  | 'idempotency'
  | 'timers'
  | 'testSets'
  | 'events'
  | 'clock'
>;

/**
 * Tombstones the conversation, then removes everything that holds the prospect's data: its
 * timers, its messages with their feedback, its deliveries' bodies, the corrections and knowledge
 * gaps made from its messages, their Idempotency-Key records and Maax references, and the test-set
 * cases copied from its messages (with their place in test runs). Publishes
 * `conversation.deleted` carrying the conversation's ref (a hash), never its id.
 *
 * Throws NotFoundError when there is no conversation, or its erasure has finished.
 */
export async function eraseConversation(
  deps: EraseDeps,
  input: { tenantId: string; conversationId: string; reason: ErasureReason },
): Promise<void> {
  const { tenantId, conversationId } = input;
  const now = deps.clock.now().toISOString();
  const marked = await deps.conversations.tombstoneConversation(tenantId, conversationId, now);
  if (marked === undefined || marked.tombstone.finished) {
    throw new NotFoundError('no conversation with this id', {
      details: [{ path: 'conversation_id', message: 'no conversation with this id' }],
    });
  }
  const { tombstone } = marked;
  // Timers first: one firing now finds the tombstone, but a later one should not fire at all.
  for (const kind of TIMER_KINDS) await deps.timers.cancel(timerName(kind, tenantId, conversationId));
  // Found through the conversation's own partition; a copy made after the tombstone undoes itself
  // (copyCaseFromConversation), and one made before it is registered, so listed here. A copy's id
  // is the one its request reserved, so its Idempotency-Key record (whose response holds the
  // prospect's text) is found by it; forgotten first, while the copy is still listed.
  for (const copy of await deps.testSets.listCopiedCases(tenantId, conversationId)) {
    await deps.idempotency.forgetIdempotencyKeyOf(tenantId, copy.case.caseId);
  }
  await deps.testSets.eraseCopiedCases(tenantId, conversationId);
  // Listed after the tombstone was written: a message written before that is listed here, and one
  // written after it is undone by its writer (ConversationStore.putMessage).
  const messages = await deps.conversations.listMessages(tenantId, conversationId);
  for (const message of messages) await eraseMessage(deps, tombstone.aiId, message, now);
  await deps.events.publish([
    {
      type: 'conversation.deleted',
      id: `evt_deleted_${conversationRef(tenantId, conversationId)}_${tombstone.incarnation}`,
      tenantId,
      occurredAt: tombstone.erasedAt,
      detail: { conversation_ref: conversationRef(tenantId, conversationId), reason: input.reason },
    },
  ]);
  await deps.conversations.finishTombstone(tenantId, conversationId);
}

/**
 * What a message left elsewhere, found by the ids derived from it (no index needed), then the
 * message itself last: until then a resumed erasure lists it again.
 */
async function eraseMessage(deps: EraseDeps, aiId: string, message: Message, now: string): Promise<void> {
  const { tenantId, id } = message;
  // A reply's answer delivery, and the escalation a message caused (see finish-reply.ts, fire-timer.ts).
  await deps.deliveries.eraseDelivery(tenantId, deriveId('dlv', id), now);
  await deps.deliveries.eraseDelivery(tenantId, deriveId('dlv', id, 'esc'), now);
  // Feedback on a reply becomes a correction of the AI (see feedback.ts) and gaps (knowledge-gaps.ts).
  await deps.knowledge.deleteCorrection(tenantId, aiId, deriveId('cor', id));
  for (const reason of KNOWLEDGE_GAP_REASONS)
    await deps.knowledge.deleteKnowledgeGap(tenantId, deriveId('gap', id, reason));
  await deps.maaxMessages.deleteMaaxMessageRef(tenantId, id);
  await deps.idempotency.forgetIdempotencyKeyOf(tenantId, id);
  await deps.conversations.deleteMessage(tenantId, message.conversationId, id);
}
