/** IdempotencyStore in memory. */
import { clone, key } from '#test/support/memory/memory-records';
import { ConcurrencyError } from '#lib/domain/errors';
import type { IdempotencyRecord } from '#lib/domain/types';
import type { IdempotencyStore } from '#lib/ports/idempotency';

export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly idempotency = new Map<string, IdempotencyRecord>();

  async claimIdempotencyKey(record: IdempotencyRecord, now: string): Promise<IdempotencyRecord | undefined> {
    const k = key(record.tenantId, record.key);
    const stored = this.idempotency.get(k);
    if (stored !== undefined && stored.expiresAt > now) return clone(stored);
    this.idempotency.set(k, clone(record));
    return undefined;
  }
  async completeIdempotencyKey(
    tenantId: string,
    idemKey: string,
    response: { statusCode: number; body: unknown },
  ): Promise<void> {
    const stored = this.idempotency.get(key(tenantId, idemKey));
    if (stored === undefined) throw new ConcurrencyError(`Idempotency key ${idemKey} does not exist`);
    stored.status = 'completed';
    stored.response = clone(response);
  }
  async forgetIdempotencyKeyOf(tenantId: string, resourceId: string): Promise<void> {
    for (const [k, record] of this.idempotency) {
      if (record.tenantId === tenantId && record.resourceId === resourceId) this.idempotency.delete(k);
    }
  }
  async releaseIdempotencyKey(tenantId: string, idemKey: string): Promise<void> {
    if (this.idempotency.get(key(tenantId, idemKey))?.status === 'pending')
      this.idempotency.delete(key(tenantId, idemKey));
  }
}
