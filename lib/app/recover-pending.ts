import type { PendingRef } from '#lib/ports/pending-work';
import type { Deps } from '#lib/app/deps';
import { eraseConversation } from '#lib/app/erase-conversation';
import { NotFoundError } from '#lib/domain/errors';
import { QUEUE_SETTINGS, type QueueName } from '#lib/queue-settings';

export type PendingKind = PendingRef['kind'];

/**
 * How long an erasure may stay unfinished before a sweep takes it for cut short by a crash. No
 * queue carries it: it runs within one API request or one expiry sweep, cut off by their functions'
 * timeouts (10 s and 60 s, infra/constructs/lambda-function.ts), so a few minutes leave a running
 * erasure alone; resuming one that is still running is harmless
 * anyway, as every step of it is fine to repeat.
 */
export const ERASURE_STALE_AFTER_SECONDS = 5 * 60;

/**
 * How long a sweep lets work of each kind wait before it takes its queue record for lost: a minute
 * longer than the visibility timeout of the queue that carries it, so a record still in flight, or
 * coming back by itself after its consumer died, is left to that redelivery.
 */
export function staleAfterVisibility(
  queues: Readonly<Record<QueueName, { readonly visibilityTimeoutSeconds: number }>>,
): Readonly<Record<PendingKind, number>> {
  return Object.freeze({
    message: queues.generation.visibilityTimeoutSeconds + 60,
    delivery: queues.delivery.visibilityTimeoutSeconds + 60,
    document: queues.ingestion.visibilityTimeoutSeconds + 60,
    erasure: ERASURE_STALE_AFTER_SECONDS,
  });
}

/**
 * The stack's scheduled sweep's waits: 7 min for a message, 4 for a delivery, 31 for a document,
 * 5 for an erasure.
 */
export const SWEEP_STALE_AFTER_SECONDS = staleAfterVisibility(QUEUE_SETTINGS);

/** The cutoff of each kind for a sweep at `now`: work waiting since before it is queued again. */
export function staleCutoffs(now: Date, staleAfterSeconds: Readonly<Record<PendingKind, number>>) {
  const cutoff = (kind: PendingKind) => new Date(now.getTime() - staleAfterSeconds[kind] * 1000);
  return {
    message: cutoff('message'),
    delivery: cutoff('delivery'),
    document: cutoff('document'),
    erasure: cutoff('erasure'),
  };
}

type RecoverDeps = Pick<Deps, 'pendingWork' | 'generationQueue' | 'deliveryQueue' | 'ingestionQueue' | 'logger'> &
  Parameters<typeof eraseConversation>[0];

/**
 * The safety net under "store first, then queue": finds messages still waiting for an answer,
 * deliveries still waiting to be sent and documents still waiting to be indexed since before
 * `olderThan` (one cutoff, or one per kind of work), and queues them again. Queue
 * records that turn out to be duplicates are no-ops downstream, so sweeping too much is harmless.
 * Erasures a crash left unfinished are finished here and now (eraseConversation resumes them).
 */
export async function recoverPending(
  deps: RecoverDeps,
  input: { olderThan: Date | Readonly<Record<PendingKind, Date>>; limit: number },
): Promise<{ messages: number; deliveries: number; documents: number; erasures: number }> {
  const { olderThan } = input;
  const cutoffs = olderThan instanceof Date ? undefined : olderThan;
  // One listing up to the latest cutoff; each kind then keeps what is older than its own.
  const listBefore =
    olderThan instanceof Date ? olderThan : new Date(Math.max(...Object.values(olderThan).map((d) => d.getTime())));
  const listed = await deps.pendingWork.listPending(listBefore.toISOString(), input.limit);
  const refs = cutoffs ? listed.filter((ref) => ref.since < cutoffs[ref.kind].toISOString()) : listed;
  const counts = { messages: 0, deliveries: 0, documents: 0, erasures: 0 };
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
    } else if (ref.kind === 'erasure') {
      if (await resumeErasure(deps, ref.tenantId, ref.conversationId)) counts.erasures++;
    } else {
      const delaySeconds = Math.max(0, Math.ceil((Date.parse(ref.since) - now) / 1000));
      await deps.deliveryQueue.enqueueDelivery({ tenantId: ref.tenantId, deliveryId: ref.deliveryId }, delaySeconds);
      counts.deliveries++;
    }
  }
  if (refs.length > 0) deps.logger.info('re-queued pending work', counts);
  return counts;
}

/**
 * Finishes an erasure a crash cut short. The tombstone does not keep why it was erased, so the
 * resumed erasure's `conversation.deleted` says 'request'; its event id is the same either way, so
 * a receiver that saw the first attempt's event dedupes this one. False when it was finished meanwhile.
 */
async function resumeErasure(deps: RecoverDeps, tenantId: string, conversationId: string): Promise<boolean> {
  try {
    await eraseConversation(deps, { tenantId, conversationId, reason: 'request' });
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}
