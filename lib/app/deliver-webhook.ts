import { createHash } from 'node:crypto';
import { ENDPOINT_MAX_REQUESTS_PER_SECOND, WEBHOOK_TIMEOUT_MS } from '#lib/domain/limits/delivery';
import { decideRetry } from '#lib/domain/retry-schedule';
import type { Ai, Delivery } from '#lib/domain/types';
import type { DeliveryJob } from '#lib/ports/deliveries';
import type { DomainEvent } from '#lib/ports/events';
import { deriveId } from '#lib/app/create-delivery';
import type { Deps } from '#lib/app/deps';

/** How long one worker holds a delivery while sending it: longer than any attempt can take. */
export const DELIVERY_LEASE_SECONDS = Math.ceil(WEBHOOK_TIMEOUT_MS / 1000) * 4;

/** A record that finds a live lease comes back this long after the lease ends, to take the delivery over. */
export const LEASE_TAKEOVER_MARGIN_SECONDS = 1;

export type DeliveryOutcome = 'succeeded' | 'retrying' | 'failed' | 'deferred' | 'throttled' | 'leased' | 'skipped';

type DeliveryDeps = Pick<
  Deps,
  'ais' | 'conversations' | 'deliveries' | 'deliveryQueue' | 'webhookSender' | 'events' | 'clock' | 'logger'
> & {
  /** Jitter source; injected by tests. */
  random?: () => number;
};

/**
 * Makes one attempt at a webhook delivery, if it is due and nobody else is sending it, and
 * records the outcome. A failed attempt is queued again on the retry schedule; redelivered queue
 * records for a delivery already sent, failed, or being sent are no-ops. A delivery that fails for
 * good publishes `delivery.failed` and flags the AI's `webhookHealth`; a success clears it.
 *
 * A delivery leased by another worker is not dropped: that worker may have died mid-send (a killed
 * runtime, a Lambda that timed out), so the record is queued again to come back just after the lease
 * ends, when it takes the delivery over, or finds it sent and does nothing. The delivery queue is a
 * standard queue, so the delay is exact and costs no receive count.
 *
 * Sends to one endpoint are capped at ENDPOINT_MAX_REQUESTS_PER_SECOND: over it, the delivery is
 * queued again 1–2 s later without counting an attempt, so a burst is smoothed, not dropped.
 */
export async function deliverWebhook(deps: DeliveryDeps, job: DeliveryJob): Promise<DeliveryOutcome> {
  const now = deps.clock.now();
  const delivery = await deps.deliveries.getDelivery(job.tenantId, job.deliveryId);
  if (delivery?.status !== 'pending' || delivery.erasedAt !== undefined) return 'skipped';
  const dueInMs = Date.parse(delivery.nextAttemptAt) - now.getTime();
  if (dueInMs > 0) {
    await deps.deliveryQueue.enqueueDelivery(job, Math.ceil(dueInMs / 1000));
    return 'deferred';
  }
  const leasedForMs = delivery.leaseUntil ? Date.parse(delivery.leaseUntil) - now.getTime() : 0;
  if (leasedForMs > 0) return comeBackAfterLease(deps, job, leasedForMs);
  // Read while the slot and the lease are taken: the send needs the AI's secret. Should those say
  // no, the read is simply not used (and its failure not reported).
  const aiRead = deps.ais.getAi(delivery.tenantId, delivery.aiId);
  aiRead.catch(() => undefined);
  // Before the lease, so a throttled delivery costs no write of its own.
  if (!(await takeSendSlot(deps, delivery, now))) {
    await deps.deliveryQueue.enqueueDelivery(job, 1 + Math.floor((deps.random ?? Math.random)() * 2));
    return 'throttled';
  }
  const leaseUntil = new Date(now.getTime() + DELIVERY_LEASE_SECONDS * 1000).toISOString();
  const leased = await deps.deliveries.leaseDelivery(job.tenantId, job.deliveryId, now.toISOString(), leaseUntil);
  // Another worker leased it since the read (or it was settled): look again once that lease ends.
  if (!leased) return comeBackAfterLease(deps, job, DELIVERY_LEASE_SECONDS * 1000);
  if (await wasErased(deps, leased)) {
    await deps.deliveries.eraseDelivery(leased.tenantId, leased.id, now.toISOString());
    return 'skipped';
  }
  return attempt(deps, leased, await aiRead, now);
}

/**
 * Whether the delivery's conversation was erased since it was created: a tombstone, or a later
 * life of the id (created after the delivery). Read after the lease, so an erasure that ran while
 * the delivery was being created, after it listed the messages, still stops the send.
 */
