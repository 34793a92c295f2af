/**
 * The behaviour every Store must have. DynamoStore (against dynalite) and MemoryStore both run this
 * suite, which is what lets use-case unit tests trust the in-memory twin.
 */
import { ConcurrencyError, NotFoundError, ValidationError } from '#lib/domain/errors';
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
import type { Correction, KnowledgeBase, KnowledgeDocument, KnowledgeGap } from '#lib/domain/knowledge/types';
import type { Store, TimerRecord } from '#lib/ports';

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

/** A timer of `tenantId`, named after it as the use cases name them, due `seconds` after the epoch. */
const aTimer = (name: string, seconds: number, tenantId = TENANT): TimerRecord => ({
  name: `${tenantId}.${name}`,
  at: at(seconds),
  payload: { kind: 'dropoff', tenantId, conversationId: 'lead@example.com', version: 3, at: at(seconds) },
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

const aKnowledgeBase = (overrides: Partial<KnowledgeBase> = {}): KnowledgeBase => ({
  tenantId: TENANT,
  id: 'kb_01',
  name: 'Pricing and shipping',
  version: 0,
  indexed: {},
  uploads: {},
  createdAt: at(0),
  updatedAt: at(0),
  ...overrides,
});

const aDocument = (overrides: Partial<KnowledgeDocument> = {}): KnowledgeDocument => ({
  tenantId: TENANT,
  knowledgeBaseId: 'kb_01',
  id: 'doc_01',
  title: 'Shipping',
  titleGiven: false,
  source: { kind: 'file', contentType: 'application/pdf', filename: 'shipping.pdf' },
  uploadId: 'upl_01',
  status: 'queued',
  chunkCount: 0,
  bytes: 2048,
  createdAt: at(0),
  updatedAt: at(0),
  ...overrides,
});

const aCorrection = (overrides: Partial<Correction> = {}): Correction => ({
  tenantId: TENANT,
  aiId: 'ai_01',
  id: 'cor_msg_02',
  question: 'Do you ship to Canada?',
  answer: 'Yes, in 5 to 7 days.',
  conversationId: 'lead@example.com',
  messageId: 'msg_02',
  createdAt: at(0),
  ...overrides,
});

const aGap = (overrides: Partial<KnowledgeGap> = {}): KnowledgeGap => ({
  tenantId: TENANT,
  id: 'gap_01',
  aiId: 'ai_01',
  conversationId: 'lead@example.com',
  messageId: 'msg_01',
  question: 'Do you ship to Mars?',
  reason: 'escalated',
  createdAt: at(0),
  ...overrides,
});

/** A key of TENANT whose hash is `digit` repeated. */
const anApiKey = (id: string, digit: string) => ({
  tenantId: TENANT,
  id,
  hash: digit.repeat(64),
  prefix: 'prly_AbCd…',
  createdAt: at(0),
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

      it('reads back a key with its name, by id, within its tenant only', async () => {
        const key = { ...anApiKey('key_01', 'd'), name: 'Zapier' };
        await store.putApiKey(key);

        expect(await store.getApiKey(TENANT, 'key_01')).toStrictEqual(key);
        expect(await store.findApiKeyByHash(key.hash)).toStrictEqual(key);
        expect(await store.getApiKey(OTHER_TENANT, 'key_01')).toBeUndefined();
      });

      it("lists a tenant's keys in id order in pages, with a null cursor after the last page, and none of another tenant's", async () => {
        await store.putApiKey(anApiKey('key_03', '3'));
        await store.putApiKey(anApiKey('key_01', '1'));
        await store.putApiKey(anApiKey('key_02', '2'));
        await store.putApiKey({ ...anApiKey('key_00', '0'), tenantId: OTHER_TENANT });

        const first = await store.listApiKeys(TENANT, { limit: 2 });
        const second = await store.listApiKeys(TENANT, { limit: 2, cursor: first.nextCursor ?? '' });

        expect(first.items.map((k) => k.id)).toEqual(['key_01', 'key_02']);
        expect(second).toEqual({ items: [anApiKey('key_03', '3')], nextCursor: null });
      });

      it('refuses a key revoked after it was found: what a warm lookup remembers does not outlive revocation', async () => {
        await store.putApiKey(anApiKey('key_01', 'f'));
        expect(await store.findApiKeyByHash('f'.repeat(64))).toBeDefined();

        await store.revokeApiKey(TENANT, 'key_01');

        expect(await store.findApiKeyByHash('f'.repeat(64))).toBeUndefined();
      });

      it('revokes a key so its hash no longer finds it, and reports false the second time', async () => {
        await store.putApiKey(anApiKey('key_01', 'e'));

        expect(await store.revokeApiKey(TENANT, 'key_01')).toBe(true);

        expect(await store.findApiKeyByHash('e'.repeat(64))).toBeUndefined();
        expect(await store.getApiKey(TENANT, 'key_01')).toBeUndefined();
        expect(await store.listApiKeys(TENANT, { limit: 10 })).toEqual({ items: [], nextCursor: null });
        expect(await store.revokeApiKey(TENANT, 'key_01')).toBe(false);
      });

      it('counts requests per key and second up to the limit, then refuses more in that second only', async () => {
        const count = (keyId: string, second: string, tenantId = TENANT) =>
          store.countRequest(tenantId, keyId, second, 3);
        const admitted = [];
        for (let i = 0; i < 4; i++) admitted.push(await count('key_01', at(0)));

        expect(admitted).toEqual([true, true, true, false]);
        expect(await count('key_01', at(1))).toBe(true);
        expect(await count('key_02', at(0))).toBe(true);
        expect(await count('key_01', at(0), OTHER_TENANT)).toBe(true);
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

      it("sets and clears only the AI's webhook health", async () => {
        await store.createAi(anAi());
        const health = { failingSince: at(10), lastFailureAt: at(20) };

        expect(await store.recordWebhookHealth(TENANT, 'ai_01', health)).toBe(true);
        const flagged = await store.getAi(TENANT, 'ai_01');
        expect(await store.recordWebhookHealth(TENANT, 'ai_01', undefined)).toBe(true);

        expect(flagged).toStrictEqual(anAi({ webhookHealth: health }));
        expect(await store.getAi(TENANT, 'ai_01')).toStrictEqual(anAi());
      });

      it('records webhook health on no AI that does not exist', async () => {
        const health = { failingSince: at(10), lastFailureAt: at(20) };

        expect(await store.recordWebhookHealth(TENANT, 'ai_missing', health)).toBe(false);
        expect(await store.getAi(TENANT, 'ai_missing')).toBeUndefined();
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

      it('bumps an unversioned conversation to version 1 and applies the changes, returning what it wrote', async () => {
        await store.ensureConversation(aConversation());
        const scheduled = [{ kind: 'dropoff', at: at(3600), name: `${TENANT}.dropoff.lead` }] as const;

        const bumped = await store.bumpConversation(TENANT, 'lead@example.com', {
          scheduled: [...scheduled],
          updatedAt: at(60),
          status: undefined,
        });

        const expected = aConversation({ version: 1, scheduled: [...scheduled], updatedAt: at(60) });
        expect(bumped).toStrictEqual(expected);
        expect(await store.getConversation(TENANT, 'lead@example.com')).toStrictEqual(expected);
      });

      it('adds one to the version on every bump, with or without changes', async () => {
        await store.ensureConversation(aConversation({ version: 7 }));

        await store.bumpConversation(TENANT, 'lead@example.com', {});
        const second = await store.bumpConversation(TENANT, 'lead@example.com', { status: 'handed_off' });

        expect(second).toMatchObject({ version: 9, status: 'handed_off' });
        expect((await store.getConversation(TENANT, 'lead@example.com'))?.version).toBe(9);
      });

      it('throws NotFoundError naming conversation_id when bumping a conversation that does not exist', async () => {
        await store.ensureConversation(aConversation({ tenantId: OTHER_TENANT }));

        const bump = store.bumpConversation(TENANT, 'lead@example.com', { status: 'closed' });

        await expect(bump).rejects.toBeInstanceOf(NotFoundError);
        await expect(bump).rejects.toMatchObject({ details: [{ path: 'conversation_id' }] });
        expect(await store.getConversation(TENANT, 'lead@example.com')).toBeUndefined();
        expect((await store.getConversation(OTHER_TENANT, 'lead@example.com'))?.version).toBeUndefined();
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

      it('lists only the newest messages of a conversation when asked, still oldest first', async () => {
        for (let n = 1; n <= 12; n++) {
          await store.putMessage(anInbound({ id: `msg_${String(n).padStart(2, '0')}`, createdAt: at(n) }));
        }
        await store.putMessage(anInbound({ conversationId: 'someone-else', id: 'msg_99' }));

        const newest = await store.listRecentMessages(TENANT, 'lead@example.com', 5);
        const all = await store.listRecentMessages(TENANT, 'lead@example.com', 50);

        expect(newest.map((m) => m.id)).toEqual(['msg_08', 'msg_09', 'msg_10', 'msg_11', 'msg_12']);
        expect(all.map((m) => m.id)).toEqual((await store.listMessages(TENANT, 'lead@example.com')).map((m) => m.id));
        expect(await store.listRecentMessages(OTHER_TENANT, 'lead@example.com', 5)).toEqual([]);
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

    describe('timers', () => {
      it('lists timers due before the cutoff across tenants, soonest first, as they were put', async () => {
        await store.putTimer(aTimer('c', 30));
        await store.putTimer(aTimer('a', 10, OTHER_TENANT));
        await store.putTimer(aTimer('b', 20));
        await store.putTimer(aTimer('later', 60));
        await store.putTimer(aTimer('much-later', 90));

        const due = await store.listTimers(at(60), 10);

        expect(due).toStrictEqual([aTimer('a', 10, OTHER_TENANT), aTimer('b', 20), aTimer('c', 30)]);
      });

      it('returns only the soonest timers up to the limit, ties in name order', async () => {
        for (let n = 10; n < 30; n++) await store.putTimer(aTimer(`t${n}`, 100 - n));
        await store.putTimer(aTimer('a-twin', 72));

        const due = await store.listTimers(at(1000), 4);

        expect(due.map((timer) => timer.name)).toEqual([
          `${TENANT}.t29`,
          `${TENANT}.a-twin`,
          `${TENANT}.t28`,
          `${TENANT}.t27`,
        ]);
      });

      it('lists hundreds of timers in order', async () => {
        const timers = Array.from({ length: 250 }, (_, n) => aTimer(`t${String(n).padStart(3, '0')}`, n % 50));
        await Promise.all(timers.map((timer) => store.putTimer(timer)));

        const due = await store.listTimers(at(1000), 240);

        const expected = [...timers].sort((a, b) => a.at.localeCompare(b.at) || a.name.localeCompare(b.name));
        expect(due).toStrictEqual(expected.slice(0, 240));
      });

      it('replaces a timer of the same name, moving it to its new time', async () => {
        await store.putTimer(aTimer('nudge', 10));
        await store.putTimer(aTimer('other', 20));

        await store.putTimer({ ...aTimer('nudge', 30), payload: { ...aTimer('nudge', 30).payload, version: 4 } });

        const due = await store.listTimers(at(100), 10);
        expect(due.map((timer) => [timer.name, timer.at, timer.payload.version])).toEqual([
          [`${TENANT}.other`, at(20), 3],
          [`${TENANT}.nudge`, at(30), 4],
        ]);
      });

      it('deletes a timer of one tenant only, and a missing one without complaint', async () => {
        await store.putTimer(aTimer('same', 10));
        await store.putTimer({ ...aTimer('same', 20, OTHER_TENANT), name: `${TENANT}.same` });

        await store.deleteTimer(TENANT, `${TENANT}.same`);
        await store.deleteTimer(TENANT, `${TENANT}.never-set`);

        const due = await store.listTimers(at(100), 10);
        expect(due.map((timer) => [timer.payload.tenantId, timer.at])).toEqual([[OTHER_TENANT, at(20)]]);
      });

      it('lists nothing for a limit below one or a cutoff before every timer', async () => {
        await store.putTimer(aTimer('a', 10));

        expect(await store.listTimers(at(100), 0)).toEqual([]);
        expect(await store.listTimers(at(10), 10)).toEqual([]);
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

      it('lists deliveries newest first, in pages, and only those with a status when asked', async () => {
        const statuses = ['succeeded', 'failed', 'pending', 'failed', 'succeeded', 'failed'] as const;
        for (const [i, status] of statuses.entries()) {
          await store.createDelivery(aDelivery({ id: `dlv_0${i + 1}`, status }));
        }
        await store.createDelivery(aDelivery({ tenantId: OTHER_TENANT, id: 'dlv_09', status: 'failed' }));

        const all = await store.listDeliveries(TENANT, { limit: 4 });
        const rest = await store.listDeliveries(TENANT, { limit: 4, cursor: all.nextCursor ?? '' });
        const failed = await store.listDeliveries(TENANT, { limit: 2 }, 'failed');
        const failedRest = await store.listDeliveries(TENANT, { limit: 2, cursor: failed.nextCursor ?? '' }, 'failed');

        expect(all.items.map((d) => d.id)).toEqual(['dlv_06', 'dlv_05', 'dlv_04', 'dlv_03']);
        expect(rest.items).toStrictEqual([
          aDelivery({ id: 'dlv_02', status: 'failed' }),
          aDelivery({ id: 'dlv_01', status: 'succeeded' }),
        ]);
        expect(rest.nextCursor).toBeNull();
        expect(failed.items.map((d) => d.id)).toEqual(['dlv_06', 'dlv_04']);
        expect(failedRest.items.map((d) => d.id)).toEqual(['dlv_02']);
        expect(failedRest.nextCursor).toBeNull();
        expect((await store.listDeliveries(TENANT, { limit: 5 }, 'pending')).items.map((d) => d.id)).toEqual([
          'dlv_03',
        ]);
      });

      it("refuses another tenant's delivery cursor", async () => {
        await store.createDelivery(aDelivery({ tenantId: OTHER_TENANT, id: 'dlv_01' }));
        await store.createDelivery(aDelivery({ tenantId: OTHER_TENANT, id: 'dlv_02' }));
        const { nextCursor } = await store.listDeliveries(OTHER_TENANT, { limit: 1 });

        await expect(store.listDeliveries(TENANT, { limit: 1, cursor: nextCursor ?? '' })).rejects.toBeInstanceOf(
          ValidationError,
        );
      });

      it('makes a failed delivery pending again, due at the given time, counting the schedule from its attempts', async () => {
        await store.createDelivery(
          aDelivery({
            status: 'failed',
            attempts: 8,
            lastStatusCode: 500,
            lastError: 'HTTP 500',
            nextAttemptAt: at(9),
          }),
        );

        const retried = await store.retryFailedDelivery(TENANT, 'dlv_01', at(100));

        const expected = aDelivery({
          status: 'pending',
          attempts: 8,
          attemptsBeforeRetry: 8,
          lastStatusCode: 500,
          lastError: 'HTTP 500',
          nextAttemptAt: at(100),
          updatedAt: at(100),
        });
        expect(retried).toStrictEqual(expected);
        expect(await store.getDelivery(TENANT, 'dlv_01')).toStrictEqual(expected);
        expect(await store.listPending(at(101), 10)).toEqual([
          { kind: 'delivery', tenantId: TENANT, deliveryId: 'dlv_01', since: at(100) },
        ]);
        expect(await store.leaseDelivery(TENANT, 'dlv_01', at(100), at(130))).toBeDefined();
      });

      it('retries only a failed delivery, and writes nothing otherwise', async () => {
        await store.createDelivery(aDelivery({ status: 'pending' }));
        await store.createDelivery(aDelivery({ id: 'dlv_02', status: 'succeeded' }));

        expect(await store.retryFailedDelivery(TENANT, 'dlv_01', at(100))).toBeUndefined();
        expect(await store.retryFailedDelivery(TENANT, 'dlv_02', at(100))).toBeUndefined();
        expect(await store.retryFailedDelivery(TENANT, 'dlv_missing', at(100))).toBeUndefined();
        expect(await store.getDelivery(TENANT, 'dlv_01')).toStrictEqual(aDelivery({ status: 'pending' }));
        expect(await store.getDelivery(TENANT, 'dlv_missing')).toBeUndefined();
      });

      it('gives out a limited number of send slots per endpoint and second, per tenant', async () => {
        const second = at(0);
        const taken = [];
        for (let i = 0; i < 4; i++) taken.push(await store.takeSendSlot(TENANT, 'endpoint-a', second, 3));

        expect(taken).toEqual([true, true, true, false]);
        expect(await store.takeSendSlot(TENANT, 'endpoint-a', at(1), 3)).toBe(true);
        expect(await store.takeSendSlot(TENANT, 'endpoint-b', second, 3)).toBe(true);
        expect(await store.takeSendSlot(OTHER_TENANT, 'endpoint-a', second, 3)).toBe(true);
      });
    });

    describe('Maax message index', () => {
      const aRef = { tenantId: TENANT, messageId: 'msg_01', conversationId: 'conv_01', prospectId: '42' };

      it('finds a message by its id alone, and only in its own tenant', async () => {
        await store.putMaaxMessageRef(aRef);

        expect(await store.getMaaxMessageRef(TENANT, 'msg_01')).toStrictEqual(aRef);
        expect(await store.getMaaxMessageRef(OTHER_TENANT, 'msg_01')).toBeUndefined();
        expect(await store.getMaaxMessageRef(TENANT, 'msg_02')).toBeUndefined();
      });

      it('keeps the first reference when the same message id is recorded again', async () => {
        await store.putMaaxMessageRef(aRef);

        await store.putMaaxMessageRef({ ...aRef, conversationId: 'conv_02' });

        expect(await store.getMaaxMessageRef(TENANT, 'msg_01')).toStrictEqual(aRef);
      });

      it("keeps a conversation's Maax prospect id through create and update", async () => {
        await store.ensureConversation(aConversation({ maax: { prospectId: '7' } }));
        await store.updateConversation(TENANT, aConversation().id, { maax: { prospectId: '8' } });

        expect((await store.getConversation(TENANT, aConversation().id))?.maax).toStrictEqual({ prospectId: '8' });
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

    describe('knowledge store', () => {
      describe('knowledge bases', () => {
        it('reads back exactly the base it created, maps included', async () => {
          const base = aKnowledgeBase({ version: 3, indexed: { doc_01: 'upl_01' }, uploads: { doc_01: 'upl_01' } });

          await store.createKnowledgeBase(base);

          expect(await store.getKnowledgeBase(TENANT, 'kb_01')).toStrictEqual(base);
        });

        it('refuses to create a base whose id exists', async () => {
          await store.createKnowledgeBase(aKnowledgeBase());

          await expect(store.createKnowledgeBase(aKnowledgeBase({ name: 'Duplicate' }))).rejects.toBeInstanceOf(
            ConcurrencyError,
          );
          expect((await store.getKnowledgeBase(TENANT, 'kb_01'))?.name).toBe('Pricing and shipping');
        });

        it('lists bases in id order in pages, without their documents', async () => {
          for (const n of [3, 1, 2]) {
            await store.createKnowledgeBase(aKnowledgeBase({ id: `kb_0${n}` }));
            await store.putDocument(aDocument({ knowledgeBaseId: `kb_0${n}` }));
          }

          const first = await store.listKnowledgeBases(TENANT, { limit: 2 });
          const second = await store.listKnowledgeBases(TENANT, { limit: 2, cursor: first.nextCursor ?? undefined });

          expect(first.items.map((base) => base.id)).toEqual(['kb_01', 'kb_02']);
          expect(second).toEqual({ items: [aKnowledgeBase({ id: 'kb_03' })], nextCursor: null });
        });

        it('deletes a base once and reports false the second time', async () => {
          await store.createKnowledgeBase(aKnowledgeBase());

          expect(await store.deleteKnowledgeBase(TENANT, 'kb_01')).toBe(true);
          expect(await store.deleteKnowledgeBase(TENANT, 'kb_01')).toBe(false);
          expect(await store.getKnowledgeBase(TENANT, 'kb_01')).toBeUndefined();
        });

        it("shows one tenant none of another tenant's bases", async () => {
          await store.createKnowledgeBase(aKnowledgeBase());

          expect(await store.listKnowledgeBases(OTHER_TENANT, { limit: 10 })).toEqual({ items: [], nextCursor: null });
          expect(await store.getKnowledgeBase(OTHER_TENANT, 'kb_01')).toBeUndefined();
          expect(await store.deleteKnowledgeBase(OTHER_TENANT, 'kb_01')).toBe(false);
          expect(await store.startUpload(OTHER_TENANT, 'kb_01', 'doc_01', 'upl_01', at(1))).toBe(false);
          expect(await store.getKnowledgeBase(TENANT, 'kb_01')).toStrictEqual(aKnowledgeBase());
        });
      });

      describe('what is searchable', () => {
        it('records an upload, bumping the version', async () => {
          await store.createKnowledgeBase(aKnowledgeBase());

          const started = await store.startUpload(TENANT, 'kb_01', 'doc_01', 'upl_01', at(5));

          expect(started).toBe(true);
          expect(await store.getKnowledgeBase(TENANT, 'kb_01')).toStrictEqual(
            aKnowledgeBase({ version: 1, uploads: { doc_01: 'upl_01' }, updatedAt: at(5) }),
          );
        });

        it('makes the latest upload searchable, bumping the version', async () => {
          await store.createKnowledgeBase(aKnowledgeBase());
          await store.startUpload(TENANT, 'kb_01', 'doc_01', 'upl_01', at(5));

          const indexed = await store.markIndexed(TENANT, 'kb_01', 'doc_01', 'upl_01', at(9));

          expect(indexed).toBe(true);
          expect(await store.getKnowledgeBase(TENANT, 'kb_01')).toStrictEqual(
            aKnowledgeBase({
              version: 2,
              uploads: { doc_01: 'upl_01' },
              indexed: { doc_01: 'upl_01' },
              updatedAt: at(9),
            }),
          );
        });

        it('takes the earlier upload out of search when the document is uploaded again', async () => {
          await store.createKnowledgeBase(aKnowledgeBase());
          await store.startUpload(TENANT, 'kb_01', 'doc_01', 'upl_01', at(1));
          await store.markIndexed(TENANT, 'kb_01', 'doc_01', 'upl_01', at(2));
          await store.startUpload(TENANT, 'kb_01', 'doc_02', 'upl_02', at(3));
          await store.markIndexed(TENANT, 'kb_01', 'doc_02', 'upl_02', at(4));

          await store.startUpload(TENANT, 'kb_01', 'doc_01', 'upl_03', at(5));

          expect(await store.getKnowledgeBase(TENANT, 'kb_01')).toMatchObject({
            version: 5,
            uploads: { doc_01: 'upl_03', doc_02: 'upl_02' },
            indexed: { doc_02: 'upl_02' },
          });
        });

        it('refuses to index an upload that is no longer the latest, changing nothing', async () => {
          await store.createKnowledgeBase(aKnowledgeBase());
          await store.startUpload(TENANT, 'kb_01', 'doc_01', 'upl_01', at(1));
          await store.startUpload(TENANT, 'kb_01', 'doc_01', 'upl_02', at(2));
          const before = await store.getKnowledgeBase(TENANT, 'kb_01');

          const stale = await store.markIndexed(TENANT, 'kb_01', 'doc_01', 'upl_01', at(3));
          const neverStarted = await store.markIndexed(TENANT, 'kb_01', 'doc_09', 'upl_01', at(3));

          expect([stale, neverStarted]).toEqual([false, false]);
          expect(await store.getKnowledgeBase(TENANT, 'kb_01')).toStrictEqual(before);
        });

        it('reports false for a base that does not exist, and does not create it', async () => {
          expect(await store.startUpload(TENANT, 'kb_missing', 'doc_01', 'upl_01', at(1))).toBe(false);
          expect(await store.markIndexed(TENANT, 'kb_missing', 'doc_01', 'upl_01', at(1))).toBe(false);
          await store.forgetDocument(TENANT, 'kb_missing', 'doc_01', at(1));

          expect(await store.getKnowledgeBase(TENANT, 'kb_missing')).toBeUndefined();
        });

        it('forgets a document, bumping the version, and forgets it again without complaint', async () => {
          await store.createKnowledgeBase(aKnowledgeBase());
          await store.startUpload(TENANT, 'kb_01', 'doc_01', 'upl_01', at(1));
          await store.markIndexed(TENANT, 'kb_01', 'doc_01', 'upl_01', at(2));
          await store.startUpload(TENANT, 'kb_01', 'doc_02', 'upl_02', at(3));

          await store.forgetDocument(TENANT, 'kb_01', 'doc_01', at(4));
          const forgotten = await store.getKnowledgeBase(TENANT, 'kb_01');
          await store.forgetDocument(TENANT, 'kb_01', 'doc_01', at(5));

          expect(forgotten).toStrictEqual(
            aKnowledgeBase({ version: 4, uploads: { doc_02: 'upl_02' }, indexed: {}, updatedAt: at(4) }),
          );
          expect(await store.getKnowledgeBase(TENANT, 'kb_01')).toMatchObject({
            uploads: { doc_02: 'upl_02' },
            indexed: {},
          });
        });

        it('keeps document ids with path characters as single map keys', async () => {
          await store.createKnowledgeBase(aKnowledgeBase());

          await store.startUpload(TENANT, 'kb_01', 'doc.a[0]#b', 'upl_01', at(1));
          await store.markIndexed(TENANT, 'kb_01', 'doc.a[0]#b', 'upl_01', at(2));

          expect(await store.getKnowledgeBase(TENANT, 'kb_01')).toMatchObject({
            uploads: { 'doc.a[0]#b': 'upl_01' },
            indexed: { 'doc.a[0]#b': 'upl_01' },
          });
        });
      });

      describe('documents', () => {
        it('lists a queued document as pending, for the recovery sweep, until its outcome is recorded', async () => {
          await store.putDocument(aDocument({ status: 'queued', updatedAt: at(10), uploadId: 'upl_07' }));
          const pending = await store.listPending(at(60), 10);

          await store.updateDocumentStatus(TENANT, 'kb_01', 'doc_01', 'upl_07', {
            status: 'ready',
            chunkCount: 3,
            updatedAt: at(20),
          });

          expect(pending).toEqual([
            {
              kind: 'document',
              tenantId: TENANT,
              knowledgeBaseId: 'kb_01',
              documentId: 'doc_01',
              uploadId: 'upl_07',
              since: at(10),
            },
          ]);
          expect(await store.listPending(at(60), 10)).toEqual([]);
        });

        it('reads back exactly the document it put, and replaces it when put again', async () => {
          await store.putDocument({ ...aDocument(), error: undefined });
          const first = await store.getDocument(TENANT, 'kb_01', 'doc_01');

          await store.putDocument(aDocument({ uploadId: 'upl_02', source: { kind: 'url', url: 'https://a.example' } }));

          expect(first).toStrictEqual(aDocument());
          expect(await store.getDocument(TENANT, 'kb_01', 'doc_01')).toStrictEqual(
            aDocument({ uploadId: 'upl_02', source: { kind: 'url', url: 'https://a.example' } }),
          );
        });

        it('records the outcome of the current upload, keeping the title unless one is read', async () => {
          await store.putDocument(aDocument());
          await store.putDocument(aDocument({ id: 'doc_02' }));

          const ready = await store.updateDocumentStatus(TENANT, 'kb_01', 'doc_01', 'upl_01', {
            status: 'ready',
            chunkCount: 12,
            updatedAt: at(10),
            title: 'Shipping and returns',
          });
          const failed = await store.updateDocumentStatus(TENANT, 'kb_01', 'doc_02', 'upl_01', {
            status: 'failed',
            chunkCount: 0,
            updatedAt: at(10),
            error: 'The PDF is encrypted.',
          });

          expect([ready, failed]).toEqual([true, true]);
          expect(await store.getDocument(TENANT, 'kb_01', 'doc_01')).toStrictEqual(
            aDocument({ status: 'ready', chunkCount: 12, updatedAt: at(10), title: 'Shipping and returns' }),
          );
          expect(await store.getDocument(TENANT, 'kb_01', 'doc_02')).toStrictEqual(
            aDocument({ id: 'doc_02', status: 'failed', updatedAt: at(10), error: 'The PDF is encrypted.' }),
          );
        });

        it('drops an earlier error when an outcome without one is recorded', async () => {
          await store.putDocument(aDocument({ status: 'failed', error: 'Timed out.' }));

          await store.updateDocumentStatus(TENANT, 'kb_01', 'doc_01', 'upl_01', {
            status: 'ready',
            chunkCount: 3,
            updatedAt: at(20),
          });

          expect(await store.getDocument(TENANT, 'kb_01', 'doc_01')).toStrictEqual(
            aDocument({ status: 'ready', chunkCount: 3, updatedAt: at(20) }),
          );
        });

        it('refuses the outcome of an upload that is no longer current, or of a missing document', async () => {
          await store.putDocument(aDocument({ uploadId: 'upl_02' }));
          const outcome = { status: 'ready', chunkCount: 4, updatedAt: at(10) } as const;

          const stale = await store.updateDocumentStatus(TENANT, 'kb_01', 'doc_01', 'upl_01', outcome);
          const missing = await store.updateDocumentStatus(TENANT, 'kb_01', 'doc_missing', 'upl_01', outcome);
          const otherTenant = await store.updateDocumentStatus(OTHER_TENANT, 'kb_01', 'doc_01', 'upl_02', outcome);

          expect([stale, missing, otherTenant]).toEqual([false, false, false]);
          expect(await store.getDocument(TENANT, 'kb_01', 'doc_01')).toStrictEqual(aDocument({ uploadId: 'upl_02' }));
          expect(await store.getDocument(TENANT, 'kb_01', 'doc_missing')).toBeUndefined();
          expect(await store.getDocument(OTHER_TENANT, 'kb_01', 'doc_01')).toBeUndefined();
        });

        it('lists the documents of one base in id order in pages, with a null cursor after the last page', async () => {
          for (const n of [3, 1, 5, 2, 4]) await store.putDocument(aDocument({ id: `doc_0${n}` }));

          const first = await store.listDocuments(TENANT, 'kb_01', { limit: 2 });
          const second = await store.listDocuments(TENANT, 'kb_01', {
            limit: 2,
            cursor: first.nextCursor ?? undefined,
          });
          const third = await store.listDocuments(TENANT, 'kb_01', {
            limit: 2,
            cursor: second.nextCursor ?? undefined,
          });

          expect(first.items.map((document) => document.id)).toEqual(['doc_01', 'doc_02']);
          expect(second.items.map((document) => document.id)).toEqual(['doc_03', 'doc_04']);
          expect(third).toEqual({ items: [aDocument({ id: 'doc_05' })], nextCursor: null });
        });

        it("never lists another base's or another tenant's documents, whatever the base ids", async () => {
          const baseIds = ['kb_a', 'kb_a#b', 'kb_a%23b', 'kb_ab'];
          for (const baseId of baseIds) {
            await store.putDocument(aDocument({ knowledgeBaseId: baseId, id: 'doc_01', title: baseId }));
          }
          await store.putDocument(aDocument({ tenantId: OTHER_TENANT, knowledgeBaseId: 'kb_a', title: 'theirs' }));

          for (const baseId of baseIds) {
            const listed = await store.listDocuments(TENANT, baseId, { limit: 10 });
            expect(listed.items.map((document) => document.title)).toEqual([baseId]);
          }
          expect((await store.listDocuments(OTHER_TENANT, 'kb_a', { limit: 10 })).items).toHaveLength(1);
          expect(await store.listDocuments(TENANT, 'kb_empty', { limit: 10 })).toEqual({ items: [], nextCursor: null });
          expect(await store.listKnowledgeBases(TENANT, { limit: 10 })).toEqual({ items: [], nextCursor: null });
        });

        it('rejects a forged cursor and the cursors of another base, another tenant and the bases list', async () => {
          for (const n of [1, 2]) {
            await store.putDocument(aDocument({ id: `doc_0${n}` }));
            await store.putDocument(aDocument({ knowledgeBaseId: 'kb_02', id: `doc_0${n}` }));
            await store.putDocument(aDocument({ tenantId: OTHER_TENANT, id: `doc_0${n}` }));
            await store.createKnowledgeBase(aKnowledgeBase({ id: `kb_0${n}` }));
          }
          const otherBase = await store.listDocuments(TENANT, 'kb_02', { limit: 1 });
          const otherTenant = await store.listDocuments(OTHER_TENANT, 'kb_01', { limit: 1 });
          const bases = await store.listKnowledgeBases(TENANT, { limit: 1 });

          for (const cursor of ['not-a-cursor', otherBase.nextCursor, otherTenant.nextCursor, bases.nextCursor]) {
            const attempt = store.listDocuments(TENANT, 'kb_01', { limit: 1, cursor: cursor ?? undefined });
            await expect(attempt).rejects.toBeInstanceOf(ValidationError);
            await expect(attempt).rejects.toMatchObject({ details: [{ path: 'cursor' }] });
          }
          const first = await store.listDocuments(TENANT, 'kb_01', { limit: 1 });
          await expect(
            store.listKnowledgeBases(TENANT, { limit: 1, cursor: first.nextCursor ?? undefined }),
          ).rejects.toMatchObject({ details: [{ path: 'cursor' }] });
        });

        it('deletes a document once and reports false the second time', async () => {
          await store.putDocument(aDocument());

          expect(await store.deleteDocument(OTHER_TENANT, 'kb_01', 'doc_01')).toBe(false);
          expect(await store.deleteDocument(TENANT, 'kb_02', 'doc_01')).toBe(false);
          expect(await store.deleteDocument(TENANT, 'kb_01', 'doc_01')).toBe(true);
          expect(await store.deleteDocument(TENANT, 'kb_01', 'doc_01')).toBe(false);
          expect(await store.getDocument(TENANT, 'kb_01', 'doc_01')).toBeUndefined();
        });
      });

      describe('corrections', () => {
        it("lists an AI's corrections oldest first, and only that AI's", async () => {
          await store.putCorrection(aCorrection({ id: 'cor_a', createdAt: at(30) }));
          await store.putCorrection(aCorrection({ id: 'cor_b', createdAt: at(10) }));
          await store.putCorrection(aCorrection({ id: 'cor_c', createdAt: at(20) }));
          await store.putCorrection(aCorrection({ aiId: 'ai_01#x', id: 'cor_d' }));
          await store.putCorrection(aCorrection({ aiId: 'ai_02', id: 'cor_e' }));
          await store.putCorrection(aCorrection({ tenantId: OTHER_TENANT, id: 'cor_f' }));

          const corrections = await store.listCorrections(TENANT, 'ai_01');

          expect(corrections.map((correction) => correction.id)).toEqual(['cor_b', 'cor_c', 'cor_a']);
          expect(corrections[0]).toStrictEqual(aCorrection({ id: 'cor_b', createdAt: at(10) }));
          expect((await store.listCorrections(TENANT, 'ai_01#x')).map((c) => c.id)).toEqual(['cor_d']);
          expect((await store.listCorrections(OTHER_TENANT, 'ai_01')).map((c) => c.id)).toEqual(['cor_f']);
          expect(await store.listCorrections(TENANT, 'ai_none')).toEqual([]);
        });

        it('replaces a correction with the same id', async () => {
          await store.putCorrection(aCorrection());

          await store.putCorrection(aCorrection({ answer: 'Yes, in 3 days now.', createdAt: at(60) }));

          expect(await store.listCorrections(TENANT, 'ai_01')).toStrictEqual([
            aCorrection({ answer: 'Yes, in 3 days now.', createdAt: at(60) }),
          ]);
        });
      });

      describe('knowledge gaps', () => {
        it('lists gaps newest first in pages, with a null cursor after the last page', async () => {
          for (const n of [3, 1, 5, 2, 4]) await store.putKnowledgeGap(aGap({ id: `gap_0${n}`, createdAt: at(n) }));
          await store.putKnowledgeGap(aGap({ tenantId: OTHER_TENANT, id: 'gap_09', createdAt: at(9) }));

          const first = await store.listKnowledgeGaps(TENANT, { limit: 2 });
          const second = await store.listKnowledgeGaps(TENANT, { limit: 2, cursor: first.nextCursor ?? undefined });
          const third = await store.listKnowledgeGaps(TENANT, { limit: 2, cursor: second.nextCursor ?? undefined });

          expect(first.items.map((gap) => gap.id)).toEqual(['gap_05', 'gap_04']);
          expect(second.items.map((gap) => gap.id)).toEqual(['gap_03', 'gap_02']);
          expect(third).toEqual({ items: [aGap({ id: 'gap_01', createdAt: at(1) })], nextCursor: null });
        });

        it('keeps the first of a gap recorded twice, even at a later time', async () => {
          await store.putKnowledgeGap(aGap({ createdAt: at(10) }));

          await store.putKnowledgeGap(aGap({ createdAt: at(10) }));
          await store.putKnowledgeGap(aGap({ createdAt: at(70), reason: 'ungrounded' }));

          expect(await store.listKnowledgeGaps(TENANT, { limit: 10 })).toEqual({
            items: [aGap({ createdAt: at(10) })],
            nextCursor: null,
          });
        });

        it('rejects a forged cursor and the cursors of another tenant and another list', async () => {
          for (const n of [1, 2]) {
            await store.putKnowledgeGap(aGap({ id: `gap_0${n}`, createdAt: at(n) }));
            await store.putKnowledgeGap(aGap({ tenantId: OTHER_TENANT, id: `gap_0${n}`, createdAt: at(n) }));
            await store.createKnowledgeBase(aKnowledgeBase({ id: `kb_0${n}` }));
          }
          const theirs = await store.listKnowledgeGaps(OTHER_TENANT, { limit: 1 });
          const bases = await store.listKnowledgeBases(TENANT, { limit: 1 });

          for (const cursor of ['not-a-cursor', theirs.nextCursor, bases.nextCursor]) {
            const attempt = store.listKnowledgeGaps(TENANT, { limit: 1, cursor: cursor ?? undefined });
            await expect(attempt).rejects.toBeInstanceOf(ValidationError);
            await expect(attempt).rejects.toMatchObject({ details: [{ path: 'cursor' }] });
          }
        });
      });
    });
  });
}
