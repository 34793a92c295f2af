/** The behaviour every ConversationStore must have, in memory and on DynamoDB alike. */
import { ConcurrencyError, NotFoundError } from '#lib/domain/errors';
import type { Message } from '#lib/domain/types';
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
  describe('messages', () => {
    let stores!: Stores;
    useFreshStores(setup, (fresh) => {
      stores = fresh;
    });

    it('stores a message once and reports false for the same id again', async () => {
      expect(await stores.conversations.putMessage(anInbound())).toBe(true);

      expect(await stores.conversations.putMessage(anInbound({ text: 'changed' }))).toBe(false);

      expect(await stores.conversations.getMessage(TENANT, 'lead@example.com', 'msg_01')).toStrictEqual(anInbound());
    });

    it('lists the messages of a conversation oldest first', async () => {
      for (const n of [2, 3, 1])
        await stores.conversations.putMessage(anInbound({ id: `msg_0${n}`, createdAt: at(n) }));
      await stores.conversations.putMessage(anInbound({ conversationId: 'someone-else', id: 'msg_00' }));

      const messages = await stores.conversations.listMessages(TENANT, 'lead@example.com');

      expect(messages.map((m) => m.id)).toEqual(['msg_01', 'msg_02', 'msg_03']);
    });

    it('lists only the newest messages of a conversation when asked, still oldest first', async () => {
      for (let n = 1; n <= 12; n++) {
        await stores.conversations.putMessage(anInbound({ id: `msg_${String(n).padStart(2, '0')}`, createdAt: at(n) }));
      }
      await stores.conversations.putMessage(anInbound({ conversationId: 'someone-else', id: 'msg_99' }));

      const newest = await stores.conversations.listRecentMessages(TENANT, 'lead@example.com', 5);
      const all = await stores.conversations.listRecentMessages(TENANT, 'lead@example.com', 50);

      expect(newest.map((m) => m.id)).toEqual(['msg_08', 'msg_09', 'msg_10', 'msg_11', 'msg_12']);
      expect(all.map((m) => m.id)).toEqual(
        (await stores.conversations.listMessages(TENANT, 'lead@example.com')).map((m) => m.id),
      );
      expect(await stores.conversations.listRecentMessages(OTHER_TENANT, 'lead@example.com', 5)).toEqual([]);
    });

    it('lets one reply claim a message, again, but refuses a second reply', async () => {
      await stores.conversations.putMessage(anInbound());

      expect(await stores.conversations.claimMessage(TENANT, 'lead@example.com', 'msg_01', 'rep_a')).toBe(true);
      expect(await stores.conversations.claimMessage(TENANT, 'lead@example.com', 'msg_01', 'rep_b')).toBe(false);
      expect(await stores.conversations.claimMessage(TENANT, 'lead@example.com', 'msg_01', 'rep_a')).toBe(true);
      expect(await stores.conversations.getMessage(TENANT, 'lead@example.com', 'msg_01')).toMatchObject({
        status: 'answering',
        replyId: 'rep_a',
      });
    });

    it('refuses to claim a message that is missing or already settled', async () => {
      await stores.conversations.putMessage(anInbound());
      await stores.conversations.settleMessage(TENANT, 'lead@example.com', 'msg_01', { status: 'failed', at: at(5) });

      expect(await stores.conversations.claimMessage(TENANT, 'lead@example.com', 'msg_01', 'rep_a')).toBe(false);
      expect(await stores.conversations.claimMessage(TENANT, 'lead@example.com', 'msg_missing', 'rep_a')).toBe(false);
      expect(await stores.conversations.getMessage(TENANT, 'lead@example.com', 'msg_missing')).toBeUndefined();
    });

    it('records the outcome once and ignores a second settle', async () => {
      await stores.conversations.putMessage(anInbound());
      await stores.conversations.claimMessage(TENANT, 'lead@example.com', 'msg_01', 'rep_a');

      await stores.conversations.settleMessage(TENANT, 'lead@example.com', 'msg_01', {
        status: 'answered',
        replyId: 'rep_a',
        answer: 'It is 10 EUR.',
        at: at(10),
      });
      await stores.conversations.settleMessage(TENANT, 'lead@example.com', 'msg_01', { status: 'failed', at: at(20) });

      expect(await stores.conversations.getMessage(TENANT, 'lead@example.com', 'msg_01')).toStrictEqual(
        anInbound({ status: 'answered', replyId: 'rep_a', answer: 'It is 10 EUR.', answeredAt: at(10) }),
      );
    });

    it('leaves a message claimed by another reply to that reply', async () => {
      await stores.conversations.putMessage(anInbound());
      await stores.conversations.claimMessage(TENANT, 'lead@example.com', 'msg_01', 'rep_a');

      await stores.conversations.settleMessage(TENANT, 'lead@example.com', 'msg_01', {
        status: 'answered',
        replyId: 'rep_b',
        answer: 'A stale answer.',
        at: at(10),
      });

      expect(await stores.conversations.getMessage(TENANT, 'lead@example.com', 'msg_01')).toMatchObject({
        status: 'answering',
        replyId: 'rep_a',
      });
    });

    it('does not create a message when settling one that does not exist', async () => {
      await stores.conversations.settleMessage(TENANT, 'lead@example.com', 'msg_missing', {
        status: 'answered',
        at: at(1),
      });

      expect(await stores.conversations.getMessage(TENANT, 'lead@example.com', 'msg_missing')).toBeUndefined();
    });
  });
  describe('feedback', () => {
    let stores!: Stores;
    useFreshStores(setup, (fresh) => {
      stores = fresh;
    });

    const aReply = (overrides: Partial<Message> = {}): Message => {
      const { status: _inboundOnly, ...reply } = anInbound({ id: 'msg_02', direction: 'outbound', kind: 'reply' });
      return { ...reply, text: 'It is 10 EUR.', ...overrides };
    };

    it('stores feedback on a message, leaving the rest of it as it was', async () => {
      await stores.conversations.putMessage(aReply());

      const stored = await stores.conversations.recordFeedback(TENANT, 'lead@example.com', 'msg_02', {
        rating: 'down',
        correction: 'It is 12 EUR since March.',
        at: at(10),
      });

      expect(stored).toBe(true);
      expect(await stores.conversations.getMessage(TENANT, 'lead@example.com', 'msg_02')).toStrictEqual(
        aReply({ feedback: { rating: 'down', correction: 'It is 12 EUR since March.', at: at(10) } }),
      );
    });

    it('replaces earlier feedback as a whole, dropping a correction the later one leaves out', async () => {
      await stores.conversations.putMessage(aReply());
      await stores.conversations.recordFeedback(TENANT, 'lead@example.com', 'msg_02', {
        rating: 'down',
        correction: 'Wrong price.',
        at: at(10),
      });

      await stores.conversations.recordFeedback(TENANT, 'lead@example.com', 'msg_02', { rating: 'up', at: at(20) });

      expect((await stores.conversations.getMessage(TENANT, 'lead@example.com', 'msg_02'))?.feedback).toStrictEqual({
        rating: 'up',
        at: at(20),
      });
    });

    it("creates nothing for a missing message or another tenant's message", async () => {
      await stores.conversations.putMessage(aReply());

      const missing = await stores.conversations.recordFeedback(TENANT, 'lead@example.com', 'msg_missing', {
        rating: 'up',
        at: at(1),
      });
      const otherTenant = await stores.conversations.recordFeedback(OTHER_TENANT, 'lead@example.com', 'msg_02', {
        rating: 'down',
        at: at(1),
      });

      expect([missing, otherTenant]).toEqual([false, false]);
      expect(await stores.conversations.getMessage(TENANT, 'lead@example.com', 'msg_missing')).toBeUndefined();
      expect(await stores.conversations.getMessage(OTHER_TENANT, 'lead@example.com', 'msg_02')).toBeUndefined();
      expect((await stores.conversations.getMessage(TENANT, 'lead@example.com', 'msg_02'))?.feedback).toBeUndefined();
    });
  });
}
