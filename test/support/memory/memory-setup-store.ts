/** SetupStore in memory. */
import { clone, key, listPage } from '#test/support/memory/memory-records';
import { ConcurrencyError } from '#lib/domain/errors';
import type { Page, SetupItem, SetupItems, SetupKind } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';
import type { SetupStore } from '#lib/ports/setup';

export class MemorySetupStore implements SetupStore {
  private readonly setupItems: Record<SetupKind, Map<string, SetupItem>> = {
    product: new Map(),
    strategy: new Map(),
    goal: new Map(),
  };

  async createSetupItem<K extends SetupKind>(kind: K, item: SetupItems[K]): Promise<void> {
    const items = this.setupItems[kind];
    if (items.has(key(item.tenantId, item.id))) throw new ConcurrencyError(`${kind} ${item.id} already exists`);
    items.set(key(item.tenantId, item.id), clone(item));
  }
  async getSetupItem<K extends SetupKind>(kind: K, tenantId: string, id: string): Promise<SetupItems[K] | undefined> {
    return clone(this.setupItems[kind].get(key(tenantId, id))) as SetupItems[K] | undefined;
  }
  async listSetupItems<K extends SetupKind>(
    kind: K,
    tenantId: string,
    page: PageRequest,
  ): Promise<Page<SetupItems[K]>> {
    return listPage(this.setupItems[kind].values(), kind, tenantId, page) as Page<SetupItems[K]>;
  }
  async updateSetupItem<K extends SetupKind>(kind: K, item: SetupItems[K]): Promise<void> {
    const items = this.setupItems[kind];
    if (!items.has(key(item.tenantId, item.id))) throw new ConcurrencyError(`${kind} ${item.id} no longer exists`);
    items.set(key(item.tenantId, item.id), clone(item));
  }
  async deleteSetupItem(kind: SetupKind, tenantId: string, id: string): Promise<boolean> {
    return this.setupItems[kind].delete(key(tenantId, id));
  }
}
