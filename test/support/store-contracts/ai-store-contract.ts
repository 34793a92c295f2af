/** The behaviour every AiStore must have, in memory and on DynamoDB alike. */
import { ConcurrencyError, ValidationError } from '#lib/domain/errors';
import type { Stores } from '#lib/app/deps';
import { at, TENANT, OTHER_TENANT, anAi } from '#test/support/store-contracts/fixtures';
import { type StoresSetup, useFreshStores } from '#test/support/store-contracts/stores-under-test';

/** Runs the AiStore contract against the stores `setup` makes, fresh for every test. */
export function describeAiStoreContract(setup: StoresSetup): void {
  describe('AIs', () => {
    let stores!: Stores;
    useFreshStores(setup, (fresh) => {
      stores = fresh;
    });

    it('reads back exactly the AI it created, without fields left undefined', async () => {
      const ai = anAi();

      await stores.ais.createAi({ ...ai, instructions: undefined, language: 'en' });

      expect(await stores.ais.getAi(TENANT, ai.id)).toStrictEqual({ ...ai, language: 'en' });
    });

    it('refuses to create an AI whose id exists', async () => {
      await stores.ais.createAi(anAi());

      await expect(stores.ais.createAi(anAi({ name: 'Duplicate' }))).rejects.toBeInstanceOf(ConcurrencyError);
      expect((await stores.ais.getAi(TENANT, 'ai_01'))?.name).toBe('Sales assistant');
    });

    it('replaces an AI on update', async () => {
      await stores.ais.createAi(anAi({ instructions: 'Be brief.' }));

      await stores.ais.updateAi(anAi({ name: 'Renamed', updatedAt: at(60) }));

      expect(await stores.ais.getAi(TENANT, 'ai_01')).toStrictEqual(anAi({ name: 'Renamed', updatedAt: at(60) }));
    });

    it('throws ConcurrencyError when updating an AI that does not exist', async () => {
      await expect(stores.ais.updateAi(anAi())).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await stores.ais.getAi(TENANT, 'ai_01')).toBeUndefined();
    });

    it("sets and clears only the AI's webhook health", async () => {
      await stores.ais.createAi(anAi());
      const health = { failingSince: at(10), lastFailureAt: at(20) };

      expect(await stores.ais.recordWebhookHealth(TENANT, 'ai_01', health)).toBe(true);
      const flagged = await stores.ais.getAi(TENANT, 'ai_01');
      expect(await stores.ais.recordWebhookHealth(TENANT, 'ai_01', undefined)).toBe(true);

      expect(flagged).toStrictEqual(anAi({ webhookHealth: health }));
      expect(await stores.ais.getAi(TENANT, 'ai_01')).toStrictEqual(anAi());
    });

    it('records webhook health on no AI that does not exist', async () => {
      const health = { failingSince: at(10), lastFailureAt: at(20) };

      expect(await stores.ais.recordWebhookHealth(TENANT, 'ai_missing', health)).toBe(false);
      expect(await stores.ais.getAi(TENANT, 'ai_missing')).toBeUndefined();
    });

    it('deletes an AI once and reports false the second time', async () => {
      await stores.ais.createAi(anAi());

      expect(await stores.ais.deleteAi(TENANT, 'ai_01')).toBe(true);
      expect(await stores.ais.deleteAi(TENANT, 'ai_01')).toBe(false);
      expect(await stores.ais.getAi(TENANT, 'ai_01')).toBeUndefined();
    });

    it('lists AIs in id (creation) order in pages, with a null cursor after the last page', async () => {
      for (const n of [3, 1, 5, 2, 4]) await stores.ais.createAi(anAi({ id: `ai_0${n}` }));

      const first = await stores.ais.listAis(TENANT, { limit: 2 });
      const second = await stores.ais.listAis(TENANT, { limit: 2, cursor: first.nextCursor ?? undefined });
      const third = await stores.ais.listAis(TENANT, { limit: 2, cursor: second.nextCursor ?? undefined });

      expect(first.items.map((ai) => ai.id)).toEqual(['ai_01', 'ai_02']);
      expect(second.items.map((ai) => ai.id)).toEqual(['ai_03', 'ai_04']);
      expect(third.items.map((ai) => ai.id)).toEqual(['ai_05']);
      expect(first.nextCursor).toEqual(expect.any(String));
      expect(second.nextCursor).toEqual(expect.any(String));
      expect(third.nextCursor).toBeNull();
    });

    it('returns a null cursor when a page ends exactly at the last AI', async () => {
      for (const n of [1, 2, 3, 4]) await stores.ais.createAi(anAi({ id: `ai_0${n}` }));

      const first = await stores.ais.listAis(TENANT, { limit: 2 });
      const second = await stores.ais.listAis(TENANT, { limit: 2, cursor: first.nextCursor ?? undefined });

      expect(second.items.map((ai) => ai.id)).toEqual(['ai_03', 'ai_04']);
      expect(second.nextCursor).toBeNull();
      expect(await stores.ais.listAis(TENANT, { limit: 4 })).toEqual({ items: expect.any(Array), nextCursor: null });
    });

    it('rejects a forged cursor with a ValidationError naming the cursor', async () => {
      await stores.ais.createAi(anAi());

      const attempt = stores.ais.listAis(TENANT, { limit: 2, cursor: 'not-a-cursor' });

      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      await expect(attempt).rejects.toMatchObject({ details: [{ path: 'cursor' }] });
    });

    it("rejects another tenant's cursor", async () => {
      for (const id of ['ai_01', 'ai_02']) await stores.ais.createAi(anAi({ tenantId: OTHER_TENANT, id }));
      const theirs = await stores.ais.listAis(OTHER_TENANT, { limit: 1 });

      const attempt = stores.ais.listAis(TENANT, { limit: 1, cursor: theirs.nextCursor ?? undefined });

      await expect(attempt).rejects.toMatchObject({ details: [{ path: 'cursor' }] });
    });

    it("shows one tenant none of another tenant's AIs", async () => {
      await stores.ais.createAi(anAi());

      expect(await stores.ais.listAis(OTHER_TENANT, { limit: 10 })).toEqual({ items: [], nextCursor: null });
      expect(await stores.ais.getAi(OTHER_TENANT, 'ai_01')).toBeUndefined();
      expect(await stores.ais.deleteAi(OTHER_TENANT, 'ai_01')).toBe(false);
    });
  });
}
