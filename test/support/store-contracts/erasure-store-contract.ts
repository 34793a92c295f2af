/**
 * What erasure and retention need of every store, in memory and on DynamoDB alike: tombstones and
 * the next life of a conversation id, writes that undo themselves after an erasure, the expiry
 * job's listing, and the single-item deletes of what a conversation left elsewhere.
 */
import type { Stores } from '#lib/app/deps';
import { ConflictError, NotFoundError } from '#lib/domain/errors';
import {
  aConversation,
  aCorrection,
  aDelivery,
  aGap,
  anIdempotencyRecord,
  anInbound,
  aTenant,
  at,
  OTHER_TENANT,
  TENANT,
} from '#test/support/store-contracts/fixtures';
import { type StoresSetup, useFreshStores } from '#test/support/store-contracts/stores-under-test';

const ID = 'lead@example.com';

/** Runs the erasure contract against the stores `setup` makes, fresh for every test. */
export function describeErasureStoreContract(setup: StoresSetup): void {
  describe('erasure and retention', () => {
    let stores!: Stores;
    useFreshStores(setup, (fresh) => {
      stores = fresh;
    });

    it('turns a conversation into a tombstone that reads as gone, and returns it as it was', async () => {
      await stores.conversations.ensureConversation(aConversation());

      const marked = await stores.conversations.tombstoneConversation(TENANT, ID, at(10));

      expect(marked?.conversation).toStrictEqual(aConversation());
      expect(marked?.tombstone).toEqual({
        tenantId: TENANT,
        id: ID,
        aiId: 'ai_01',
        incarnation: 0,
        erasedAt: at(10),
        finished: false,
      });
      expect(await stores.conversations.getConversation(TENANT, ID)).toBeUndefined();
      await expect(stores.conversations.updateConversation(TENANT, ID, { updatedAt: at(11) })).rejects.toThrow();
      await expect(stores.conversations.bumpConversation(TENANT, ID, {})).rejects.toThrow(NotFoundError);
    });

    it('returns the unfinished tombstone again to a resumed erasure, and nothing where there was no conversation', async () => {
      await stores.conversations.ensureConversation(aConversation());
      await stores.conversations.tombstoneConversation(TENANT, ID, at(10));

      const again = await stores.conversations.tombstoneConversation(TENANT, ID, at(20));

      expect(again).toEqual({ tombstone: expect.objectContaining({ erasedAt: at(10), finished: false }) });
      expect(await stores.conversations.tombstoneConversation(TENANT, 'nobody', at(20))).toBeUndefined();
    });

    it('refuses a new conversation over an unfinished tombstone and starts the next life over a finished one', async () => {
      await stores.conversations.ensureConversation(aConversation());
      await stores.conversations.tombstoneConversation(TENANT, ID, at(10));

      await expect(stores.conversations.ensureConversation(aConversation({ createdAt: at(20) }))).rejects.toThrow(
        ConflictError,
      );
      await stores.conversations.finishTombstone(TENANT, ID);
      const next = await stores.conversations.ensureConversation(
        aConversation({ createdAt: at(30), updatedAt: at(30) }),
      );

      expect(next).toMatchObject({ incarnation: 1, createdAt: at(30) });
      expect(await stores.conversations.getConversation(TENANT, ID)).toMatchObject({ incarnation: 1 });
      expect(await stores.conversations.getTombstone(TENANT, ID)).toBeUndefined();
    });

    it('undoes a message written to an erased conversation, or for another life of it', async () => {
      await stores.conversations.ensureConversation(aConversation());
      await stores.conversations.putMessage(anInbound({ id: 'msg_01' }), { incarnation: 0 });
      await expect(stores.conversations.putMessage(anInbound({ id: 'msg_02' }), { incarnation: 3 })).rejects.toThrow(
        NotFoundError,
      );
      await stores.conversations.tombstoneConversation(TENANT, ID, at(10));

      await expect(stores.conversations.putMessage(anInbound({ id: 'msg_03' }))).rejects.toThrow(NotFoundError);

      expect((await stores.conversations.listMessages(TENANT, ID)).map((m) => m.id)).toEqual(['msg_01']);
    });

    it('deletes one message, fine when it is already gone', async () => {
      await stores.conversations.putMessage(anInbound({ id: 'msg_01' }));
      await stores.conversations.putMessage(anInbound({ id: 'msg_02' }));

      await stores.conversations.deleteMessage(TENANT, ID, 'msg_01');
      await stores.conversations.deleteMessage(TENANT, ID, 'msg_01');

      expect((await stores.conversations.listMessages(TENANT, ID)).map((m) => m.id)).toEqual(['msg_02']);
      expect(await stores.conversations.getMessage(TENANT, ID, 'msg_01')).toBeUndefined();
    });

    it('lists the live conversations updated before a cutoff, least recently updated first, up to a limit', async () => {
      await stores.conversations.ensureConversation(aConversation({ id: 'c', updatedAt: at(30) }));
      await stores.conversations.ensureConversation(aConversation({ id: 'a', updatedAt: at(10) }));
      await stores.conversations.ensureConversation(aConversation({ id: 'b', updatedAt: at(20) }));
      await stores.conversations.ensureConversation(aConversation({ id: 'late', updatedAt: at(10) }));
      await stores.conversations.updateConversation(TENANT, 'late', { updatedAt: at(100) });
      await stores.conversations.ensureConversation(aConversation({ id: 'gone', updatedAt: at(5) }));
      await stores.conversations.tombstoneConversation(TENANT, 'gone', at(50));
      await stores.conversations.ensureConversation(
        aConversation({ tenantId: OTHER_TENANT, id: 'x', updatedAt: at(1) }),
      );

      const listed = await stores.conversations.listConversationsUpdatedBefore(TENANT, at(25), 10);
      const first = await stores.conversations.listConversationsUpdatedBefore(TENANT, at(99), 2);

      expect(listed).toEqual([
        { conversationId: 'a', updatedAt: at(10) },
        { conversationId: 'b', updatedAt: at(20) },
      ]);
      expect(first.map((c) => c.conversationId)).toEqual(['a', 'b']);
    });

    it('empties an erased delivery and stops it when pending, and never retries it', async () => {
      await stores.deliveries.createDelivery(aDelivery({ id: 'dlv_01' }));
      await stores.deliveries.createDelivery(aDelivery({ id: 'dlv_02', status: 'succeeded' }));

      await stores.deliveries.eraseDelivery(TENANT, 'dlv_01', at(10));
      await stores.deliveries.eraseDelivery(TENANT, 'dlv_02', at(10));
      await stores.deliveries.eraseDelivery(TENANT, 'dlv_none', at(10));

      expect(await stores.deliveries.getDelivery(TENANT, 'dlv_01')).toMatchObject({
        payload: '',
        status: 'failed',
        erasedAt: at(10),
      });
      expect(await stores.deliveries.getDelivery(TENANT, 'dlv_02')).toMatchObject({ payload: '', status: 'succeeded' });
      expect(await stores.deliveries.getDelivery(TENANT, 'dlv_none')).toBeUndefined();
      expect(await stores.deliveries.retryFailedDelivery(TENANT, 'dlv_01', at(20))).toBeUndefined();
      expect((await stores.pendingWork.listPending(at(1000), 10)).map((w) => w.kind)).toEqual([]);
    });

    it('deletes a Maax reference, a correction and a knowledge gap by id', async () => {
      await stores.maaxMessages.putMaaxMessageRef({
        tenantId: TENANT,
        messageId: 'msg_01',
        conversationId: ID,
        prospectId: '7',
      });
      await stores.knowledge.putCorrection(aCorrection());
      await stores.knowledge.putKnowledgeGap(aGap());

      await stores.maaxMessages.deleteMaaxMessageRef(TENANT, 'msg_01');
      await stores.knowledge.deleteCorrection(TENANT, 'ai_01', 'cor_msg_02');
      await stores.knowledge.deleteKnowledgeGap(TENANT, 'gap_01');
      await stores.knowledge.deleteKnowledgeGap(TENANT, 'gap_01');

      expect(await stores.maaxMessages.getMaaxMessageRef(TENANT, 'msg_01')).toBeUndefined();
      expect(await stores.knowledge.listCorrections(TENANT, 'ai_01')).toEqual([]);
      expect((await stores.knowledge.listKnowledgeGaps(TENANT, { limit: 10 })).items).toEqual([]);
      await stores.knowledge.putKnowledgeGap(aGap({ createdAt: at(50) }));
      expect((await stores.knowledge.listKnowledgeGaps(TENANT, { limit: 10 })).items).toHaveLength(1);
    });

    it('forgets the Idempotency-Key record that reserved an id', async () => {
      await stores.idempotency.claimIdempotencyKey(anIdempotencyRecord({ key: 'k1', resourceId: 'msg_01' }), at(0));
      await stores.idempotency.claimIdempotencyKey(anIdempotencyRecord({ key: 'k2', resourceId: 'msg_02' }), at(0));

      await stores.idempotency.forgetIdempotencyKeyOf(TENANT, 'msg_01');
      await stores.idempotency.forgetIdempotencyKeyOf(TENANT, 'msg_none');

      expect(
        await stores.idempotency.claimIdempotencyKey(anIdempotencyRecord({ key: 'k1', resourceId: 'msg_03' }), at(1)),
      ).toBeUndefined();
      expect(
        await stores.idempotency.claimIdempotencyKey(anIdempotencyRecord({ key: 'k2', resourceId: 'msg_04' }), at(1)),
      ).toMatchObject({
        resourceId: 'msg_02',
      });
    });

    it('sets and clears an account retention, listing exactly the tenants that have one', async () => {
      await stores.tenants.ensureTenant(aTenant());
      await stores.tenants.ensureTenant(aTenant({ id: OTHER_TENANT }));

      const set = await stores.tenants.updateTenant(TENANT, { name: 'Renamed', dataRetentionDays: 30 });
      const listed = await stores.tenants.listRetentionTenants();
      const cleared = await stores.tenants.updateTenant(TENANT, { dataRetentionDays: null });

      expect(set).toMatchObject({ id: TENANT, name: 'Renamed', dataRetentionDays: 30 });
      expect(listed).toEqual([TENANT]);
      expect(cleared).not.toHaveProperty('dataRetentionDays');
      expect(await stores.tenants.listRetentionTenants()).toEqual([]);
      expect(await stores.tenants.getTenant(TENANT)).toEqual({ ...aTenant(), name: 'Renamed' });
      expect(await stores.tenants.updateTenant('ten_none', { name: 'x' })).toBeUndefined();
    });
  });
}
