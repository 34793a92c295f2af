/**
 * Knowledge gaps: questions the knowledge did not answer well (escalated, answered without
 * grounding, rated down), listed so the business knows what to write next.
 */
import { ConflictError, NotFoundError } from '#lib/domain/errors';
import type { Correction, KnowledgeGap, KnowledgeGapReason } from '#lib/domain/knowledge/types';
import type { Ai, Conversation, Message, Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';
import type { Deps } from '#lib/app/deps';
import { deriveId } from '#lib/app/create-delivery';
import { embedCorrection } from '#lib/app/knowledge/corrections';

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

/**
 * Writes the missing answer to a gap's question: a correction of the gap's AI (the same id feedback
 * on that reply would make, so one replaces the other; its question embedded when an embedding
 * model is configured), then the gap is closed. The correction
 * comes first: a retry after a crash in between writes the same correction again and closes it.
 *
 * @throws NotFoundError naming `id` when the tenant has no gap with this id
 * @throws ConflictError when the gap was answered already
 */
export async function answerKnowledgeGap(
  deps: Pick<Deps, 'knowledge' | 'clock' | 'embedder' | 'logger'>,
  input: { tenantId: string; gapId: string; answer: string },
): Promise<{ gap: KnowledgeGap; correction: Correction }> {
  const gap = await deps.knowledge.getKnowledgeGap(input.tenantId, input.gapId);
  if (gap === undefined) {
    throw new NotFoundError(`no knowledge gap with id ${input.gapId}`, {
      details: [{ path: 'id', message: 'no knowledge gap with this id' }],
    });
  }
  if (gap.closedAt !== undefined) {
    throw new ConflictError(`knowledge gap ${gap.id} was answered already`, {
      details: [{ path: 'id', message: `answered at ${gap.closedAt}` }],
    });
  }
  const now = deps.clock.now().toISOString();
  const embedding = await embedCorrection(deps, gap.question);
  const correction: Correction = {
    tenantId: gap.tenantId,
    aiId: gap.aiId,
    id: deriveId('cor', gap.messageId),
    question: gap.question,
    answer: input.answer.trim(),
    conversationId: gap.conversationId,
    messageId: gap.messageId,
    createdAt: now,
    ...(embedding ? { embedding } : {}),
  };
  await deps.knowledge.putCorrection(correction);
  await deps.knowledge.closeKnowledgeGap(gap, now);
  return { gap: { ...gap, closedAt: now }, correction };
}
