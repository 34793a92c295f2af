/** Tenants and their API keys in the single table. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type DynamoContext, getRecord, putIfAbsent } from '#lib/adapters/aws/dynamo-context';
import { API_KEY_HASH_SK, apiKeyHashPk, apiKeyKey, tenantKey, toRecord } from '#lib/adapters/aws/dynamo-keys';
import { TABLE_KEYS } from '#lib/adapters/aws/table-definition';
import { ConcurrencyError } from '#lib/domain/errors';
import type { ApiKeyRecord, Tenant } from '#lib/domain/types';

/** Creates the tenant unless it exists; returns the stored one either way. */
export async function ensureTenant(ctx: DynamoContext, tenant: Tenant): Promise<Tenant> {
  if (await putIfAbsent(ctx, { ...tenant, ...tenantKey(tenant.id) })) return tenant;
  const stored = await getRecord<Tenant>(ctx, tenantKey(tenant.id));
  // Tenants are never deleted, so a failed create always leaves one to read.
  if (stored === undefined) throw new ConcurrencyError(`Tenant ${tenant.id} vanished after a conflicting create`);
  return stored;
}

export function getTenant(ctx: DynamoContext, tenantId: string): Promise<Tenant | undefined> {
  return getRecord<Tenant>(ctx, tenantKey(tenantId));
}

/**
 * Stores the key unless its hash (or its id) is already stored. The hash check goes through the
 * eventually consistent index, so it is a best effort; SHA-256 hashes of random keys do not collide
 * in practice, and the conditional put still keeps an existing key id from being overwritten.
 */
export async function putApiKey(ctx: DynamoContext, key: ApiKeyRecord): Promise<void> {
  if ((await findApiKeyByHash(ctx, key.hash)) !== undefined) return;
  await putIfAbsent(ctx, {
    ...key,
    ...apiKeyKey(key.tenantId, key.id),
    [TABLE_KEYS.gsi1.partitionKey]: apiKeyHashPk(key.hash),
    [TABLE_KEYS.gsi1.sortKey]: API_KEY_HASH_SK,
  });
}

/** Looks a key up by hash across all tenants (through the GSI, so eventually consistent). */
export async function findApiKeyByHash(ctx: DynamoContext, hash: string): Promise<ApiKeyRecord | undefined> {
  const output = await ctx.client.send(
    new QueryCommand({
      TableName: ctx.tableName,
      IndexName: TABLE_KEYS.gsi1.indexName,
      KeyConditionExpression: '#pk = :pk AND #sk = :sk',
      ExpressionAttributeNames: { '#pk': TABLE_KEYS.gsi1.partitionKey, '#sk': TABLE_KEYS.gsi1.sortKey },
      ExpressionAttributeValues: { ':pk': apiKeyHashPk(hash), ':sk': API_KEY_HASH_SK },
      Limit: 1,
    }),
  );
  const item = output.Items?.[0];
  return item === undefined ? undefined : toRecord<ApiKeyRecord>(item);
}
