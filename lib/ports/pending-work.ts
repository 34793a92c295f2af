/** Work that is waiting, across aggregates, as the recovery sweep finds it. */

/** A reference to a record that is waiting for work, as found by the recovery sweep. */
export type PendingRef =
  | { kind: 'message'; tenantId: string; conversationId: string; messageId: string; since: string }
  | { kind: 'delivery'; tenantId: string; deliveryId: string; since: string }
  | {
      kind: 'document';
      tenantId: string;
      knowledgeBaseId: string;
      documentId: string;
      uploadId: string;
      since: string;
    }
  /** An erasure that was started (its tombstone written) but not finished: a crash part way. */
  | { kind: 'erasure'; tenantId: string; conversationId: string; since: string };

/** The recovery sweep's view across aggregates: whatever is still waiting for work. */
export interface PendingWorkStore {
  /** Records waiting longer than `olderThan` (ISO time), across all tenants, oldest first. */
  listPending(olderThan: string, limit: number): Promise<PendingRef[]>;
}