async function wasErased(deps: DeliveryDeps, delivery: Delivery): Promise<boolean> {
  const live = await deps.conversations.getConversation(delivery.tenantId, delivery.conversationId);
  if (live !== undefined) return live.createdAt > delivery.createdAt;
  return (await deps.conversations.getTombstone(delivery.tenantId, delivery.conversationId)) !== undefined;
}

/** Queues the job again for just after a lease held elsewhere runs out: the takeover of a dead worker's delivery. */
async function comeBackAfterLease(deps: DeliveryDeps, job: DeliveryJob, leasedForMs: number): Promise<DeliveryOutcome> {
  await deps.deliveryQueue.enqueueDelivery(job, Math.ceil(leasedForMs / 1000) + LEASE_TAKEOVER_MARGIN_SECONDS);
  return 'leased';
}

async function attempt(
  deps: DeliveryDeps,
  delivery: Delivery,
  ai: Ai | undefined,
  now: Date,
): Promise<DeliveryOutcome> {
  const attempts = delivery.attempts + 1;
  const record = (result: Omit<Parameters<Deps['deliveries']['recordAttempt']>[2], 'attempts' | 'updatedAt'>) =>
    deps.deliveries.recordAttempt(delivery.tenantId, delivery.id, {
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
    if (ai.webhookHealth) await deps.ais.recordWebhookHealth(delivery.tenantId, ai.id, undefined);
    await record({ status: 'succeeded', lastStatusCode: result.statusCode, nextAttemptAt: delivery.nextAttemptAt });
    deps.logger.info('webhook delivered', { ...log, statusCode: result.statusCode });
    return 'succeeded';
  }
  // A refused target stays refused: retrying for hours would only hide the misconfiguration.
  const decision = result.permanent
    ? { retry: false as const, reason: 'not retried: the target is refused' }
    : decideRetry({
        // A retry by hand (lib/app/deliveries.ts) restarts the schedule; `attempts` keeps the total.
        attempts: attempts - (delivery.attemptsBeforeRetry ?? 0),
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
    await flagFailingWebhooks(deps, ai, now);
    await record({ ...failure, status: 'failed', lastError, nextAttemptAt: delivery.nextAttemptAt });
    deps.logger.warn('webhook delivery failed for good', { ...log, ...failureOf(result), reason: decision.reason });
    return 'failed';
  }
  const nextAttemptAt = new Date(now.getTime() + decision.delaySeconds * 1000).toISOString();
  await record({ ...failure, status: 'pending', nextAttemptAt });
  await deps.deliveryQueue.enqueueDelivery(
    { tenantId: delivery.tenantId, deliveryId: delivery.id },
    decision.delaySeconds,
  );
  deps.logger.warn('webhook attempt failed; will retry', { ...log, ...failureOf(result), nextAttemptAt });
  return 'retrying';
}

/** Counts this send against the endpoint's per-second budget; false when the budget is spent. */
function takeSendSlot(deps: DeliveryDeps, delivery: Delivery, now: Date): Promise<boolean> {
  const second = `${now.toISOString().slice(0, 19)}.000Z`;
  return deps.deliveries.takeSendSlot(
    delivery.tenantId,
    endpointKey(delivery.url),
    second,
    ENDPOINT_MAX_REQUESTS_PER_SECOND,
  );
}

/** The endpoint a URL is sent to (its origin), hashed: catch-hook URLs are secrets, and only paths differ. */
function endpointKey(url: string): string {
  let origin = url;
  try {
    origin = new URL(url).origin;
  } catch {
    // a stored URL was validated when configured; hash it whole if it somehow does not parse
  }
  return createHash('sha256').update(origin).digest('hex').slice(0, 32);
}

/** Marks the AI's webhooks as failing since the first failure after the last success. */
async function flagFailingWebhooks(deps: DeliveryDeps, ai: Ai, now: Date): Promise<void> {
  const at = now.toISOString();
  await deps.ais.recordWebhookHealth(ai.tenantId, ai.id, {
    failingSince: ai.webhookHealth?.failingSince ?? at,
    lastFailureAt: at,
  });
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

/**
 * What a failed attempt may put in the logs: the status code when the receiver answered (its body
 * may echo message text; it stays in the delivery's `last_error`, shown to the account only), else
 * the transport error (a timeout, a refused connection or address).
 */
function failureOf(result: { statusCode?: number; error: string }): Record<string, unknown> {
  return result.statusCode === undefined ? { error: result.error } : { statusCode: result.statusCode };
}
