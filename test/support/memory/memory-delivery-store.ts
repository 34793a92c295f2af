/** DeliveryStore in memory. */
import { clone, key, listPage } from '#test/support/memory/memory-records';
import { ConcurrencyError } from '#lib/domain/errors';
import type { Delivery, DeliveryStatus, Page } from '#lib/domain/types';
import type { DeliveryStore } from '#lib/ports/deliveries';
import type { PageRequest } from '#lib/ports/paging';
import type { PendingEntry } from '#test/support/memory/memory-pending-work-store';

type AttemptResult = Parameters<DeliveryStore['recordAttempt']>[2];

export class MemoryDeliveryStore implements DeliveryStore {
  private readonly deliveries = new Map<string, Delivery>();
  private readonly sendSlots = new Map<string, number>();

  async createDelivery(delivery: Delivery): Promise<boolean> {
    const k = key(delivery.tenantId, delivery.id);
    if (this.deliveries.has(k)) return false;
    this.deliveries.set(k, clone(delivery));
    return true;
  }
  async getDelivery(tenantId: string, deliveryId: string): Promise<Delivery | undefined> {
    return clone(this.deliveries.get(key(tenantId, deliveryId)));
  }
  async leaseDelivery(tenantId: string, deliveryId: string, now: string, leaseUntil: string) {
    const delivery = this.deliveries.get(key(tenantId, deliveryId));
    if (delivery === undefined || delivery.status !== 'pending') return undefined;
    if (delivery.leaseUntil !== undefined && delivery.leaseUntil > now) return undefined;
    delivery.leaseUntil = leaseUntil;
    return clone(delivery);
  }
  async recordAttempt(tenantId: string, deliveryId: string, result: AttemptResult): Promise<void> {
    const delivery = this.deliveries.get(key(tenantId, deliveryId));
    if (delivery === undefined) throw new ConcurrencyError(`Delivery ${deliveryId} does not exist`);
    // lastStatusCode and lastError describe this attempt: undefined clears an earlier attempt's value.
    const { leaseUntil: _released, lastStatusCode: _code, lastError: _error, ...kept } = delivery;
    const { status, attempts, lastStatusCode, lastError, nextAttemptAt, updatedAt } = result;
    const updated = { ...kept, status, attempts, lastStatusCode, lastError, nextAttemptAt, updatedAt };
    this.deliveries.set(key(tenantId, deliveryId), clone(updated));
  }
  async listDeliveries(tenantId: string, page: PageRequest, status?: DeliveryStatus): Promise<Page<Delivery>> {
    const matching = [...this.deliveries.values()].filter((d) => status === undefined || d.status === status);
    // Newest first, as the DynamoDB store reads `DLV#{id}` backwards; one cursor list whatever the filter.
    return listPage(matching, 'delivery', tenantId, page, { descending: true });
  }
  async retryFailedDelivery(tenantId: string, deliveryId: string, at: string): Promise<Delivery | undefined> {
    const delivery = this.deliveries.get(key(tenantId, deliveryId));
    if (delivery === undefined || delivery.status !== 'failed' || delivery.erasedAt !== undefined) return undefined;
    const { leaseUntil: _released, ...kept } = delivery;
    const updated = {
      ...kept,
      status: 'pending' as const,
      attemptsBeforeRetry: delivery.attempts,
      nextAttemptAt: at,
      updatedAt: at,
    };
    this.deliveries.set(key(tenantId, deliveryId), clone(updated));
    return clone(updated);
  }
  async eraseDelivery(tenantId: string, deliveryId: string, at: string): Promise<void> {
    const delivery = this.deliveries.get(key(tenantId, deliveryId));
    if (delivery === undefined) return;
    const { leaseUntil: _released, ...kept } = delivery;
    const stopped =
      delivery.status === 'pending' ? { status: 'failed' as const, lastError: 'conversation erased' } : {};
    this.deliveries.set(key(tenantId, deliveryId), { ...kept, ...stopped, payload: '', erasedAt: at, updatedAt: at });
  }
  async takeSendSlot(tenantId: string, endpointKey: string, second: string, limit: number): Promise<boolean> {
    const k = key(tenantId, endpointKey, second);
    const taken = this.sendSlots.get(k) ?? 0;
    if (taken >= limit) return false;
    this.sendSlots.set(k, taken + 1);
    return true;
  }

  /** Pending deliveries, waiting since their next attempt is due, for the pending-work list. */
  pendingEntries(): PendingEntry[] {
    const waiting: PendingEntry[] = [];
    for (const d of this.deliveries.values()) {
      if (d.status !== 'pending') continue;
      const { tenantId, id: deliveryId, nextAttemptAt: since } = d;
      waiting.push({ order: `${since}#DLV#${deliveryId}`, ref: { kind: 'delivery', tenantId, deliveryId, since } });
    }
    return waiting;
  }
}
