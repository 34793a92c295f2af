/** AI setups in the single table: one item per AI in the tenant's partition. */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { attempt, type DynamoContext, getRecord, putIfAbsent, queryUpTo } from '#lib/adapters/aws/dynamo-context';
import { aiKey, decodeCursor, encodeCursor, PREFIX_AI, tenantPk, toRecord } from '#lib/adapters/aws/dynamo-keys';
import { ConcurrencyError, ValidationError } from '#lib/domain/errors';
import type { Ai, Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports';

/** Throws ConcurrencyError if an AI with this id exists. */
export async function createAi(ctx: DynamoContext, ai: Ai): Promise<void> {
  if (!(await putIfAbsent(ctx, { ...ai, ...aiKey(ai.tenantId, ai.id) }))) {
    throw new ConcurrencyError(`AI ${ai.id} already exists`);
  }
}

export function getAi(ctx: DynamoContext, tenantId: string, aiId: string): Promise<Ai | undefined> {
  return getRecord<Ai>(ctx, aiKey(tenantId, aiId));
}

/**
 * One page of the tenant's AIs in id (= creation) order. It asks for one item more than the page
 * holds, so `nextCursor` is null exactly when nothing follows: a caller never gets an empty last page.
 */
export async function listAis(ctx: DynamoContext, tenantId: string, page: PageRequest): Promise<Page<Ai>> {
  assertPageLimit(page.limit);
  const pk = tenantPk(tenantId);
  const items = await queryUpTo(
    ctx,
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': PREFIX_AI },
      ConsistentRead: true,
      ExclusiveStartKey: page.cursor === undefined ? undefined : { ...decodeCursor(page.cursor, pk, PREFIX_AI) },
    },
    page.limit + 1,
  );
  const pageItems = items.slice(0, page.limit);
  const last = pageItems.at(-1);
  return {
    items: pageItems.map((item) => toRecord<Ai>(item)),
    nextCursor: items.length > page.limit && last !== undefined ? encodeCursor({ pk, sk: String(last.sk) }) : null,
  };
}

/** Replaces the AI; throws ConcurrencyError if it no longer exists. */
export async function updateAi(ctx: DynamoContext, ai: Ai): Promise<void> {
  const replaced = await attempt(() =>
    ctx.client.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: { ...ai, ...aiKey(ai.tenantId, ai.id) },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    ),
  );
  if (!replaced) throw new ConcurrencyError(`AI ${ai.id} no longer exists`);
}

/** Returns false if there was nothing to delete. */
export async function deleteAi(ctx: DynamoContext, tenantId: string, aiId: string): Promise<boolean> {
  const output = await ctx.client.send(
    new DeleteCommand({ TableName: ctx.tableName, Key: aiKey(tenantId, aiId), ReturnValues: 'ALL_OLD' }),
  );
  return output.Attributes !== undefined;
}

/** DynamoDB rejects a Limit below 1; say so in the contract's terms rather than as an SDK error. */
function assertPageLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ValidationError('Invalid page size', {
      details: [{ path: 'limit', message: 'must be a positive integer' }],
    });
  }
}
