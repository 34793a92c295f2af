import type { WebhookPayload } from '#lib/domain/webhook-payload';
import type { Deps } from '#lib/app/deps';

/**
 * Stores a webhook delivery, then queues it. The delivery id and event id are derived from the
 * message they carry, so a repeated call (a retried generator) finds the stored one and sends
 * nothing new: the delivery use case sends each delivery until it succeeds, once.
 */
export async function createDelivery(
  deps: Pick<Deps, 'deliveries' | 'deliveryQueue' | 'clock'>,
  input: { tenantId: string; deliveryId: string; url: string; payload: WebhookPayload; delaySeconds: number },
): Promise<void> {
  const now = deps.clock.now();
  const { payload } = input;
  await deps.deliveries.createDelivery({
    tenantId: input.tenantId,
    id: input.deliveryId,
    eventId: payload.event_id,
    type: payload.type,
    aiId: payload.ai_id,
    conversationId: payload.conversation_id,
    messageId: payload.message_id,
    url: input.url,
    payload: JSON.stringify(payload),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: new Date(now.getTime() + input.delaySeconds * 1000).toISOString(),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  });
  await deps.deliveryQueue.enqueueDelivery(
    { tenantId: input.tenantId, deliveryId: input.deliveryId },
    input.delaySeconds,
  );
}

/** `msg_01abc` → `evt_01abc` (plus a variant suffix): one stable id per thing a message causes. */
export function deriveId(prefix: string, fromId: string, variant?: string): string {
  const core = fromId.slice(fromId.indexOf('_') + 1);
  return `${prefix}_${core}${variant ? `_${variant}` : ''}`;
}
