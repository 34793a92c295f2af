import type { Message } from '#lib/domain/types';
import type { Stores } from '#lib/app/deps';
import { at, TENANT, OTHER_TENANT, anInbound } from '#test/support/store-contracts/fixtures';
import { type StoresSetup, useFreshStores } from '#test/support/store-contracts/stores-under-test';

/** Runs the contract against the stores `setup` makes, fresh for every test. */
export function describeMessageStoreContract(setup: StoresSetup): void {
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
