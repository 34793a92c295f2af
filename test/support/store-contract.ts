/**
 * The behaviour every Store must have. DynamoStore (against dynalite) and MemoryStore both run this
 * suite, which is what lets use-case unit tests trust the in-memory twin.
 */
import { ConcurrencyError, ValidationError } from '#lib/domain/errors';
import type {
  Ai,
  Conversation,
  Delivery,
  Goal,
  IdempotencyRecord,
  Message,
  Product,
  SetupItems,
  SetupKind,
  Strategy,
  Tenant,
} from '#lib/domain/types';
import type { Store } from '#lib/ports';

export interface StoreUnderTest {
  store: Store;
  teardown(): Promise<void>;
}

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
/** An ISO time `seconds` after the suite's fixed epoch. */
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

const TENANT = 'ten_01a';
const OTHER_TENANT = 'ten_01b';

const aTenant = (overrides: Partial<Tenant> = {}): Tenant => ({
  id: TENANT,
  name: 'Acme',
  createdAt: at(0),
  ...overrides,
});

const anAi = (overrides: Partial<Ai> = {}): Ai => ({
  tenantId: TENANT,
  id: 'ai_01',
  type: 'sales',
  name: 'Sales assistant',
  webhooks: { answerUrl: 'https://example.com/answer' },
  webhookSecret: 'whsec_c2VjcmV0',
  outputFormat: 'text',
  replyDelaySeconds: 0,
  createdAt: at(0),
  updatedAt: at(0),
  ...overrides,
});

const aProduct = (overrides: Partial<Product> = {}): Product => ({
  tenantId: TENANT,
  id: 'prod_01',
  name: 'Pro plan',
  description: 'Everything in Basic, plus priority support.',
  price: '$49/month',
  knowledgeBaseIds: ['kb_01', 'kb_02'],
  createdAt: at(0),
  updatedAt: at(0),
  ...overrides,
});

const aStrategy = (overrides: Partial<Strategy> = {}): Strategy => ({
  tenantId: TENANT,
  id: 'strat_01',
  name: 'Consultative',
  instructions: 'Ask about their team before recommending a plan.',
  tone: 'warm, concise',
  createdAt: at(0),
  updatedAt: at(0),
  ...overrides,
});

const aGoal = (overrides: Partial<Goal> = {}): Goal => ({
  tenantId: TENANT,
  id: 'goal_01',
  name: 'Book a demo',
  description: 'A 30-minute call with sales.',
  goalUrl: 'https://example.com/demo',
  createdAt: at(0),
  updatedAt: at(0),
  ...overrides,
});

/** A fixture of each setup kind; `overrides` only ever sets fields every kind has. */
const SETUP_FIXTURES: { [K in SetupKind]: (overrides?: Partial<SetupItems[K]>) => SetupItems[K] } = {
  product: aProduct,
  strategy: aStrategy,
  goal: aGoal,
};
const SETUP_KINDS = Object.keys(SETUP_FIXTURES) as SetupKind[];

const aConversation = (overrides: Partial<Conversation> = {}): Conversation => ({
  tenantId: TENANT,
  id: 'lead@example.com',
  aiId: 'ai_01',
  status: 'active',
  contact: { firstName: 'Ada', email: 'lead@example.com' },
  metadata: { source: 'zapier' },
  createdAt: at(0),
  updatedAt: at(0),
  ...overrides,
});

const anInbound = (overrides: Partial<Message> = {}): Message => ({
  tenantId: TENANT,
  conversationId: 'lead@example.com',
  id: 'msg_01',
  direction: 'inbound',
  kind: 'prospect',
  text: 'How much is it?',
  createdAt: at(0),
  status: 'queued',
  ...overrides,
});

const aDelivery = (overrides: Partial<Delivery> = {}): Delivery => ({
  tenantId: TENANT,
  id: 'dlv_01',
  eventId: 'evt_01',
  type: 'message.answered',
  aiId: 'ai_01',
  conversationId: 'lead@example.com',
  messageId: 'msg_02',
  url: 'https://example.com/answer',
  payload: '{"answer":"It is 10 EUR."}',
  status: 'pending',
  attempts: 0,
  nextAttemptAt: at(0),
  createdAt: at(0),
  updatedAt: at(0),
  ...overrides,
});

const anIdempotencyRecord = (overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
  tenantId: TENANT,
  key: 'idem-key-1',
  fingerprint: 'sha256:first',
  resourceId: 'msg_01',
  status: 'pending',
  createdAt: at(0),
  expiresAt: at(3600),
  ...overrides,
});

