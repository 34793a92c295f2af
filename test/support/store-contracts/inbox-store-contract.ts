/** The inbox half of the ConversationStore contract, in memory and on DynamoDB alike. */
import { ValidationError } from '#lib/domain/errors';
import { MAX_INBOX_TEXT_CHARS } from '#lib/domain/limits/inbox';
import type { Stores } from '#lib/app/deps';
import { at, TENANT, OTHER_TENANT, aConversation, anInbound } from '#test/support/store-contracts/fixtures';
import { type StoresSetup, useFreshStores } from '#test/support/store-contracts/stores-under-test';

const page = (limit = 20, cursor?: string) => ({ limit, ...(cursor ? { cursor } : {}) });

/** Runs the inbox contract (listInbox, the row putMessage keeps, refreshInbox) against `setup`'s stores. */
export function describeInboxStoreContract(setup: StoresSetup): void {
  describe('conversations inbox', () => {
    let stores!: Stores;
    useFreshStores(setup, (fresh) => {
      stores = fresh;
    });

    const ids = async (filter = {}, limit = 20) =>
      (await stores.conversations.listInbox(TENANT, filter, page(limit))).items.map((entry) => entry.id);

    it('lists the tenant’s conversations, most recently updated first, with their rows', async () => {
      await stores.conversations.ensureConversation(aConversation({ id: 'a', updatedAt: at(10) }));
      await stores.conversations.ensureConversation(aConversation({ id: 'b', updatedAt: at(30), channel: 'sms' }));
      await stores.conversations.ensureConversation(aConversation({ tenantId: OTHER_TENANT, id: 'c' }));
      await stores.conversations.putMessage(anInbound({ conversationId: 'a', id: 'msg_02', createdAt: at(20) }));

      const listed = await stores.conversations.listInbox(TENANT, {}, page());

      expect(listed.items.map((entry) => entry.id)).toEqual(['b', 'a']);
      expect(listed.items[1]).toMatchObject({
        aiId: 'ai_01',
        status: 'active',
        needsHuman: false,
        messageCount: 1,
        updatedAt: at(20),
        lastMessage: {
          id: 'msg_02',
          direction: 'inbound',
          kind: 'prospect',
          text: 'How much is it?',
          createdAt: at(20),
        },
      });
      expect(listed.items[0]).toMatchObject({ channel: 'sms', messageCount: 0 });
      expect(listed.nextCursor).toBeNull();
    });

    it(`counts each message once and keeps the newest as the last, cut to ${MAX_INBOX_TEXT_CHARS} characters`, async () => {
      await stores.conversations.ensureConversation(aConversation());
      const long = 'x'.repeat(MAX_INBOX_TEXT_CHARS + 50);
      await stores.conversations.putMessage(anInbound({ id: 'msg_01', createdAt: at(1) }));
      await stores.conversations.putMessage(anInbound({ id: 'msg_03', createdAt: at(3), text: long }));
      // A retry, and a reply stored after a newer message: neither may be miscounted.
      await stores.conversations.putMessage(anInbound({ id: 'msg_03', createdAt: at(3), text: long }));
      await stores.conversations.putMessage(
        anInbound({ id: 'msg_02', direction: 'outbound', kind: 'reply', createdAt: at(2), status: undefined }),
      );

      const [entry] = (await stores.conversations.listInbox(TENANT, {}, page())).items;

      expect(entry?.messageCount).toBe(3);
      expect(entry?.lastMessage?.id).toBe('msg_03');
      expect(entry?.lastMessage?.text).toHaveLength(MAX_INBOX_TEXT_CHARS);
    });

    it('filters by AI, status, channel, needs_human and the updated range', async () => {
      await stores.conversations.ensureConversation(aConversation({ id: 'a', updatedAt: at(10), channel: 'email' }));
      await stores.conversations.ensureConversation(aConversation({ id: 'b', updatedAt: at(20), aiId: 'ai_02' }));
      await stores.conversations.ensureConversation(aConversation({ id: 'c', updatedAt: at(30) }));
      await stores.conversations.updateConversation(TENANT, 'c', { status: 'handed_off', needsHuman: true });

      expect(await ids({ aiId: 'ai_02' })).toEqual(['b']);
      expect(await ids({ status: 'handed_off' })).toEqual(['c']);
      expect(await ids({ channel: 'email' })).toEqual(['a']);
      expect(await ids({ needsHuman: true })).toEqual(['c']);
      expect(await ids({ needsHuman: false })).toEqual(['b', 'a']);
      expect(await ids({ updatedAfter: at(20) })).toEqual(['c', 'b']);
      expect(await ids({ updatedBefore: at(20) })).toEqual(['a']);
      expect(await ids({ updatedAfter: at(10), updatedBefore: at(30) })).toEqual(['b', 'a']);
    });

    it('moves a conversation up when it is updated, and finds it by the start of its contact or id, any case', async () => {
      await stores.conversations.ensureConversation(aConversation({ id: 'ticket-42', updatedAt: at(10) }));
      await stores.conversations.ensureConversation(aConversation({ id: 'other', updatedAt: at(20), contact: {} }));
      await stores.conversations.updateConversation(TENANT, 'ticket-42', {
        updatedAt: at(40),
        contact: { firstName: 'Grace', lastName: 'Hopper', email: 'Grace@Navy.mil', phone: '+1 555 0100' },
      });

      expect(await ids()).toEqual(['ticket-42', 'other']);
      for (const q of ['gra', 'HOP', 'grace h', 'grace@navy', '+1 555', 'TICKET-4'])
        expect(await ids({ q })).toEqual(['ticket-42']);
      expect(await ids({ q: 'ada' })).toEqual([]);
    });

    it('pages with a cursor, also when a filter skips most conversations', async () => {
      for (let i = 0; i < 7; i++) {
        await stores.conversations.ensureConversation(
          aConversation({ id: `c${i}`, updatedAt: at(i), channel: i % 3 === 0 ? 'sms' : 'email' }),
        );
      }
      const walk = async (filter: object, limit: number) => {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const listed = await stores.conversations.listInbox(TENANT, filter, page(limit, cursor));
          seen.push(...listed.items.map((entry) => entry.id));
          cursor = listed.nextCursor ?? undefined;
        } while (cursor !== undefined);
        return seen;
      };

      expect(await walk({}, 3)).toEqual(['c6', 'c5', 'c4', 'c3', 'c2', 'c1', 'c0']);
      expect(await walk({ channel: 'sms' }, 1)).toEqual(['c6', 'c3', 'c0']);
    });

    it('refuses a cursor it did not make, naming `cursor`', async () => {
      const forged = Buffer.from(JSON.stringify({ pk: 'T#ten_01b#CONVS', sk: `${at(0)}#x` })).toString('base64url');

      const listing = stores.conversations.listInbox(TENANT, {}, page(20, forged));

      await expect(listing).rejects.toBeInstanceOf(ValidationError);
      await expect(listing).rejects.toMatchObject({ details: [{ path: 'cursor' }] });
    });

    it('computes a row again from the messages, and says false for no conversation', async () => {
      await stores.conversations.ensureConversation(aConversation());
      await stores.conversations.putMessage(anInbound({ id: 'msg_01' }));
      await stores.conversations.putMessage(anInbound({ id: 'msg_02' }));

      expect(await stores.conversations.refreshInbox(TENANT, 'lead@example.com')).toBe(true);
      expect(await stores.conversations.refreshInbox(TENANT, 'nobody')).toBe(false);

      const [entry] = (await stores.conversations.listInbox(TENANT, {}, page())).items;
      expect(entry).toMatchObject({ messageCount: 2, lastMessage: { id: 'msg_02' } });
    });

    it('finds no conversation outside the inbox when all were stored with it', async () => {
      await stores.conversations.ensureConversation(aConversation());

      const outside = await stores.conversations.listConversationsOutsideInbox(page(100));

      expect(outside.items).toEqual([]);
    });

    it('keeps the inbox row out of the conversation as read', async () => {
      await stores.conversations.ensureConversation(aConversation());
      await stores.conversations.putMessage(anInbound());

      expect(await stores.conversations.getConversation(TENANT, 'lead@example.com')).toStrictEqual(
        aConversation({ updatedAt: at(0) }),
      );
    });
  });
}
