/** The behaviour every PendingWorkStore must have, in memory and on DynamoDB alike. */
import type { Stores } from '#lib/app/deps';
import { at, TENANT, OTHER_TENANT, aConversation, anInbound, aDelivery } from '#test/support/store-contracts/fixtures';
import { type StoresSetup, useFreshStores } from '#test/support/store-contracts/stores-under-test';

/** Runs the PendingWorkStore contract against the stores `setup` makes, fresh for every test. */
export function describePendingWorkStoreContract(setup: StoresSetup): void {
  describe('pending list', () => {
    let stores!: Stores;
    useFreshStores(setup, (fresh) => {
      stores = fresh;
    });

    it('lists unanswered inbound messages and pending deliveries older than the cutoff, oldest first', async () => {
      await stores.conversations.putMessage(anInbound({ id: 'msg_01', createdAt: at(30) }));
      await stores.conversations.putMessage(
        anInbound({ tenantId: OTHER_TENANT, conversationId: 'c#2', id: 'msg_02', createdAt: at(10) }),
      );
      await stores.conversations.putMessage(anInbound({ id: 'msg_03', createdAt: at(100) }));
      await stores.conversations.putMessage(anInbound({ id: 'msg_04', createdAt: at(5), status: 'answered' }));
      await stores.conversations.putMessage(
        anInbound({ id: 'msg_05', createdAt: at(5), direction: 'outbound', kind: 'reply', status: undefined }),
      );
      await stores.deliveries.createDelivery(aDelivery({ id: 'dlv_01', nextAttemptAt: at(20) }));
      await stores.deliveries.createDelivery(aDelivery({ id: 'dlv_02', nextAttemptAt: at(60) }));
      await stores.deliveries.createDelivery(aDelivery({ id: 'dlv_03', nextAttemptAt: at(1), status: 'succeeded' }));

      const pending = await stores.pendingWork.listPending(at(60), 10);

      expect(pending).toEqual([
        { kind: 'message', tenantId: OTHER_TENANT, conversationId: 'c#2', messageId: 'msg_02', since: at(10) },
        { kind: 'delivery', tenantId: TENANT, deliveryId: 'dlv_01', since: at(20) },
        { kind: 'message', tenantId: TENANT, conversationId: 'lead@example.com', messageId: 'msg_01', since: at(30) },
      ]);
    });

    it('returns only the oldest records up to the limit', async () => {
      for (let n = 10; n < 30; n++)
        await stores.conversations.putMessage(anInbound({ id: `msg_${n}`, createdAt: at(100 - n) }));

      const pending = await stores.pendingWork.listPending(at(1000), 3);

      expect(pending.map((ref) => ref.since)).toEqual([at(71), at(72), at(73)]);
    });

    it('keeps a claimed message listed and drops it once settled', async () => {
      await stores.conversations.putMessage(anInbound());
      await stores.conversations.claimMessage(TENANT, 'lead@example.com', 'msg_01', 'rep_a');
      const whileAnswering = await stores.pendingWork.listPending(at(60), 10);

      await stores.conversations.settleMessage(TENANT, 'lead@example.com', 'msg_01', {
        status: 'answered',
        replyId: 'rep_a',
        at: at(5),
      });

      expect(whileAnswering).toHaveLength(1);
      expect(await stores.pendingWork.listPending(at(60), 10)).toEqual([]);
    });

    it('moves a retried delivery to its next attempt time and drops it once it succeeded', async () => {
      await stores.deliveries.createDelivery(aDelivery({ nextAttemptAt: at(0) }));
      const retry = {
        status: 'pending',
        attempts: 1,
        lastStatusCode: 503,
        nextAttemptAt: at(120),
        updatedAt: at(1),
      } as const;

      await stores.deliveries.recordAttempt(TENANT, 'dlv_01', retry);
      const beforeRetryIsDue = await stores.pendingWork.listPending(at(60), 10);
      const afterRetryIsDue = await stores.pendingWork.listPending(at(180), 10);
      await stores.deliveries.recordAttempt(TENANT, 'dlv_01', {
        ...retry,
        status: 'succeeded',
        attempts: 2,
        lastStatusCode: 200,
      });

      expect(beforeRetryIsDue).toEqual([]);
      expect(afterRetryIsDue).toEqual([{ kind: 'delivery', tenantId: TENANT, deliveryId: 'dlv_01', since: at(120) }]);
      expect(await stores.pendingWork.listPending(at(180), 10)).toEqual([]);
    });

    it('lists an erasure a crash left unfinished, since its tombstone was written, until it is finished', async () => {
      await stores.conversations.ensureConversation(aConversation());
      await stores.conversations.tombstoneConversation(TENANT, 'lead@example.com', at(10));
      // A resumed erasure meets the same tombstone: it stays listed since the first attempt.
      await stores.conversations.tombstoneConversation(TENANT, 'lead@example.com', at(400));
      const unfinished = await stores.pendingWork.listPending(at(60), 10);

      await stores.conversations.finishTombstone(TENANT, 'lead@example.com');

      expect(unfinished).toEqual([
        { kind: 'erasure', tenantId: TENANT, conversationId: 'lead@example.com', since: at(10) },
      ]);
      expect(await stores.pendingWork.listPending(at(1000), 10)).toEqual([]);
    });
  });
}
