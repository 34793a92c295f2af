/** TenantStore in memory (see memory-records.ts for how records are kept). */
import { clone, insertIfAbsent, key, listPage } from '#test/support/memory/memory-records';
import type { ApiKeyRecord, Page, Tenant } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';
import type { TenantStore } from '#lib/ports/tenants';

export class MemoryTenantStore implements TenantStore {
  private readonly tenants = new Map<string, Tenant>();
  private readonly apiKeys = new Map<string, ApiKeyRecord>();
  /** Requests counted per key and second (never pruned: a test's store lives for seconds). */
  private readonly requestCounts = new Map<string, number>();

  async ensureTenant(tenant: Tenant): Promise<Tenant> {
    return clone(insertIfAbsent(this.tenants, key(tenant.id), tenant));
  }
  async getTenant(tenantId: string): Promise<Tenant | undefined> {
    return clone(this.tenants.get(key(tenantId)));
  }
  async updateTenant(tenantId: string, changes: { name?: string; dataRetentionDays?: number | null }) {
    const stored = this.tenants.get(key(tenantId));
    if (stored === undefined) return undefined;
    if (changes.name !== undefined) stored.name = changes.name;
    if (changes.dataRetentionDays === null) delete stored.dataRetentionDays;
    else if (changes.dataRetentionDays !== undefined) stored.dataRetentionDays = changes.dataRetentionDays;
    return clone(stored);
  }
  async listRetentionTenants(): Promise<string[]> {
    return [...this.tenants.values()].filter((t) => t.dataRetentionDays !== undefined).map((t) => t.id);
  }
  async scanTenantIds(page: PageRequest): Promise<Page<string>> {
    const ids = [...this.tenants.values()].map((t) => t.id).sort();
    const from = page.cursor === undefined ? 0 : ids.findIndex((id) => id > (page.cursor as string));
    const items = from < 0 ? [] : ids.slice(from, from + page.limit);
    const last = items.at(-1);
    return { items, nextCursor: last !== undefined && last !== ids.at(-1) ? last : null };
  }
  async putApiKey(record: ApiKeyRecord): Promise<void> {
    if ((await this.findApiKeyByHash(record.hash)) !== undefined) return;
    insertIfAbsent(this.apiKeys, key(record.tenantId, record.id), record);
  }
  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    return clone([...this.apiKeys.values()].find((record) => record.hash === hash));
  }
  async getApiKey(tenantId: string, keyId: string): Promise<ApiKeyRecord | undefined> {
    return clone(this.apiKeys.get(key(tenantId, keyId)));
  }
  async listApiKeys(tenantId: string, page: PageRequest): Promise<Page<ApiKeyRecord>> {
    return listPage(this.apiKeys.values(), 'apiKey', tenantId, page);
  }
  async revokeApiKey(tenantId: string, keyId: string): Promise<boolean> {
    return this.apiKeys.delete(key(tenantId, keyId));
  }
  async countRequest(tenantId: string, keyId: string, second: string, limit: number): Promise<boolean> {
    const counter = key(tenantId, 'rate', keyId, second);
    const counted = this.requestCounts.get(counter) ?? 0;
    if (counted >= limit) return false;
    this.requestCounts.set(counter, counted + 1);
    return true;
  }
}
