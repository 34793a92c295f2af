/** Products, strategies and goals in the single table: one item each in the tenant's partition. */
import { getRecord, DynamoTableAdapter } from '#lib/adapters/aws/dynamo-context';
import { SETUP_PREFIXES, setupItemKey } from '#lib/adapters/aws/dynamo-keys';
import { createItem, deleteItem, listTenantItems, replaceItem } from '#lib/adapters/aws/dynamo-tenant-items';
import type { Page, SetupItems, SetupKind } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';
import type { SetupStore } from '#lib/ports/setup';

/** The SetupStore port on the single table. */
export class DynamoSetupStore extends DynamoTableAdapter implements SetupStore {
  /** Throws ConcurrencyError if an item of this kind with this id exists. */
  async createSetupItem<K extends SetupKind>(kind: K, item: SetupItems[K]): Promise<void> {
    return createItem(this.ctx, setupItemKey(kind, item.tenantId, item.id), item, `${kind} ${item.id}`);
  }

  async getSetupItem<K extends SetupKind>(kind: K, tenantId: string, id: string): Promise<SetupItems[K] | undefined> {
    return getRecord<SetupItems[K]>(this.ctx, setupItemKey(kind, tenantId, id));
  }

  /** One page of the tenant's items of one kind in id (= creation) order; see listTenantItems. */
  async listSetupItems<K extends SetupKind>(
    kind: K,
    tenantId: string,
    page: PageRequest,
  ): Promise<Page<SetupItems[K]>> {
    return listTenantItems<SetupItems[K]>(this.ctx, tenantId, SETUP_PREFIXES[kind], page);
  }

  /** Replaces the item; throws ConcurrencyError if it no longer exists. */
  async updateSetupItem<K extends SetupKind>(kind: K, item: SetupItems[K]): Promise<void> {
    return replaceItem(this.ctx, setupItemKey(kind, item.tenantId, item.id), item, `${kind} ${item.id}`);
  }

  /** Returns false if there was nothing to delete. */
  async deleteSetupItem(kind: SetupKind, tenantId: string, id: string): Promise<boolean> {
    return deleteItem(this.ctx, setupItemKey(kind, tenantId, id));
  }
}
