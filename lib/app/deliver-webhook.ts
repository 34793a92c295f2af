import { WEBHOOK_TIMEOUT_MS } from '#lib/domain/limits';
import { decideRetry } from '#lib/domain/retry-schedule';
import type { Delivery } from '#lib/domain/types';
import type { DeliveryJob, DomainEvent } from '#lib/ports';
import { deriveId } from '#lib/app/create-delivery';
import type { Deps } from '#lib/app/deps';

/** How long one worker holds a delivery while sending it: longer than any attempt can take. */
export const DELIVERY_LEASE_SECONDS = Math.ceil(WEBHOOK_TIMEOUT_MS / 1000) * 4;

export type DeliveryOutcome = 'succeeded' | 'retrying' | 'failed' | 'deferred' | 'skipped';

type DeliveryDeps = Pick<Deps, 'store' | 'deliveryQueue' | 'webhookSender' | 'events' | 'clock' | 'logger'> & {
  /** Jitter source; injected by tests. */
  random?: () => number;
};

/**
 * Makes one attempt at a webhook delivery, if it is due and nobody else is sending it, and
 * records the outcome. A failed attempt is queued again on the retry schedule; redelivered queue
 * records for a delivery already sent, failed, or being sent are no-ops. A delivery that fails for
 * good publishes `delivery.failed`.
 */
export async function deliverWebhook(deps: DeliveryDeps, job: DeliveryJob): Promise<DeliveryOutcome> {
  const now = deps.clock.now();
  const delivery = await deps.store.getDelivery(job.tenantId, job.deliveryId);
  if (delivery?.status !== 'pending') return 'skipped';
  const dueInMs = Date.parse(delivery.nextAttemptAt) - now.getTime();
  if (dueInMs > 0) {
    await deps.deliveryQueue.enqueueDelivery(job, Math.ceil(dueInMs / 1000));
    return 'deferred';
  }
  const leaseUntil = new Date(now.getTime() + DELIVERY_LEASE_SECONDS * 1000).toISOString();
  const leased = await deps.store.leaseDelivery(job.tenantId, job.deliveryId, now.toISOString(), leaseUntil);
  if (!leased) return 'skipped';
  return attempt(deps, leased, now);
}

async function attempt(deps: DeliveryDeps, delivery: Delivery, now: Date): Promise<DeliveryOutcome> {
  const ai = await deps.store.getAi(delivery.tenantId, delivery.aiId);
  const attempts = delivery.attempts + 1;
  const record = (result: Omit<Parameters<Deps['store']['recordAttempt']>[2], 'attempts' | 'updatedAt'>) =>
    deps.store.recordAttempt(delivery.tenantId, delivery.id, {
      ...result,
      attempts,
      updatedAt: deps.clock.now().toISOString(),
    });
  if (!ai) {
    const lastError = 'the AI was deleted';
    await deps.events.publish([deliveryFailed(delivery, { attempts, lastError, at: now })]);
    await record({ status: 'failed', lastError, nextAttemptAt: delivery.nextAttemptAt });
    return 'failed';
  }
  const result = await deps.webhookSender.send({
    url: delivery.url,
    eventId: delivery.eventId,
    body: delivery.payload,
    secret: ai.webhookSecret,
    timestamp: now,
    timeoutMs: WEBHOOK_TIMEOUT_MS,
  });
  const log = { deliveryId: delivery.id, eventId: delivery.eventId, type: delivery.type, attempts };
  if (result.ok) {
    await record({ status: 'succeeded', lastStatusCode: result.statusCode, nextAttemptAt: delivery.nextAttemptAt });
    deps.logger.info('webhook delivered', { ...log, statusCode: result.statusCode });
    return 'succeeded';
  }
  const decision = decideRetry({
    attempts,
    statusCode: result.statusCode,
    retryAfterSeconds: result.retryAfterSeconds,
    random: (deps.random ?? Math.random)(),
  });
  const failure = { lastError: result.error, ...(result.statusCode ? { lastStatusCode: result.statusCode } : {}) };
  if (!decision.retry) {
    const lastError = `${result.error}; ${decision.reason}`;
    await deps.events.publish([
      deliveryFailed(delivery, { attempts, lastError, lastStatusCode: result.statusCode, at: now }),
    ]);
    await record({ ...failure, status: 'failed', lastError, nextAttemptAt: delivery.nextAttemptAt });
    deps.logger.warn('webhook delivery failed for good', { ...log, error: result.error, reason: decision.reason });
    return 'failed';
  }
  const nextAttemptAt = new Date(now.getTime() + decision.delaySeconds * 1000).toISOString();
  await record({ ...failure, status: 'pending', nextAttemptAt });
  await deps.deliveryQueue.enqueueDelivery(
    { tenantId: delivery.tenantId, deliveryId: delivery.id },
    decision.delaySeconds,
  );
  deps.logger.warn('webhook attempt failed; will retry', { ...log, error: result.error, nextAttemptAt });
  return 'retrying';
}

/**
 * `delivery.failed`, published before the failure is recorded: a crash in between makes the retry
 * attempt and publish again (under the same id, as the attempt count is not yet stored) instead of
 * losing the event. The id includes the attempt count so that a delivery retried by hand that fails
 * again is a new event. The URL stays out: catch-hook URLs are often secrets.
 */
function deliveryFailed(
  delivery: Delivery,
  failure: { attempts: number; lastError: string; lastStatusCode?: number; at: Date },
): DomainEvent {
  return {
    type: 'delivery.failed',
    id: deriveId('evt', delivery.id, `failed_${failure.attempts}`),
    tenantId: delivery.tenantId,
    occurredAt: failure.at.toISOString(),
    detail: {
      delivery_id: delivery.id,
      event_id: delivery.eventId,
      webhook_type: delivery.type,
      ai_id: delivery.aiId,
      conversation_id: delivery.conversationId,
      message_id: delivery.messageId,
      attempts: failure.attempts,
      last_status_code: failure.lastStatusCode ?? null,
      last_error: failure.lastError,
    },
  };
}
