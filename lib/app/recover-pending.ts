import type { Deps } from '#lib/app/deps';

/**
 * The safety net under "store first, then queue": finds messages still waiting for an answer,
 * deliveries still waiting to be sent and documents still waiting to be indexed since before
 * `olderThan`, and queues them again. Queue
 * records that turn out to be duplicates are no-ops downstream, so sweeping too much is harmless.
 */
export async function recoverPending(
  deps: Pick<Deps, 'store' | 'generationQueue' | 'deliveryQueue' | 'ingestionQueue' | 'clock' | 'logger'>,
  input: { olderThan: Date; limit: number },
): Promise<{ messages: number; deliveries: number; documents: number }> {
  const refs = await deps.store.listPending(input.olderThan.toISOString(), input.limit);
  const counts = { messages: 0, deliveries: 0, documents: 0 };
  const now = deps.clock.now().getTime();
  for (const ref of refs) {
    if (ref.kind === 'message') {
      await deps.generationQueue.enqueueGeneration({
        tenantId: ref.tenantId,
        conversationId: ref.conversationId,
        messageId: ref.messageId,
      });
      counts.messages++;
    } else if (ref.kind === 'document') {
      const { tenantId, knowledgeBaseId, documentId, uploadId } = ref;
      await deps.ingestionQueue.enqueueIngestion({ tenantId, knowledgeBaseId, documentId, uploadId });
      counts.documents++;
    } else {
      const delaySeconds = Math.max(0, Math.ceil((Date.parse(ref.since) - now) / 1000));
      await deps.deliveryQueue.enqueueDelivery({ tenantId: ref.tenantId, deliveryId: ref.deliveryId }, delaySeconds);
      counts.deliveries++;
    }
  }
  if (refs.length > 0) deps.logger.info('re-queued pending work', counts);
  return counts;
}
