/** The behaviour every TenantStore must have, in memory and on DynamoDB alike. */
import type { Stores } from '#lib/app/deps';
import { at, TENANT, OTHER_TENANT, aTenant, anApiKey } from '#test/support/store-contracts/fixtures';
import { type StoresSetup, useFreshStores } from '#test/support/store-contracts/stores-under-test';

/** Runs the TenantStore contract against the stores `setup` makes, fresh for every test. */
export function describeTenantStoreContract(setup: StoresSetup): void {
  describe('tenants and API keys', () => {
    let stores!: Stores;
    useFreshStores(setup, (fresh) => {
      stores = fresh;
    });

    it('creates a tenant once and returns the stored one when it is ensured again', async () => {
      const first = await stores.tenants.ensureTenant(aTenant());

      const second = await stores.tenants.ensureTenant(aTenant({ name: 'Someone else', createdAt: at(60) }));

      expect(first).toEqual(aTenant());
      expect(second).toEqual(aTenant());
      expect(await stores.tenants.getTenant(TENANT)).toEqual(aTenant());
    });

    it('returns undefined for a tenant that does not exist', async () => {
      expect(await stores.tenants.getTenant('ten_missing')).toBeUndefined();
    });

    it('scans every tenant id once across pages that read a bounded number of items, ending with a null cursor', async () => {
      await stores.tenants.ensureTenant(aTenant());
      await stores.tenants.ensureTenant(aTenant({ id: OTHER_TENANT }));
      // Other items of a tenant are read by the scan but are not tenants.
      await stores.tenants.putApiKey(anApiKey('key_01', '1'));
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await stores.tenants.scanTenantIds({ limit: 1, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(1);
        seen.push(...page.items);
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor && pages < 20);

      expect(cursor).toBeUndefined();
      expect(seen.sort()).toEqual([TENANT, OTHER_TENANT]);
    });

    it('refuses a tenant id containing "#", which would blur key boundaries', async () => {
      await expect(stores.tenants.getTenant('ten#1')).rejects.toThrow(/tenant id/);
    });

    it('finds an API key by its hash, from any tenant', async () => {
      const key = {
        tenantId: OTHER_TENANT,
        id: 'key_01',
        hash: 'a'.repeat(64),
        prefix: 'prly_AbCd…',
        createdAt: at(0),
      };
      await stores.tenants.putApiKey(key);

      expect(await stores.tenants.findApiKeyByHash('a'.repeat(64))).toStrictEqual(key);
      expect(await stores.tenants.findApiKeyByHash('b'.repeat(64))).toBeUndefined();
    });

    it('leaves a stored hash as it is when it is put again', async () => {
      const key = { tenantId: TENANT, id: 'key_01', hash: 'c'.repeat(64), prefix: 'prly_AbCd…', createdAt: at(0) };
      await stores.tenants.putApiKey(key);

      await stores.tenants.putApiKey({ ...key, prefix: 'prly_Zzzz…', createdAt: at(60) });

      expect(await stores.tenants.findApiKeyByHash(key.hash)).toStrictEqual(key);
    });

    it('reads back a key with its name, by id, within its tenant only', async () => {
      const key = { ...anApiKey('key_01', 'd'), name: 'Zapier' };
      await stores.tenants.putApiKey(key);

      expect(await stores.tenants.getApiKey(TENANT, 'key_01')).toStrictEqual(key);
      expect(await stores.tenants.findApiKeyByHash(key.hash)).toStrictEqual(key);
      expect(await stores.tenants.getApiKey(OTHER_TENANT, 'key_01')).toBeUndefined();
    });

    it("lists a tenant's keys in id order in pages, with a null cursor after the last page, and none of another tenant's", async () => {
      await stores.tenants.putApiKey(anApiKey('key_03', '3'));
      await stores.tenants.putApiKey(anApiKey('key_01', '1'));
      await stores.tenants.putApiKey(anApiKey('key_02', '2'));
      await stores.tenants.putApiKey({ ...anApiKey('key_00', '0'), tenantId: OTHER_TENANT });

      const first = await stores.tenants.listApiKeys(TENANT, { limit: 2 });
      const second = await stores.tenants.listApiKeys(TENANT, { limit: 2, cursor: first.nextCursor ?? '' });

      expect(first.items.map((k) => k.id)).toEqual(['key_01', 'key_02']);
      expect(second).toEqual({ items: [anApiKey('key_03', '3')], nextCursor: null });
    });

    it('refuses a key revoked after it was found: what a warm lookup remembers does not outlive revocation', async () => {
      await stores.tenants.putApiKey(anApiKey('key_01', 'f'));
      expect(await stores.tenants.findApiKeyByHash('f'.repeat(64))).toBeDefined();

      await stores.tenants.revokeApiKey(TENANT, 'key_01');

      expect(await stores.tenants.findApiKeyByHash('f'.repeat(64))).toBeUndefined();
    });

    it('revokes a key so its hash no longer finds it, and reports false the second time', async () => {
      await stores.tenants.putApiKey(anApiKey('key_01', 'e'));

      expect(await stores.tenants.revokeApiKey(TENANT, 'key_01')).toBe(true);

      expect(await stores.tenants.findApiKeyByHash('e'.repeat(64))).toBeUndefined();
      expect(await stores.tenants.getApiKey(TENANT, 'key_01')).toBeUndefined();
      expect(await stores.tenants.listApiKeys(TENANT, { limit: 10 })).toEqual({ items: [], nextCursor: null });
      expect(await stores.tenants.revokeApiKey(TENANT, 'key_01')).toBe(false);
    });

    it('counts requests per key and second up to the limit, then refuses more in that second only', async () => {
      const count = (keyId: string, second: string, tenantId = TENANT) =>
        stores.tenants.countRequest(tenantId, keyId, second, 3);
      const admitted = [];
      for (let i = 0; i < 4; i++) admitted.push(await count('key_01', at(0)));

      expect(admitted).toEqual([true, true, true, false]);
      expect(await count('key_01', at(1))).toBe(true);
      expect(await count('key_02', at(0))).toBe(true);
      expect(await count('key_01', at(0), OTHER_TENANT)).toBe(true);
    });
  });
}
