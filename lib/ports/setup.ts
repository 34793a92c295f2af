/** Products, strategies and goals. */
import type { Page, SetupItems, SetupKind } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';

/**
 * Products, strategies and goals: one set of methods for the three kinds, each typed by `kind`
 * (`getSetupItem('goal', …)` resolves to a Goal). Finding the AIs that use an item needs no method
 * of its own: a tenant has few AIs, so the use case lists them and filters.
 */
export interface SetupStore {
  /** Throws ConcurrencyError if an item of this kind with this id exists. */
  createSetupItem<K extends SetupKind>(kind: K, item: SetupItems[K]): Promise<void>;
  getSetupItem<K extends SetupKind>(kind: K, tenantId: string, id: string): Promise<SetupItems[K] | undefined>;
  /** Oldest first; cursors as in listAis (opaque, and only valid for this kind and tenant). */
  listSetupItems<K extends SetupKind>(kind: K, tenantId: string, page: PageRequest): Promise<Page<SetupItems[K]>>;
  /** Replaces the item; throws ConcurrencyError if it no longer exists. */
  updateSetupItem<K extends SetupKind>(kind: K, item: SetupItems[K]): Promise<void>;
  /** Returns false if there was nothing to delete. */
  deleteSetupItem(kind: SetupKind, tenantId: string, id: string): Promise<boolean>;
}
