/** Webhook deliveries: their records, their queue and the sender that makes each attempt. */
import type { Delivery, DeliveryStatus, Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';

export interface DeliveryStore {
  /** Stores the delivery unless one with its id exists; returns false if it existed. */
  createDelivery(delivery: Delivery): Promise<boolean>;
  getDelivery(tenantId: string, deliveryId: string): Promise<Delivery | undefined>;
  /**
   * Takes the send lease of a pending delivery until `leaseUntil`, provided nobody holds an
   * unexpired lease at `now`. Returns the delivery as claimed, or undefined if it is not pending
   * or leased by another worker.
   */
  leaseDelivery(tenantId: string, deliveryId: string, now: string, leaseUntil: string): Promise<Delivery | undefined>;
  /** Records an attempt's outcome and releases the lease. Pending deliveries stay listed for the sweep. */
  recordAttempt(
    tenantId: string,
    deliveryId: string,
    result: Pick<Delivery, 'status' | 'attempts' | 'lastStatusCode' | 'lastError' | 'nextAttemptAt' | 'updatedAt'>,
  ): Promise<void>;
  /**
   * Newest first (delivery ids are time-ordered), only those with `status` when given; cursors as
   * in listAis.
   */
  listDeliveries(tenantId: string, page: PageRequest, status?: DeliveryStatus): Promise<Page<Delivery>>;
  /**
   * Makes a `failed` delivery pending again, due at `at`, with `attemptsBeforeRetry` set to its
   * attempts so far. Returns the delivery as updated, or undefined (writing nothing) if it is
   * missing or not failed.
   */
  retryFailedDelivery(tenantId: string, deliveryId: string, at: string): Promise<Delivery | undefined>;
  /**
   * Takes one of `limit` send slots of an endpoint for one second (`second`: the ISO time the
   * second starts); false when all are taken. Counted per tenant and endpoint (a hash of its origin).
   */
  takeSendSlot(tenantId: string, endpointKey: string, second: string, limit: number): Promise<boolean>;
  /**
   * Erases the delivery's body (its conversation was erased) and stops it: a pending one becomes
   * failed, so neither the queue nor the sweep sends it. Fine if it does not exist.
   */
  eraseDelivery(tenantId: string, deliveryId: string, at: string): Promise<void>;
}

export interface DeliveryJob {
  tenantId: string;
  deliveryId: string;
}

export interface DeliveryQueue {
  /** `delaySeconds` is capped at the queue's maximum (900 s in SQS). */
  enqueueDelivery(job: DeliveryJob, delaySeconds?: number): Promise<void>;
}

export interface WebhookRequest {
  url: string;
  /** Stable across retries (`webhook-id`). */
  eventId: string;
  body: string;
  /** `whsec_…`: the AI's signing secret. */
  secret: string;
  /** Sent as `webhook-timestamp`; also what is signed. */
  timestamp: Date;
  timeoutMs: number;
}

export type WebhookResult =
  | { ok: true; statusCode: number }
  | {
      ok: false;
      statusCode?: number;
      error: string;
      retryAfterSeconds?: number;
      /** Retrying cannot help (e.g. the target resolves to a refused address): the delivery fails at once. */
      permanent?: true;
    };

export interface WebhookSender {
  /** Signs and POSTs once; never throws for a failed attempt, it reports it. */
  send(request: WebhookRequest): Promise<WebhookResult>;
}
