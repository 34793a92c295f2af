/** Tenants, their API keys and the per-key request counters. */
import type { ApiKeyRecord, Page, Tenant } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';

export interface TenantStore {
  /** Creates the tenant unless it exists; returns the stored one either way. */
  ensureTenant(tenant: Tenant): Promise<Tenant>;
  getTenant(tenantId: string): Promise<Tenant | undefined>;
  /**
   * Sets the account's name and retention (null removes it); returns the tenant as written, or
   * undefined if there is none. A tenant with a retention period is listed by listRetentionTenants.
   */
  updateTenant(
    tenantId: string,
    changes: { name?: string; dataRetentionDays?: number | null },
  ): Promise<Tenant | undefined>;
  /** The ids of the tenants that have a retention period, for the expiry job (no table scan). */
  listRetentionTenants(): Promise<string[]>;
  /**
   * Every tenant's id, a page at a time, for one-off migrations across tenants (a table Scan on
   * DynamoDB: `page.limit` bounds the items read, so a page may be short, even empty, with a cursor).
   */
  scanTenantIds(page: PageRequest): Promise<Page<string>>;
  /** Stores a key hash; a hash already stored is left as it is. */
  putApiKey(key: ApiKeyRecord): Promise<void>;
  /** The key whose hash this is, read consistently: a revoked key is never found. */
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  getApiKey(tenantId: string, keyId: string): Promise<ApiKeyRecord | undefined>;
  /** The tenant's keys in id (= creation) order; cursors as in listAis. */
  listApiKeys(tenantId: string, page: PageRequest): Promise<Page<ApiKeyRecord>>;
  /** Deletes the key, so it stops authenticating at once; returns false if there was nothing to delete. */
  revokeApiKey(tenantId: string, keyId: string): Promise<boolean>;
  /**
   * Counts one request of the key in the window `second` (the ISO time the second starts) unless
   * `limit` requests were already counted there; returns false, counting nothing, if they were.
   */
  countRequest(tenantId: string, keyId: string, second: string, limit: number): Promise<boolean>;
}
