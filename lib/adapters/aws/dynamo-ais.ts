/** AI setups in the single table: one item per AI in the tenant's partition. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { attempt, type DynamoContext, getRecord } from '#lib/adapters/aws/dynamo-context';
import { aiKey, PREFIX_AI } from '#lib/adapters/aws/dynamo-keys';
import { createItem, deleteItem, listTenantItems, replaceItem } from '#lib/adapters/aws/dynamo-tenant-items';
import type { Ai, Page, WebhookHealth } from '#lib/domain/types';
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

/**
 * Sets or clears only `webhookHealth` (UpdateItem), so a PATCH replacing the AI at the same time
 * loses nothing. Returns false, writing nothing, if the AI does not exist.
 */
export function recordWebhookHealth(
  ctx: DynamoContext,
  tenantId: string,
  aiId: string,
  health: WebhookHealth | undefined,
): Promise<boolean> {
  return attempt(() =>
    ctx.client.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: aiKey(tenantId, aiId),
        ConditionExpression: 'attribute_exists(pk)',
        ...(health === undefined
          ? { UpdateExpression: 'REMOVE webhookHealth' }
          : { UpdateExpression: 'SET webhookHealth = :health', ExpressionAttributeValues: { ':health': health } }),
      }),
    ),
  );
}
