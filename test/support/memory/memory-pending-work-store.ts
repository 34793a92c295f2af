/** PendingWorkStore in memory: reads what the other in-memory stores hold that is still waiting. */
import type { PendingRef, PendingWorkStore } from '#lib/ports/pending-work';
import { compare } from '#test/support/memory/memory-records';

/** A waiting record and where it sorts: as the DynamoDB index's sort key `{since}#…`. */
export interface PendingEntry {
  order: string;
  ref: PendingRef;
}

/** A store whose records may be waiting for work. */
export interface PendingSource {
  pendingEntries(): PendingEntry[];
}

export class MemoryPendingWorkStore implements PendingWorkStore {
  /** @param sources the stores whose waiting records it lists (messages, deliveries, documents). */
  constructor(private readonly sources: PendingSource[]) {}

  async listPending(olderThan: string, limit: number): Promise<PendingRef[]> {
    // Same order and cutoff as the DynamoDB index's sort key `{since}#…` < olderThan.
    return this.sources
      .flatMap((source) => source.pendingEntries())
      .filter((entry) => entry.order < olderThan)
      .sort((a, b) => compare(a.order, b.order))
      .slice(0, Math.max(0, limit))
      .map((entry) => entry.ref);
  }
}
