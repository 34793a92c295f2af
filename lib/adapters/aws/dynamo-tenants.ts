/** Tenants and their API keys in the single table. */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  attempt,
  type DynamoContext,
  DynamoTableAdapter,
  getRecord,
  isConditionFailed,
  putIfAbsent,
  queryAll,
} from '#lib/adapters/aws/dynamo-context';
import {
  API_KEY_HASH_SK,
  apiKeyHashPk,
  apiKeyKey,
  PREFIX_KEY,
  rateCounterKey,
  SK_TENANT,
  tenantKey,
  toRecord,
} from '#lib/adapters/aws/dynamo-keys';
import { scanPage } from '#lib/adapters/aws/dynamo-scan';
import { deleteItem, listTenantItems } from '#lib/adapters/aws/dynamo-tenant-items';
import { TABLE_KEYS } from '#lib/adapters/aws/table-definition';
import { ConcurrencyError } from '#lib/domain/errors';
import { RATE_COUNTER_TTL_SECONDS } from '#lib/domain/limits/http';
import type { ApiKeyRecord, Page, Tenant } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';
import type { TenantStore } from '#lib/ports/tenants';

/** The TenantStore port on the single table. */
export class DynamoTenantStore extends DynamoTableAdapter implements TenantStore {
  private readonly apiKeyLocations = new ApiKeyLocations();

  /** Creates the tenant unless it exists; returns the stored one either way. */
  async ensureTenant(tenant: Tenant): Promise<Tenant> {
    if (await putIfAbsent(this.ctx, { ...tenant, ...tenantKey(tenant.id) })) return tenant;
    const stored = await getRecord<Tenant>(this.ctx, tenantKey(tenant.id));
    // Tenants are never deleted, so a failed create always leaves one to read.
    if (stored === undefined) throw new ConcurrencyError(`Tenant ${tenant.id} vanished after a conflicting create`);
    return stored;
  }

  async getTenant(tenantId: string): Promise<Tenant | undefined> {
    return getRecord<Tenant>(this.ctx, tenantKey(tenantId));
  }

  /**
   * One conditional UpdateItem. A tenant with a retention period also sits in gsi1 under
   * RETENTION_PK, a sparse index entry that lets the expiry job find it without a scan.
   */
  async updateTenant(
    tenantId: string,
    changes: { name?: string; dataRetentionDays?: number | null },
  ): Promise<Tenant | undefined> {
    const sets: string[] = [];
    const removes: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    if (changes.name !== undefined) {
      sets.push('#name = :name');
      names['#name'] = 'name';
      values[':name'] = changes.name;
    }
    if (changes.dataRetentionDays !== undefined) {
      Object.assign(names, { '#gpk': TABLE_KEYS.gsi1.partitionKey, '#gsk': TABLE_KEYS.gsi1.sortKey });
      if (changes.dataRetentionDays === null) removes.push('dataRetentionDays', '#gpk', '#gsk');
      else {
        sets.push('dataRetentionDays = :days', '#gpk = :gpk', '#gsk = :id');
        Object.assign(values, { ':days': changes.dataRetentionDays, ':gpk': RETENTION_PK, ':id': tenantId });
      }
    }
    if (sets.length + removes.length === 0) return this.getTenant(tenantId);
    try {
      const output = await this.ctx.client.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
          Key: tenantKey(tenantId),
          UpdateExpression: [
            ...(sets.length > 0 ? [`SET ${sets.join(', ')}`] : []),
            ...(removes.length > 0 ? [`REMOVE ${removes.join(', ')}`] : []),
          ].join(' '),
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return output.Attributes === undefined ? undefined : toRecord<Tenant>(output.Attributes);
    } catch (error) {
      if (isConditionFailed(error)) return undefined;
      throw error;
    }
  }

  async listRetentionTenants(): Promise<string[]> {
    const items = await queryAll(this.ctx, {
      IndexName: TABLE_KEYS.gsi1.indexName,
      KeyConditionExpression: '#gpk = :gpk',
      ExpressionAttributeNames: { '#gpk': TABLE_KEYS.gsi1.partitionKey },
      ExpressionAttributeValues: { ':gpk': RETENTION_PK },
    });
    return items.map((item) => String(item.id));
  }

  async scanTenantIds(page: PageRequest): Promise<Page<string>> {
    const { items, nextCursor } = await scanPage(this.ctx, page, {
      filter: 'sk = :tenant',
      projection: 'pk, sk, id',
      values: { ':tenant': SK_TENANT },
    });
    return { items: items.map((item) => String(item.id)), nextCursor };
  }

