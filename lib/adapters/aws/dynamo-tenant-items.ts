/**
 * Records kept as one item each in the tenant's partition under a sort-key prefix (AIs, products,
 * strategies, goals): the create, replace, delete and paged list they all share.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { attempt, type DynamoContext, putIfAbsent, queryUpTo } from '#lib/adapters/aws/dynamo-context';
import { decodeCursor, encodeCursor, type ItemKey, tenantPk, toRecord } from '#lib/adapters/aws/dynamo-keys';
import { ConcurrencyError, ValidationError } from '#lib/domain/errors';
import type { Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';

/** Stores `record` under `key`; throws ConcurrencyError (naming `what`) if the key is taken. */
export async function createItem(ctx: DynamoContext, key: ItemKey, record: object, what: string): Promise<void> {
  if (!(await putIfAbsent(ctx, { ...record, ...key }))) throw new ConcurrencyError(`${what} already exists`);
}

/** Replaces the item under `key`; throws ConcurrencyError (naming `what`) if it no longer exists. */
export async function replaceItem(ctx: DynamoContext, key: ItemKey, record: object, what: string): Promise<void> {
  const replaced = await attempt(() =>
    ctx.client.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: { ...record, ...key },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    ),
  );
  if (!replaced) throw new ConcurrencyError(`${what} no longer exists`);
}

/** Returns false if there was nothing to delete. */
export async function deleteItem(ctx: DynamoContext, key: ItemKey): Promise<boolean> {
  const output = await ctx.client.send(
    new DeleteCommand({ TableName: ctx.tableName, Key: key, ReturnValues: 'ALL_OLD' }),
  );
  return output.Attributes !== undefined;
}

/**
 * One page of the tenant's items under `skPrefix`, in sort-key order (id = creation order for most
 * records), or in reverse with `order: 'descending'`. It asks for one item more than the page
 * holds, so `nextCursor` is null exactly when nothing follows: a caller never gets an empty last
 * page. A cursor is only accepted by the list (tenant and prefix) that made it.
 */
export async function listTenantItems<T>(
  ctx: DynamoContext,
  tenantId: string,
  skPrefix: string,
  page: PageRequest,
  order: 'ascending' | 'descending' = 'ascending',
): Promise<Page<T>> {
  return listPartitionItems<T>(ctx, tenantPk(tenantId), skPrefix, page, { order });
}

/**
 * listTenantItems on any partition (`pk` must start with the tenant's), optionally leaving out
 * the items `filter` (a FilterExpression on the item's own attributes) rejects.
 */
export async function listPartitionItems<T>(
  ctx: DynamoContext,
  pk: string,
  skPrefix: string,
  page: PageRequest,
  options: { order?: 'ascending' | 'descending'; filter?: string } = {},
): Promise<Page<T>> {
  assertPageLimit(page.limit);
  const items = await queryUpTo(
    ctx,
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: options.filter,
      ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
      ConsistentRead: true,
      ScanIndexForward: options.order !== 'descending',
      ExclusiveStartKey: page.cursor === undefined ? undefined : { ...decodeCursor(page.cursor, pk, skPrefix) },
    },
    page.limit + 1,
  );
  const pageItems = items.slice(0, page.limit);
  const last = pageItems.at(-1);
  return {
    items: pageItems.map((item) => toRecord<T>(item)),
    nextCursor: items.length > page.limit && last !== undefined ? encodeCursor({ pk, sk: String(last.sk) }) : null,
  };
}

/** DynamoDB rejects a Limit below 1; say so in the contract's terms rather than as an SDK error. */
export function assertPageLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ValidationError('Invalid page size', {
      details: [{ path: 'limit', message: 'must be a positive integer' }],
    });
  }
}
