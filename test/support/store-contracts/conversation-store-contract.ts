/** The behaviour every ConversationStore must have, in memory and on DynamoDB alike. */
import { ConcurrencyError, NotFoundError } from '#lib/domain/errors';
import type { Stores } from '#lib/app/deps';
import { at, TENANT, OTHER_TENANT, aConversation, anInbound } from '#test/support/store-contracts/fixtures';
import { type StoresSetup, useFreshStores } from '#test/support/store-contracts/stores-under-test';

/** Runs the ConversationStore contract against the stores `setup` makes, fresh for every test. */
export function describeConversationStoreContract(setup: StoresSetup): void {
  describe('conversations', () => {
    let stores!: Stores;
    useFreshStores(setup, (fresh) => {
      stores = fresh;
    });

    it('returns the stored conversation when one with the same id is ensured again', async () => {
      await stores.conversations.ensureConversation(aConversation());

      const again = await stores.conversations.ensureConversation(
        aConversation({ aiId: 'ai_other', createdAt: at(60) }),
      );

      expect(again).toStrictEqual(aConversation());
    });

    it('keeps conversations with unusual client ids apart, per tenant', async () => {
      const ids = ['a#b', 'a', 'CONV', 'MSG#msg_01', '#C#x', 'lead+tag@example.com', '+1 555 0100', 'ticket 42 🚀 ünï'];
      for (const id of ids) {
        await stores.conversations.ensureConversation(aConversation({ id, metadata: { id } }));
        await stores.conversations.putMessage(anInbound({ conversationId: id, text: `to ${id}` }));
      }
      await stores.conversations.ensureConversation(
        aConversation({ tenantId: OTHER_TENANT, id: 'a#b', metadata: { other: true } }),
      );

      for (const id of ids) {
        expect((await stores.conversations.getConversation(TENANT, id))?.metadata).toEqual({ id });
        expect((await stores.conversations.listMessages(TENANT, id)).map((m) => m.text)).toEqual([`to ${id}`]);
      }
      expect((await stores.conversations.getConversation(OTHER_TENANT, 'a#b'))?.metadata).toEqual({ other: true });
      expect(await stores.conversations.listMessages(OTHER_TENANT, 'a#b')).toEqual([]);
    });

    it('updates only the fields it is given', async () => {
      await stores.conversations.ensureConversation(aConversation({ channel: 'email' }));

      await stores.conversations.updateConversation(TENANT, 'lead@example.com', {
        status: 'handed_off',
        updatedAt: at(60),
        outputFormat: undefined,
      });

      expect(await stores.conversations.getConversation(TENANT, 'lead@example.com')).toStrictEqual(
        aConversation({ channel: 'email', status: 'handed_off', updatedAt: at(60) }),
      );
    });

    it('throws ConcurrencyError when updating a conversation that does not exist', async () => {
      await expect(
        stores.conversations.updateConversation(TENANT, 'nobody', { status: 'closed' }),
      ).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await stores.conversations.getConversation(TENANT, 'nobody')).toBeUndefined();
    });

    it('bumps an unversioned conversation to version 1 and applies the changes, returning what it wrote', async () => {
      await stores.conversations.ensureConversation(aConversation());
      const scheduled = [{ kind: 'dropoff', at: at(3600), name: `${TENANT}.dropoff.lead` }] as const;

      const bumped = await stores.conversations.bumpConversation(TENANT, 'lead@example.com', {
        scheduled: [...scheduled],
        updatedAt: at(60),
        status: undefined,
      });

      const expected = aConversation({ version: 1, scheduled: [...scheduled], updatedAt: at(60) });
      expect(bumped).toStrictEqual(expected);
      expect(await stores.conversations.getConversation(TENANT, 'lead@example.com')).toStrictEqual(expected);
    });

    it('adds one to the version on every bump, with or without changes', async () => {
      await stores.conversations.ensureConversation(aConversation({ version: 7 }));

      await stores.conversations.bumpConversation(TENANT, 'lead@example.com', {});
      const second = await stores.conversations.bumpConversation(TENANT, 'lead@example.com', { status: 'handed_off' });

      expect(second).toMatchObject({ version: 9, status: 'handed_off' });
      expect((await stores.conversations.getConversation(TENANT, 'lead@example.com'))?.version).toBe(9);
    });

    it('throws NotFoundError naming conversation_id when bumping a conversation that does not exist', async () => {
      await stores.conversations.ensureConversation(aConversation({ tenantId: OTHER_TENANT }));

      const bump = stores.conversations.bumpConversation(TENANT, 'lead@example.com', { status: 'closed' });

      await expect(bump).rejects.toBeInstanceOf(NotFoundError);
      await expect(bump).rejects.toMatchObject({ details: [{ path: 'conversation_id' }] });
      expect(await stores.conversations.getConversation(TENANT, 'lead@example.com')).toBeUndefined();
      expect((await stores.conversations.getConversation(OTHER_TENANT, 'lead@example.com'))?.version).toBeUndefined();
    });
    it("keeps a conversation's prospect id (the Maax-compatible API's) through create and update", async () => {
      await stores.conversations.ensureConversation(aConversation({ prospectId: '7' }));
      await stores.conversations.updateConversation(TENANT, aConversation().id, { prospectId: '8' });

      expect((await stores.conversations.getConversation(TENANT, aConversation().id))?.prospectId).toBe('8');
    });
  });
}
