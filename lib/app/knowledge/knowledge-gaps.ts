/**
 * Knowledge gaps: questions the knowledge did not answer well (escalated, answered without
 * grounding, rated down), listed so the business knows what to write next.
 */
import type { KnowledgeGap, KnowledgeGapReason } from '#lib/domain/knowledge/types';
import type { Ai, Conversation, Message, Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';
import type { Deps } from '#lib/app/deps';
import { deriveId } from '#lib/app/create-delivery';

/** Records a gap once per message and reason, however often it is recorded (a retried generator). */
export async function recordKnowledgeGap(
  deps: Pick<Deps, 'knowledge'>,
  input: {
    ai: Pick<Ai, 'id'>;
    conversation: Conversation;
    message: Message;
    question: string;
    reason: KnowledgeGapReason;
  },
): Promise<void> {
  const { conversation: c, message } = input;
  const gap: KnowledgeGap = {
    tenantId: c.tenantId,
    id: deriveId('gap', message.id, input.reason),
    aiId: input.ai.id,
    conversationId: c.id,
    messageId: message.id,
    question: input.question,
    reason: input.reason,
    // The message's own time, not now: a retried write must land on the same item.
    createdAt: message.createdAt,
  };
  await deps.knowledge.putKnowledgeGap(gap);
}

export function listKnowledgeGaps(
  deps: Pick<Deps, 'knowledge'>,
  tenantId: string,
  page: PageRequest,
): Promise<Page<KnowledgeGap>> {
  return deps.knowledge.listKnowledgeGaps(tenantId, page);
}