  /**
   * Stores the key unless its hash (or its id) is already stored. The hash check goes through the
   * eventually consistent index, so it is a best effort; SHA-256 hashes of random keys do not collide
   * in practice, and the conditional put still keeps an existing key id from being overwritten.
   */
  async putApiKey(key: ApiKeyRecord): Promise<void> {
    // A fresh cache: what a write learns is not kept for the requests this store authenticates.
    if ((await this.lookUpApiKey(key.hash, new ApiKeyLocations())) !== undefined) return;
    await putIfAbsent(this.ctx, {
      ...key,
      ...apiKeyKey(key.tenantId, key.id),
      [TABLE_KEYS.gsi1.partitionKey]: apiKeyHashPk(key.hash),
      [TABLE_KEYS.gsi1.sortKey]: API_KEY_HASH_SK,
    });
  }

  /**
   * Looks a key up by hash across all tenants. The GSI only says which key the hash belongs to (and
   * is eventually consistent: it may still list a key revoked a moment ago); the key's own item, read
   * consistently, decides, so a revoked key stops working at once.
   */
  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    return this.lookUpApiKey(hash, this.apiKeyLocations);
  }

  private async lookUpApiKey(hash: string, known: ApiKeyLocations): Promise<ApiKeyRecord | undefined> {
    const listed = known.get(hash) ?? (await findIndexedApiKey(this.ctx, hash));
    if (listed === undefined) return undefined;
    const stored = await this.getApiKey(listed.tenantId, listed.id);
    if (stored?.hash !== hash) {
      known.forget(hash);
      return undefined;
    }
    known.remember(hash, { tenantId: stored.tenantId, id: stored.id });
    return stored;
  }

  async getApiKey(tenantId: string, keyId: string): Promise<ApiKeyRecord | undefined> {
    return getRecord<ApiKeyRecord>(this.ctx, apiKeyKey(tenantId, keyId));
  }

  /** One page of the tenant's keys in id (= creation) order; see listTenantItems. */
  async listApiKeys(tenantId: string, page: PageRequest): Promise<Page<ApiKeyRecord>> {
    return listTenantItems<ApiKeyRecord>(this.ctx, tenantId, PREFIX_KEY, page);
  }

  /** Deleting the item also drops its hash from the GSI; returns false if there was nothing to delete. */
  async revokeApiKey(tenantId: string, keyId: string): Promise<boolean> {
    return deleteItem(this.ctx, apiKeyKey(tenantId, keyId));
  }

  /**
   * One atomic conditional increment of the key's counter for `second`: refused once it reached
   * `limit`. Each second has its own item, so an old count is never read again; TTL removes it later.
   */
  async countRequest(tenantId: string, keyId: string, second: string, limit: number): Promise<boolean> {
    return attempt(() =>
      this.ctx.client.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
          Key: rateCounterKey(tenantId, keyId, second),
          UpdateExpression: 'SET #ttl = :ttl ADD #n :one',
          ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
          ExpressionAttributeNames: { '#n': 'n', '#ttl': TABLE_KEYS.timeToLive },
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': limit,
            ':ttl': Math.floor(Date.parse(second) / 1000) + RATE_COUNTER_TTL_SECONDS,
          },
        }),
      ),
    );
  }
}

/** The gsi1 partition listing the tenants that have a retention period. */
const RETENTION_PK = 'RETENTION';

/** Where a key hash's item is: fixed for the key's life, so it can be remembered; only the item says if it still holds. */
interface ApiKeyLocation {
  tenantId: string;
  id: string;
}

/**
 * The GSI lookups of recent key hashes, so that a warm function reads each request's key with one
 * consistent GetItem instead of a Query and a GetItem. Safe to keep: a hash always names the same
 * key, and revocation is seen on the key's own item, which is still read on every request.
 */
export class ApiKeyLocations {
  /** Keys a warm function remembers; the oldest is forgotten first. */
  static readonly MAX_ENTRIES = 1_000;
  private readonly entries = new Map<string, ApiKeyLocation>();

  get(hash: string): ApiKeyLocation | undefined {
    return this.entries.get(hash);
  }

  remember(hash: string, location: ApiKeyLocation): void {
    this.entries.delete(hash);
    this.entries.set(hash, location);
    if (this.entries.size > ApiKeyLocations.MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  forget(hash: string): void {
    this.entries.delete(hash);
  }
}

async function findIndexedApiKey(ctx: DynamoContext, hash: string): Promise<ApiKeyRecord | undefined> {
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
