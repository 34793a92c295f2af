import { createMemoryStores } from '#test/support/memory/memory-stores';
import { describeStoreContracts } from '#test/support/store-contracts/describe-store-contracts';

describeStoreContracts('MemoryStore', async () => ({ stores: createMemoryStores(), teardown: async () => {} }));

describe('MemoryStore copies', () => {
  it('does not let a caller change a stored record through an object it passed in or got back', async () => {
    const store = createMemoryStores().tenants;
    const tenant = { id: 'ten_1', name: 'Acme', createdAt: '2025-03-01T12:00:00.000Z' };
    await store.ensureTenant(tenant);

    tenant.name = 'Changed after writing';
    const read = await store.getTenant('ten_1');
    if (read) read.name = 'Changed after reading';

    expect((await store.getTenant('ten_1'))?.name).toBe('Acme');
  });
});