/** Runs the Store contract against the stores `setup` makes, a fresh one for every test. */
export function describeStoreContract(name: string, setup: () => Promise<StoreUnderTest>): void {
  describe(name, () => {
    let store: Store;
    let teardown: () => Promise<void>;

    beforeEach(async () => {
      ({ store, teardown } = await setup());
    });
    afterEach(async () => {
      await teardown();
    });

    describe('tenants and API keys', () => {
      it('creates a tenant once and returns the stored one when it is ensured again', async () => {
        const first = await store.ensureTenant(aTenant());

        const second = await store.ensureTenant(aTenant({ name: 'Someone else', createdAt: at(60) }));

        expect(first).toEqual(aTenant());
        expect(second).toEqual(aTenant());
        expect(await store.getTenant(TENANT)).toEqual(aTenant());
      });

      it('returns undefined for a tenant that does not exist', async () => {
        expect(await store.getTenant('ten_missing')).toBeUndefined();
      });

      it('refuses a tenant id containing "#", which would blur key boundaries', async () => {
        await expect(store.getTenant('ten#1')).rejects.toThrow(/tenant id/);
      });

      it('finds an API key by its hash, from any tenant', async () => {
        const key = {
          tenantId: OTHER_TENANT,
          id: 'key_01',
          hash: 'a'.repeat(64),
          prefix: 'prly_AbCd…',
          createdAt: at(0),
        };
        await store.putApiKey(key);

        expect(await store.findApiKeyByHash('a'.repeat(64))).toStrictEqual(key);
        expect(await store.findApiKeyByHash('b'.repeat(64))).toBeUndefined();
      });

      it('leaves a stored hash as it is when it is put again', async () => {
        const key = { tenantId: TENANT, id: 'key_01', hash: 'c'.repeat(64), prefix: 'prly_AbCd…', createdAt: at(0) };
        await store.putApiKey(key);

        await store.putApiKey({ ...key, prefix: 'prly_Zzzz…', createdAt: at(60) });

        expect(await store.findApiKeyByHash(key.hash)).toStrictEqual(key);
      });
    });

    describe('AIs', () => {
      it('reads back exactly the AI it created, without fields left undefined', async () => {
        const ai = anAi();

        await store.createAi({ ...ai, instructions: undefined, language: 'en' });

        expect(await store.getAi(TENANT, ai.id)).toStrictEqual({ ...ai, language: 'en' });
      });

      it('refuses to create an AI whose id exists', async () => {
        await store.createAi(anAi());

        await expect(store.createAi(anAi({ name: 'Duplicate' }))).rejects.toBeInstanceOf(ConcurrencyError);
        expect((await store.getAi(TENANT, 'ai_01'))?.name).toBe('Sales assistant');
      });

      it('replaces an AI on update', async () => {
        await store.createAi(anAi({ instructions: 'Be brief.' }));

        await store.updateAi(anAi({ name: 'Renamed', updatedAt: at(60) }));

        expect(await store.getAi(TENANT, 'ai_01')).toStrictEqual(anAi({ name: 'Renamed', updatedAt: at(60) }));
      });

      it('throws ConcurrencyError when updating an AI that does not exist', async () => {
        await expect(store.updateAi(anAi())).rejects.toBeInstanceOf(ConcurrencyError);
        expect(await store.getAi(TENANT, 'ai_01')).toBeUndefined();
      });

      it('deletes an AI once and reports false the second time', async () => {
        await store.createAi(anAi());

        expect(await store.deleteAi(TENANT, 'ai_01')).toBe(true);
        expect(await store.deleteAi(TENANT, 'ai_01')).toBe(false);
        expect(await store.getAi(TENANT, 'ai_01')).toBeUndefined();
      });

      it('lists AIs in id (creation) order in pages, with a null cursor after the last page', async () => {
        for (const n of [3, 1, 5, 2, 4]) await store.createAi(anAi({ id: `ai_0${n}` }));

        const first = await store.listAis(TENANT, { limit: 2 });
        const second = await store.listAis(TENANT, { limit: 2, cursor: first.nextCursor ?? undefined });
        const third = await store.listAis(TENANT, { limit: 2, cursor: second.nextCursor ?? undefined });

        expect(first.items.map((ai) => ai.id)).toEqual(['ai_01', 'ai_02']);
        expect(second.items.map((ai) => ai.id)).toEqual(['ai_03', 'ai_04']);
        expect(third.items.map((ai) => ai.id)).toEqual(['ai_05']);
        expect(first.nextCursor).toEqual(expect.any(String));
        expect(second.nextCursor).toEqual(expect.any(String));
        expect(third.nextCursor).toBeNull();
      });

      it('returns a null cursor when a page ends exactly at the last AI', async () => {
        for (const n of [1, 2, 3, 4]) await store.createAi(anAi({ id: `ai_0${n}` }));

        const first = await store.listAis(TENANT, { limit: 2 });
        const second = await store.listAis(TENANT, { limit: 2, cursor: first.nextCursor ?? undefined });

        expect(second.items.map((ai) => ai.id)).toEqual(['ai_03', 'ai_04']);
        expect(second.nextCursor).toBeNull();
        expect(await store.listAis(TENANT, { limit: 4 })).toEqual({ items: expect.any(Array), nextCursor: null });
      });

      it('rejects a forged cursor with a ValidationError naming the cursor', async () => {
        await store.createAi(anAi());

        const attempt = store.listAis(TENANT, { limit: 2, cursor: 'not-a-cursor' });

        await expect(attempt).rejects.toBeInstanceOf(ValidationError);
        await expect(attempt).rejects.toMatchObject({ details: [{ path: 'cursor' }] });
      });

      it("rejects another tenant's cursor", async () => {
        for (const id of ['ai_01', 'ai_02']) await store.createAi(anAi({ tenantId: OTHER_TENANT, id }));
        const theirs = await store.listAis(OTHER_TENANT, { limit: 1 });

        const attempt = store.listAis(TENANT, { limit: 1, cursor: theirs.nextCursor ?? undefined });

        await expect(attempt).rejects.toMatchObject({ details: [{ path: 'cursor' }] });
      });

      it("shows one tenant none of another tenant's AIs", async () => {
        await store.createAi(anAi());

        expect(await store.listAis(OTHER_TENANT, { limit: 10 })).toEqual({ items: [], nextCursor: null });
        expect(await store.getAi(OTHER_TENANT, 'ai_01')).toBeUndefined();
        expect(await store.deleteAi(OTHER_TENANT, 'ai_01')).toBe(false);
      });
    });

    describe('setup items', () => {
      it('reads back a product without the fields left undefined, and a goal typed as a goal', async () => {
        await store.createSetupItem('product', aProduct({ price: undefined, knowledgeBaseIds: undefined }));
        await store.createSetupItem('goal', aGoal());

        const { price: _price, knowledgeBaseIds: _ids, ...bare } = aProduct();
        expect(await store.getSetupItem('product', TENANT, 'prod_01')).toStrictEqual(bare);
        expect((await store.getSetupItem('goal', TENANT, 'goal_01'))?.goalUrl).toBe('https://example.com/demo');
      });

      it('keeps items of different kinds with the same id apart', async () => {
        await store.createSetupItem('product', aProduct({ id: 'same' }));
        await store.createSetupItem('strategy', aStrategy({ id: 'same' }));

        expect(await store.deleteSetupItem('goal', TENANT, 'same')).toBe(false);
        expect(await store.deleteSetupItem('strategy', TENANT, 'same')).toBe(true);
        expect(await store.getSetupItem('product', TENANT, 'same')).toStrictEqual(aProduct({ id: 'same' }));
      });
    });

    describe.each(SETUP_KINDS)('setup items: %s', (kind) => {
      const anItem = (overrides: Partial<SetupItems[SetupKind]> = {}) =>
        SETUP_FIXTURES[kind](overrides as never) as SetupItems[SetupKind];
      const id = anItem().id;

      it('reads back exactly the item it created', async () => {
        await store.createSetupItem(kind, anItem());

        expect(await store.getSetupItem(kind, TENANT, id)).toStrictEqual(anItem());
      });

      it('refuses to create an item whose id exists', async () => {
        await store.createSetupItem(kind, anItem());

        await expect(store.createSetupItem(kind, anItem({ name: 'Duplicate' }))).rejects.toBeInstanceOf(
          ConcurrencyError,
        );
        expect((await store.getSetupItem(kind, TENANT, id))?.name).toBe(anItem().name);
      });

      it('replaces an item on update, and throws ConcurrencyError for one that does not exist', async () => {
        await store.createSetupItem(kind, anItem());

        await store.updateSetupItem(kind, anItem({ name: 'Renamed', updatedAt: at(60) }));

        expect(await store.getSetupItem(kind, TENANT, id)).toStrictEqual(
          anItem({ name: 'Renamed', updatedAt: at(60) }),
        );
        await expect(store.updateSetupItem(kind, anItem({ id: `${id}_missing` }))).rejects.toBeInstanceOf(
          ConcurrencyError,
        );
        expect(await store.getSetupItem(kind, TENANT, `${id}_missing`)).toBeUndefined();
      });

      it('deletes an item once and reports false the second time', async () => {
        await store.createSetupItem(kind, anItem());

        expect(await store.deleteSetupItem(kind, TENANT, id)).toBe(true);
        expect(await store.deleteSetupItem(kind, TENANT, id)).toBe(false);
        expect(await store.getSetupItem(kind, TENANT, id)).toBeUndefined();
      });

      it('lists items of its kind only, in id order in pages, with a null cursor after the last page', async () => {
        for (const n of [3, 1, 5, 2, 4]) await store.createSetupItem(kind, anItem({ id: `x_0${n}` }));
        for (const other of SETUP_KINDS.filter((k) => k !== kind)) {
          await store.createSetupItem(other, SETUP_FIXTURES[other]({ id: 'x_00' }) as never);
        }
        await store.createAi(anAi({ id: 'x_00' }));

        const first = await store.listSetupItems(kind, TENANT, { limit: 2 });
        const second = await store.listSetupItems(kind, TENANT, { limit: 2, cursor: first.nextCursor ?? undefined });
        const third = await store.listSetupItems(kind, TENANT, { limit: 2, cursor: second.nextCursor ?? undefined });

        expect(first.items.map((item) => item.id)).toEqual(['x_01', 'x_02']);
        expect(second.items.map((item) => item.id)).toEqual(['x_03', 'x_04']);
        expect(third).toEqual({ items: [anItem({ id: 'x_05' })], nextCursor: null });
      });

      it("rejects a forged cursor, another list's cursor and another tenant's cursor, naming the cursor", async () => {
        for (const n of [1, 2]) {
          await store.createSetupItem(kind, anItem({ id: `x_0${n}` }));
          await store.createSetupItem(kind, anItem({ tenantId: OTHER_TENANT, id: `x_0${n}` }));
          await store.createAi(anAi({ id: `x_0${n}` }));
        }
        const theirs = await store.listSetupItems(kind, OTHER_TENANT, { limit: 1 });
        const ais = await store.listAis(TENANT, { limit: 1 });

        for (const cursor of ['not-a-cursor', theirs.nextCursor, ais.nextCursor]) {
          const attempt = store.listSetupItems(kind, TENANT, { limit: 1, cursor: cursor ?? undefined });
          await expect(attempt).rejects.toBeInstanceOf(ValidationError);
          await expect(attempt).rejects.toMatchObject({ details: [{ path: 'cursor' }] });
        }
      });

      it("shows one tenant none of another tenant's items", async () => {
        await store.createSetupItem(kind, anItem());

        expect(await store.listSetupItems(kind, OTHER_TENANT, { limit: 10 })).toEqual({ items: [], nextCursor: null });
        expect(await store.getSetupItem(kind, OTHER_TENANT, id)).toBeUndefined();
        expect(await store.deleteSetupItem(kind, OTHER_TENANT, id)).toBe(false);
        await expect(store.updateSetupItem(kind, anItem({ tenantId: OTHER_TENANT }))).rejects.toBeInstanceOf(
          ConcurrencyError,
        );
        expect(await store.getSetupItem(kind, TENANT, id)).toStrictEqual(anItem());
      });
    });

    describe('conversations', () => {
      it('returns the stored conversation when one with the same id is ensured again', async () => {
        await store.ensureConversation(aConversation());

        const again = await store.ensureConversation(aConversation({ aiId: 'ai_other', createdAt: at(60) }));

        expect(again).toStrictEqual(aConversation());
      });

      it('keeps conversations with unusual client ids apart, per tenant', async () => {
        const ids = [
          'a#b',
          'a',
          'CONV',
          'MSG#msg_01',
          '#C#x',
          'lead+tag@example.com',
          '+1 555 0100',
          'ticket 42 🚀 ünï',
        ];
        for (const id of ids) {
          await store.ensureConversation(aConversation({ id, metadata: { id } }));
          await store.putMessage(anInbound({ conversationId: id, text: `to ${id}` }));
        }
        await store.ensureConversation(aConversation({ tenantId: OTHER_TENANT, id: 'a#b', metadata: { other: true } }));

        for (const id of ids) {
          expect((await store.getConversation(TENANT, id))?.metadata).toEqual({ id });
          expect((await store.listMessages(TENANT, id)).map((m) => m.text)).toEqual([`to ${id}`]);
        }
        expect((await store.getConversation(OTHER_TENANT, 'a#b'))?.metadata).toEqual({ other: true });
        expect(await store.listMessages(OTHER_TENANT, 'a#b')).toEqual([]);
      });

      it('updates only the fields it is given', async () => {
        await store.ensureConversation(aConversation({ channel: 'email' }));

        await store.updateConversation(TENANT, 'lead@example.com', {
          status: 'handed_off',
          updatedAt: at(60),
          outputFormat: undefined,
        });

        expect(await store.getConversation(TENANT, 'lead@example.com')).toStrictEqual(
          aConversation({ channel: 'email', status: 'handed_off', updatedAt: at(60) }),
        );
      });

      it('throws ConcurrencyError when updating a conversation that does not exist', async () => {
        await expect(store.updateConversation(TENANT, 'nobody', { status: 'closed' })).rejects.toBeInstanceOf(
          ConcurrencyError,
        );
        expect(await store.getConversation(TENANT, 'nobody')).toBeUndefined();
      });
    });

    describe('messages', () => {
      it('stores a message once and reports false for the same id again', async () => {
        expect(await store.putMessage(anInbound())).toBe(true);

        expect(await store.putMessage(anInbound({ text: 'changed' }))).toBe(false);

        expect(await store.getMessage(TENANT, 'lead@example.com', 'msg_01')).toStrictEqual(anInbound());
      });

      it('lists the messages of a conversation oldest first', async () => {
        for (const n of [2, 3, 1]) await store.putMessage(anInbound({ id: `msg_0${n}`, createdAt: at(n) }));
        await store.putMessage(anInbound({ conversationId: 'someone-else', id: 'msg_00' }));

        const messages = await store.listMessages(TENANT, 'lead@example.com');

        expect(messages.map((m) => m.id)).toEqual(['msg_01', 'msg_02', 'msg_03']);
      });

      it('lets one reply claim a message, again, but refuses a second reply', async () => {
        await store.putMessage(anInbound());

        expect(await store.claimMessage(TENANT, 'lead@example.com', 'msg_01', 'rep_a')).toBe(true);
        expect(await store.claimMessage(TENANT, 'lead@example.com', 'msg_01', 'rep_b')).toBe(false);
        expect(await store.claimMessage(TENANT, 'lead@example.com', 'msg_01', 'rep_a')).toBe(true);
        expect(await store.getMessage(TENANT, 'lead@example.com', 'msg_01')).toMatchObject({
          status: 'answering',
          replyId: 'rep_a',
        });
      });

      it('refuses to claim a message that is missing or already settled', async () => {
        await store.putMessage(anInbound());
        await store.settleMessage(TENANT, 'lead@example.com', 'msg_01', { status: 'failed', at: at(5) });

        expect(await store.claimMessage(TENANT, 'lead@example.com', 'msg_01', 'rep_a')).toBe(false);
        expect(await store.claimMessage(TENANT, 'lead@example.com', 'msg_missing', 'rep_a')).toBe(false);
        expect(await store.getMessage(TENANT, 'lead@example.com', 'msg_missing')).toBeUndefined();
      });

      it('records the outcome once and ignores a second settle', async () => {
        await store.putMessage(anInbound());
        await store.claimMessage(TENANT, 'lead@example.com', 'msg_01', 'rep_a');

        await store.settleMessage(TENANT, 'lead@example.com', 'msg_01', {
          status: 'answered',
          replyId: 'rep_a',
          answer: 'It is 10 EUR.',
          at: at(10),
        });
        await store.settleMessage(TENANT, 'lead@example.com', 'msg_01', { status: 'failed', at: at(20) });

        expect(await store.getMessage(TENANT, 'lead@example.com', 'msg_01')).toStrictEqual(
          anInbound({ status: 'answered', replyId: 'rep_a', answer: 'It is 10 EUR.', answeredAt: at(10) }),
        );
      });

      it('leaves a message claimed by another reply to that reply', async () => {
        await store.putMessage(anInbound());
        await store.claimMessage(TENANT, 'lead@example.com', 'msg_01', 'rep_a');

        await store.settleMessage(TENANT, 'lead@example.com', 'msg_01', {
          status: 'answered',
          replyId: 'rep_b',
          answer: 'A stale answer.',
          at: at(10),
        });

        expect(await store.getMessage(TENANT, 'lead@example.com', 'msg_01')).toMatchObject({
          status: 'answering',
          replyId: 'rep_a',
        });
      });

      it('does not create a message when settling one that does not exist', async () => {
        await store.settleMessage(TENANT, 'lead@example.com', 'msg_missing', { status: 'answered', at: at(1) });

        expect(await store.getMessage(TENANT, 'lead@example.com', 'msg_missing')).toBeUndefined();
      });
    });

    describe('feedback', () => {
      const aReply = (overrides: Partial<Message> = {}): Message => {
        const { status: _inboundOnly, ...reply } = anInbound({ id: 'msg_02', direction: 'outbound', kind: 'reply' });
        return { ...reply, text: 'It is 10 EUR.', ...overrides };
      };

      it('stores feedback on a message, leaving the rest of it as it was', async () => {
        await store.putMessage(aReply());

        const stored = await store.recordFeedback(TENANT, 'lead@example.com', 'msg_02', {
          rating: 'down',
          correction: 'It is 12 EUR since March.',
          at: at(10),
        });

        expect(stored).toBe(true);
        expect(await store.getMessage(TENANT, 'lead@example.com', 'msg_02')).toStrictEqual(
          aReply({ feedback: { rating: 'down', correction: 'It is 12 EUR since March.', at: at(10) } }),
        );
      });

      it('replaces earlier feedback as a whole, dropping a correction the later one leaves out', async () => {
        await store.putMessage(aReply());
        await store.recordFeedback(TENANT, 'lead@example.com', 'msg_02', {
          rating: 'down',
          correction: 'Wrong price.',
          at: at(10),
        });

        await store.recordFeedback(TENANT, 'lead@example.com', 'msg_02', { rating: 'up', at: at(20) });

        expect((await store.getMessage(TENANT, 'lead@example.com', 'msg_02'))?.feedback).toStrictEqual({
          rating: 'up',
          at: at(20),
        });
      });

      it("creates nothing for a missing message or another tenant's message", async () => {
        await store.putMessage(aReply());

        const missing = await store.recordFeedback(TENANT, 'lead@example.com', 'msg_missing', {
          rating: 'up',
          at: at(1),
        });
        const otherTenant = await store.recordFeedback(OTHER_TENANT, 'lead@example.com', 'msg_02', {
          rating: 'down',
          at: at(1),
        });

        expect([missing, otherTenant]).toEqual([false, false]);
        expect(await store.getMessage(TENANT, 'lead@example.com', 'msg_missing')).toBeUndefined();
        expect(await store.getMessage(OTHER_TENANT, 'lead@example.com', 'msg_02')).toBeUndefined();
        expect((await store.getMessage(TENANT, 'lead@example.com', 'msg_02'))?.feedback).toBeUndefined();
      });
    });

    describe('pending list', () => {
      it('lists unanswered inbound messages and pending deliveries older than the cutoff, oldest first', async () => {
        await store.putMessage(anInbound({ id: 'msg_01', createdAt: at(30) }));
        await store.putMessage(
          anInbound({ tenantId: OTHER_TENANT, conversationId: 'c#2', id: 'msg_02', createdAt: at(10) }),
        );
        await store.putMessage(anInbound({ id: 'msg_03', createdAt: at(100) }));
        await store.putMessage(anInbound({ id: 'msg_04', createdAt: at(5), status: 'answered' }));
        await store.putMessage(
          anInbound({ id: 'msg_05', createdAt: at(5), direction: 'outbound', kind: 'reply', status: undefined }),
        );
        await store.createDelivery(aDelivery({ id: 'dlv_01', nextAttemptAt: at(20) }));
        await store.createDelivery(aDelivery({ id: 'dlv_02', nextAttemptAt: at(60) }));
        await store.createDelivery(aDelivery({ id: 'dlv_03', nextAttemptAt: at(1), status: 'succeeded' }));

        const pending = await store.listPending(at(60), 10);

        expect(pending).toEqual([
          { kind: 'message', tenantId: OTHER_TENANT, conversationId: 'c#2', messageId: 'msg_02', since: at(10) },
          { kind: 'delivery', tenantId: TENANT, deliveryId: 'dlv_01', since: at(20) },
          { kind: 'message', tenantId: TENANT, conversationId: 'lead@example.com', messageId: 'msg_01', since: at(30) },
        ]);
      });

      it('returns only the oldest records up to the limit', async () => {
        for (let n = 10; n < 30; n++) await store.putMessage(anInbound({ id: `msg_${n}`, createdAt: at(100 - n) }));

        const pending = await store.listPending(at(1000), 3);

        expect(pending.map((ref) => ref.since)).toEqual([at(71), at(72), at(73)]);
      });

      it('keeps a claimed message listed and drops it once settled', async () => {
        await store.putMessage(anInbound());
        await store.claimMessage(TENANT, 'lead@example.com', 'msg_01', 'rep_a');
        const whileAnswering = await store.listPending(at(60), 10);

        await store.settleMessage(TENANT, 'lead@example.com', 'msg_01', {
          status: 'answered',
          replyId: 'rep_a',
          at: at(5),
        });

        expect(whileAnswering).toHaveLength(1);
        expect(await store.listPending(at(60), 10)).toEqual([]);
      });

      it('moves a retried delivery to its next attempt time and drops it once it succeeded', async () => {
        await store.createDelivery(aDelivery({ nextAttemptAt: at(0) }));
        const retry = {
          status: 'pending',
          attempts: 1,
          lastStatusCode: 503,
          nextAttemptAt: at(120),
          updatedAt: at(1),
        } as const;

        await store.recordAttempt(TENANT, 'dlv_01', retry);
        const beforeRetryIsDue = await store.listPending(at(60), 10);
        const afterRetryIsDue = await store.listPending(at(180), 10);
        await store.recordAttempt(TENANT, 'dlv_01', {
          ...retry,
          status: 'succeeded',
          attempts: 2,
          lastStatusCode: 200,
        });

        expect(beforeRetryIsDue).toEqual([]);
        expect(afterRetryIsDue).toEqual([{ kind: 'delivery', tenantId: TENANT, deliveryId: 'dlv_01', since: at(120) }]);
        expect(await store.listPending(at(180), 10)).toEqual([]);
      });
    });

    describe('deliveries', () => {
      it('creates a delivery once and reports false for the same id again', async () => {
        expect(await store.createDelivery(aDelivery())).toBe(true);

        expect(await store.createDelivery(aDelivery({ url: 'https://elsewhere.example.com' }))).toBe(false);

        expect(await store.getDelivery(TENANT, 'dlv_01')).toStrictEqual(aDelivery());
      });

      it('leases a delivery to one worker until the lease runs out', async () => {
        await store.createDelivery(aDelivery());

        const first = await store.leaseDelivery(TENANT, 'dlv_01', at(0), at(30));
        const whileLeased = await store.leaseDelivery(TENANT, 'dlv_01', at(29), at(59));
        const afterExpiry = await store.leaseDelivery(TENANT, 'dlv_01', at(30), at(60));

        expect(first).toStrictEqual(aDelivery({ leaseUntil: at(30) }));
        expect(whileLeased).toBeUndefined();
        expect(afterExpiry?.leaseUntil).toBe(at(60));
      });

      it('does not lease a delivery that is missing or no longer pending', async () => {
        await store.createDelivery(aDelivery({ status: 'failed' }));

        expect(await store.leaseDelivery(TENANT, 'dlv_01', at(0), at(30))).toBeUndefined();
        expect(await store.leaseDelivery(TENANT, 'dlv_missing', at(0), at(30))).toBeUndefined();
        expect(await store.getDelivery(TENANT, 'dlv_missing')).toBeUndefined();
      });

      it('records an attempt and releases the lease', async () => {
        await store.createDelivery(aDelivery());
        await store.leaseDelivery(TENANT, 'dlv_01', at(0), at(30));
        const result = {
          status: 'pending',
          attempts: 1,
          lastStatusCode: 500,
          lastError: 'HTTP 500',
          nextAttemptAt: at(10),
          updatedAt: at(2),
        } as const;

        await store.recordAttempt(TENANT, 'dlv_01', result);

        expect(await store.getDelivery(TENANT, 'dlv_01')).toStrictEqual(aDelivery(result));
        expect(await store.leaseDelivery(TENANT, 'dlv_01', at(3), at(33))).toBeDefined();
      });

      it("clears the previous attempt's error when the next attempt has none", async () => {
        await store.createDelivery(aDelivery());
        await store.recordAttempt(TENANT, 'dlv_01', {
          status: 'pending',
          attempts: 1,
          lastStatusCode: 500,
          lastError: 'HTTP 500',
          nextAttemptAt: at(10),
          updatedAt: at(2),
        });

        await store.recordAttempt(TENANT, 'dlv_01', {
          status: 'succeeded',
          attempts: 2,
          lastStatusCode: 200,
          nextAttemptAt: at(10),
          updatedAt: at(11),
        });

        const delivery = await store.getDelivery(TENANT, 'dlv_01');
        expect(delivery).toMatchObject({ status: 'succeeded', attempts: 2, lastStatusCode: 200 });
        expect(delivery).not.toHaveProperty('lastError');
      });

      it('throws ConcurrencyError when recording an attempt for a delivery that does not exist', async () => {
        const result = { status: 'failed', attempts: 1, nextAttemptAt: at(0), updatedAt: at(0) } as const;

        await expect(store.recordAttempt(TENANT, 'dlv_missing', result)).rejects.toBeInstanceOf(ConcurrencyError);
        expect(await store.getDelivery(TENANT, 'dlv_missing')).toBeUndefined();
      });
    });

    describe('idempotency keys', () => {
      it('returns undefined for a new claim and the stored record for a second claim', async () => {
        const first = await store.claimIdempotencyKey(anIdempotencyRecord(), at(0));

        const second = await store.claimIdempotencyKey(anIdempotencyRecord({ fingerprint: 'sha256:second' }), at(1));

        expect(first).toBeUndefined();
        expect(second).toStrictEqual(anIdempotencyRecord());
      });

      it('returns the completed record with its response after completion', async () => {
        await store.claimIdempotencyKey(anIdempotencyRecord(), at(0));

        await store.completeIdempotencyKey(TENANT, 'idem-key-1', {
          statusCode: 202,
          body: { id: 'msg_01', ok: [1, null] },
        });
        const replay = await store.claimIdempotencyKey(anIdempotencyRecord(), at(5));

        expect(replay).toStrictEqual(
          anIdempotencyRecord({
            status: 'completed',
            response: { statusCode: 202, body: { id: 'msg_01', ok: [1, null] } },
          }),
        );
      });

      it('treats an expired record as absent and replaces it', async () => {
        await store.claimIdempotencyKey(anIdempotencyRecord({ expiresAt: at(60) }), at(0));
        const fresh = anIdempotencyRecord({ fingerprint: 'sha256:fresh', createdAt: at(60), expiresAt: at(3660) });

        const claim = await store.claimIdempotencyKey(fresh, at(60));
        const replay = await store.claimIdempotencyKey(anIdempotencyRecord(), at(61));

        expect(claim).toBeUndefined();
        expect(replay).toStrictEqual(fresh);
      });

      it('keeps idempotency keys apart per tenant', async () => {
        await store.claimIdempotencyKey(anIdempotencyRecord(), at(0));

        expect(await store.claimIdempotencyKey(anIdempotencyRecord({ tenantId: OTHER_TENANT }), at(0))).toBeUndefined();
      });

      it('forgets a released pending claim but keeps a completed one', async () => {
        await store.claimIdempotencyKey(anIdempotencyRecord(), at(0));
        await store.claimIdempotencyKey(anIdempotencyRecord({ key: 'idem-key-2' }), at(0));
        await store.completeIdempotencyKey(TENANT, 'idem-key-2', { statusCode: 201, body: {} });

        await store.releaseIdempotencyKey(TENANT, 'idem-key-1');
        await store.releaseIdempotencyKey(TENANT, 'idem-key-2');
        await store.releaseIdempotencyKey(TENANT, 'never-claimed');

        expect(await store.claimIdempotencyKey(anIdempotencyRecord(), at(1))).toBeUndefined();
        expect((await store.claimIdempotencyKey(anIdempotencyRecord({ key: 'idem-key-2' }), at(1)))?.status).toBe(
          'completed',
        );
      });

      it('throws ConcurrencyError when completing a key that was never claimed', async () => {
        await expect(
          store.completeIdempotencyKey(TENANT, 'never-claimed', { statusCode: 200, body: null }),
        ).rejects.toBeInstanceOf(ConcurrencyError);
      });
    });
  });
}
