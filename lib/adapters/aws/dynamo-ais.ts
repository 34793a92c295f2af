/** AI setups in the single table: one item per AI in the tenant's partition. */
import { type DynamoContext, getRecord } from '#lib/adapters/aws/dynamo-context';
import { aiKey, PREFIX_AI } from '#lib/adapters/aws/dynamo-keys';
import { createItem, deleteItem, listTenantItems, replaceItem } from '#lib/adapters/aws/dynamo-tenant-items';
import type { Ai, Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports';

/** Throws ConcurrencyError if an AI with this id exists. */
export function createAi(ctx: DynamoContext, ai: Ai): Promise<void> {
  return createItem(ctx, aiKey(ai.tenantId, ai.id), ai, `AI ${ai.id}`);
}

export function getAi(ctx: DynamoContext, tenantId: string, aiId: string): Promise<Ai | undefined> {
  return getRecord<Ai>(ctx, aiKey(tenantId, aiId));
}

/** One page of the tenant's AIs in id (= creation) order; see listTenantItems. */
export function listAis(ctx: DynamoContext, tenantId: string, page: PageRequest): Promise<Page<Ai>> {
  return listTenantItems<Ai>(ctx, tenantId, PREFIX_AI, page);
}

/** Replaces the AI; throws ConcurrencyError if it no longer exists. */
export function updateAi(ctx: DynamoContext, ai: Ai): Promise<void> {
  return replaceItem(ctx, aiKey(ai.tenantId, ai.id), ai, `AI ${ai.id}`);
}

/** Returns false if there was nothing to delete. */
export function deleteAi(ctx: DynamoContext, tenantId: string, aiId: string): Promise<boolean> {
  return deleteItem(ctx, aiKey(tenantId, aiId));
}
