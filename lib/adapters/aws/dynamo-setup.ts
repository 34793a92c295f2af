/** Products, strategies and goals in the single table: one item each in the tenant's partition. */
import { type DynamoContext, getRecord } from '#lib/adapters/aws/dynamo-context';
import { SETUP_PREFIXES, setupItemKey } from '#lib/adapters/aws/dynamo-keys';
import { createItem, deleteItem, listTenantItems, replaceItem } from '#lib/adapters/aws/dynamo-tenant-items';
import type { Page, SetupItems, SetupKind } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports';

/** Throws ConcurrencyError if an item of this kind with this id exists. */
export function createSetupItem<K extends SetupKind>(ctx: DynamoContext, kind: K, item: SetupItems[K]): Promise<void> {
  return createItem(ctx, setupItemKey(kind, item.tenantId, item.id), item, `${kind} ${item.id}`);
}

export function getSetupItem<K extends SetupKind>(
  ctx: DynamoContext,
  kind: K,
  tenantId: string,
  id: string,
): Promise<SetupItems[K] | undefined> {
  return getRecord<SetupItems[K]>(ctx, setupItemKey(kind, tenantId, id));
}

/** One page of the tenant's items of one kind in id (= creation) order; see listTenantItems. */
export function listSetupItems<K extends SetupKind>(
  ctx: DynamoContext,
  kind: K,
  tenantId: string,
  page: PageRequest,
): Promise<Page<SetupItems[K]>> {
  return listTenantItems<SetupItems[K]>(ctx, tenantId, SETUP_PREFIXES[kind], page);
}

/** Replaces the item; throws ConcurrencyError if it no longer exists. */
export function updateSetupItem<K extends SetupKind>(ctx: DynamoContext, kind: K, item: SetupItems[K]): Promise<void> {
  return replaceItem(ctx, setupItemKey(kind, item.tenantId, item.id), item, `${kind} ${item.id}`);
}

/** Returns false if there was nothing to delete. */
export function deleteSetupItem(ctx: DynamoContext, kind: SetupKind, tenantId: string, id: string): Promise<boolean> {
  return deleteItem(ctx, setupItemKey(kind, tenantId, id));
}
