/** Idempotency-Key claims, so a retried request is answered from the first one's response. */
import type { IdempotencyRecord } from '#lib/domain/types';

export interface IdempotencyStore {
  /**
   * Claims `record.key` for this tenant. Returns undefined if the claim is new, else the record
   * stored earlier (expired records are treated as absent and replaced).
   */
  claimIdempotencyKey(record: IdempotencyRecord, now: string): Promise<IdempotencyRecord | undefined>;
  completeIdempotencyKey(tenantId: string, key: string, response: { statusCode: number; body: unknown }): Promise<void>;
  /**
   * Forgets a claim that is still pending (its request was refused), so a corrected request may
   * reuse the key. A completed record is kept.
   */
  releaseIdempotencyKey(tenantId: string, key: string): Promise<void>;
  /**
   * Deletes the record of the key that reserved `resourceId` (a message being erased: its record's
   * response names the conversation). Fine if there is none.
   */
  forgetIdempotencyKeyOf(tenantId: string, resourceId: string): Promise<void>;
}
