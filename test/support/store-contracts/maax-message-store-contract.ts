/** The behaviour every MaaxMessageStore must have, in memory and on DynamoDB alike. */
import type { Stores } from '#lib/app/deps';
import { TENANT, OTHER_TENANT } from '#test/support/store-contracts/fixtures';
import { type StoresSetup, useFreshStores } from '#test/support/store-contracts/stores-under-test';

/** Runs the MaaxMessageStore contract against the stores `setup` makes, fresh for every test. */
export function describeMaaxMessageStoreContract(setup: StoresSetup): void {
  describe('Maax message index', () => {
    let stores!: Stores;
    useFreshStores(setup, (fresh) => {
      stores = fresh;
    });

    const aRef = { tenantId: TENANT, messageId: 'msg_01', conversationId: 'conv_01', prospectId: '42' };

    it('finds a message by its id alone, and only in its own tenant', async () => {
      await stores.maaxMessages.putMaaxMessageRef(aRef);

      expect(await stores.maaxMessages.getMaaxMessageRef(TENANT, 'msg_01')).toStrictEqual(aRef);
      expect(await stores.maaxMessages.getMaaxMessageRef(OTHER_TENANT, 'msg_01')).toBeUndefined();
      expect(await stores.maaxMessages.getMaaxMessageRef(TENANT, 'msg_02')).toBeUndefined();
    });

    it('keeps the first reference when the same message id is recorded again', async () => {
      await stores.maaxMessages.putMaaxMessageRef(aRef);

      await stores.maaxMessages.putMaaxMessageRef({ ...aRef, conversationId: 'conv_02' });

      expect(await stores.maaxMessages.getMaaxMessageRef(TENANT, 'msg_01')).toStrictEqual(aRef);
    });
  });
}
