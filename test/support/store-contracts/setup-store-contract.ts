/** The behaviour every SetupStore must have, in memory and on DynamoDB alike. */
import { ConcurrencyError, ValidationError } from '#lib/domain/errors';
import type { SetupItems, SetupKind } from '#lib/domain/types';
import type { Stores } from '#lib/app/deps';
import {
  at,
  TENANT,
  OTHER_TENANT,
  anAi,
  aProduct,
  aStrategy,
  aGoal,
  SETUP_FIXTURES,
  SETUP_KINDS,
} from '#test/support/store-contracts/fixtures';
import { type StoresSetup, useFreshStores } from '#test/support/store-contracts/stores-under-test';

/** Runs the SetupStore contract against the stores `setup` makes, fresh for every test. */
export function describeSetupStoreContract(setup: StoresSetup): void {
  describe('setup items', () => {
    let stores!: Stores;
    useFreshStores(setup, (fresh) => {
      stores = fresh;
    });

    it('reads back a product without the fields left undefined, and a goal typed as a goal', async () => {
      await stores.setup.createSetupItem('product', aProduct({ price: undefined, knowledgeBaseIds: undefined }));
      await stores.setup.createSetupItem('goal', aGoal());

      const { price: _price, knowledgeBaseIds: _ids, ...bare } = aProduct();
      expect(await stores.setup.getSetupItem('product', TENANT, 'prod_01')).toStrictEqual(bare);
      expect((await stores.setup.getSetupItem('goal', TENANT, 'goal_01'))?.goalUrl).toBe('https://example.com/demo');
    });

    it('keeps items of different kinds with the same id apart', async () => {
      await stores.setup.createSetupItem('product', aProduct({ id: 'same' }));
      await stores.setup.createSetupItem('strategy', aStrategy({ id: 'same' }));

      expect(await stores.setup.deleteSetupItem('goal', TENANT, 'same')).toBe(false);
      expect(await stores.setup.deleteSetupItem('strategy', TENANT, 'same')).toBe(true);
      expect(await stores.setup.getSetupItem('product', TENANT, 'same')).toStrictEqual(aProduct({ id: 'same' }));
    });
  });
  describe.each(SETUP_KINDS)('setup items: %s', (kind) => {
    let stores!: Stores;
    useFreshStores(setup, (fresh) => {
      stores = fresh;
    });

    const anItem = (overrides: Partial<SetupItems[SetupKind]> = {}) =>
      SETUP_FIXTURES[kind](overrides as never) as SetupItems[SetupKind];
    const id = anItem().id;

    it('reads back exactly the item it created', async () => {
      await stores.setup.createSetupItem(kind, anItem());

      expect(await stores.setup.getSetupItem(kind, TENANT, id)).toStrictEqual(anItem());
    });

    it('refuses to create an item whose id exists', async () => {
      await stores.setup.createSetupItem(kind, anItem());

      await expect(stores.setup.createSetupItem(kind, anItem({ name: 'Duplicate' }))).rejects.toBeInstanceOf(
        ConcurrencyError,
      );
      expect((await stores.setup.getSetupItem(kind, TENANT, id))?.name).toBe(anItem().name);
    });

    it('replaces an item on update, and throws ConcurrencyError for one that does not exist', async () => {
      await stores.setup.createSetupItem(kind, anItem());

      await stores.setup.updateSetupItem(kind, anItem({ name: 'Renamed', updatedAt: at(60) }));

      expect(await stores.setup.getSetupItem(kind, TENANT, id)).toStrictEqual(
        anItem({ name: 'Renamed', updatedAt: at(60) }),
      );
      await expect(stores.setup.updateSetupItem(kind, anItem({ id: `${id}_missing` }))).rejects.toBeInstanceOf(
        ConcurrencyError,
      );
      expect(await stores.setup.getSetupItem(kind, TENANT, `${id}_missing`)).toBeUndefined();
    });

    it('deletes an item once and reports false the second time', async () => {
      await stores.setup.createSetupItem(kind, anItem());

      expect(await stores.setup.deleteSetupItem(kind, TENANT, id)).toBe(true);
      expect(await stores.setup.deleteSetupItem(kind, TENANT, id)).toBe(false);
      expect(await stores.setup.getSetupItem(kind, TENANT, id)).toBeUndefined();
    });

    it('lists items of its kind only, in id order in pages, with a null cursor after the last page', async () => {
      for (const n of [3, 1, 5, 2, 4]) await stores.setup.createSetupItem(kind, anItem({ id: `x_0${n}` }));
      for (const other of SETUP_KINDS.filter((k) => k !== kind)) {
        await stores.setup.createSetupItem(other, SETUP_FIXTURES[other]({ id: 'x_00' }) as never);
      }
      await stores.ais.createAi(anAi({ id: 'x_00' }));

      const first = await stores.setup.listSetupItems(kind, TENANT, { limit: 2 });
      const second = await stores.setup.listSetupItems(kind, TENANT, {
        limit: 2,
        cursor: first.nextCursor ?? undefined,
      });
      const third = await stores.setup.listSetupItems(kind, TENANT, {
        limit: 2,
        cursor: second.nextCursor ?? undefined,
      });

      expect(first.items.map((item) => item.id)).toEqual(['x_01', 'x_02']);
      expect(second.items.map((item) => item.id)).toEqual(['x_03', 'x_04']);
      expect(third).toEqual({ items: [anItem({ id: 'x_05' })], nextCursor: null });
    });

    it("rejects a forged cursor, another list's cursor and another tenant's cursor, naming the cursor", async () => {
      for (const n of [1, 2]) {
        await stores.setup.createSetupItem(kind, anItem({ id: `x_0${n}` }));
        await stores.setup.createSetupItem(kind, anItem({ tenantId: OTHER_TENANT, id: `x_0${n}` }));
        await stores.ais.createAi(anAi({ id: `x_0${n}` }));
      }
      const theirs = await stores.setup.listSetupItems(kind, OTHER_TENANT, { limit: 1 });
      const ais = await stores.ais.listAis(TENANT, { limit: 1 });

      for (const cursor of ['not-a-cursor', theirs.nextCursor, ais.nextCursor]) {
        const attempt = stores.setup.listSetupItems(kind, TENANT, { limit: 1, cursor: cursor ?? undefined });
        await expect(attempt).rejects.toBeInstanceOf(ValidationError);
        await expect(attempt).rejects.toMatchObject({ details: [{ path: 'cursor' }] });
      }
    });

    it("shows one tenant none of another tenant's items", async () => {
      await stores.setup.createSetupItem(kind, anItem());

      expect(await stores.setup.listSetupItems(kind, OTHER_TENANT, { limit: 10 })).toEqual({
        items: [],
        nextCursor: null,
      });
      expect(await stores.setup.getSetupItem(kind, OTHER_TENANT, id)).toBeUndefined();
      expect(await stores.setup.deleteSetupItem(kind, OTHER_TENANT, id)).toBe(false);
      await expect(stores.setup.updateSetupItem(kind, anItem({ tenantId: OTHER_TENANT }))).rejects.toBeInstanceOf(
        ConcurrencyError,
      );
      expect(await stores.setup.getSetupItem(kind, TENANT, id)).toStrictEqual(anItem());
    });
  });
}
