/** The behaviour every DeliveryStore must have, in memory and on DynamoDB alike. */
import { ConcurrencyError, ValidationError } from '#lib/domain/errors';
import type { Stores } from '#lib/app/deps';
import { at, TENANT, OTHER_TENANT, aDelivery } from '#test/support/store-contracts/fixtures';
import { type StoresSetup, useFreshStores } from '#test/support/store-contracts/stores-under-test';

/** Runs the DeliveryStore contract against the stores `setup` makes, fresh for every test. */
export function describeDeliveryStoreContract(setup: StoresSetup): void {
  describe('deliveries', () => {
    let stores!: Stores;
    useFreshStores(setup, (fresh) => {
      stores = fresh;
    });

    it('creates a delivery once and reports false for the same id again', async () => {
      expect(await stores.deliveries.createDelivery(aDelivery())).toBe(true);

      expect(await stores.deliveries.createDelivery(aDelivery({ url: 'https://elsewhere.example.com' }))).toBe(false);

      expect(await stores.deliveries.getDelivery(TENANT, 'dlv_01')).toStrictEqual(aDelivery());
    });

    it('leases a delivery to one worker until the lease runs out', async () => {
      await stores.deliveries.createDelivery(aDelivery());

      const first = await stores.deliveries.leaseDelivery(TENANT, 'dlv_01', at(0), at(30));
      const whileLeased = await stores.deliveries.leaseDelivery(TENANT, 'dlv_01', at(29), at(59));
      const afterExpiry = await stores.deliveries.leaseDelivery(TENANT, 'dlv_01', at(30), at(60));

      expect(first).toStrictEqual(aDelivery({ leaseUntil: at(30) }));
      expect(whileLeased).toBeUndefined();
      expect(afterExpiry?.leaseUntil).toBe(at(60));
    });

    it('does not lease a delivery that is missing or no longer pending', async () => {
      await stores.deliveries.createDelivery(aDelivery({ status: 'failed' }));

      expect(await stores.deliveries.leaseDelivery(TENANT, 'dlv_01', at(0), at(30))).toBeUndefined();
      expect(await stores.deliveries.leaseDelivery(TENANT, 'dlv_missing', at(0), at(30))).toBeUndefined();
      expect(await stores.deliveries.getDelivery(TENANT, 'dlv_missing')).toBeUndefined();
    });

    it('records an attempt and releases the lease', async () => {
      await stores.deliveries.createDelivery(aDelivery());
      await stores.deliveries.leaseDelivery(TENANT, 'dlv_01', at(0), at(30));
      const result = {
        status: 'pending',
        attempts: 1,
        lastStatusCode: 500,
        lastError: 'HTTP 500',
        nextAttemptAt: at(10),
        updatedAt: at(2),
      } as const;

      await stores.deliveries.recordAttempt(TENANT, 'dlv_01', result);

      expect(await stores.deliveries.getDelivery(TENANT, 'dlv_01')).toStrictEqual(aDelivery(result));
      expect(await stores.deliveries.leaseDelivery(TENANT, 'dlv_01', at(3), at(33))).toBeDefined();
    });

    it("clears the previous attempt's error when the next attempt has none", async () => {
      await stores.deliveries.createDelivery(aDelivery());
      await stores.deliveries.recordAttempt(TENANT, 'dlv_01', {
        status: 'pending',
        attempts: 1,
        lastStatusCode: 500,
        lastError: 'HTTP 500',
        nextAttemptAt: at(10),
        updatedAt: at(2),
      });

      await stores.deliveries.recordAttempt(TENANT, 'dlv_01', {
        status: 'succeeded',
        attempts: 2,
        lastStatusCode: 200,
        nextAttemptAt: at(10),
        updatedAt: at(11),
      });

      const delivery = await stores.deliveries.getDelivery(TENANT, 'dlv_01');
      expect(delivery).toMatchObject({ status: 'succeeded', attempts: 2, lastStatusCode: 200 });
      expect(delivery).not.toHaveProperty('lastError');
    });

    it('throws ConcurrencyError when recording an attempt for a delivery that does not exist', async () => {
      const result = { status: 'failed', attempts: 1, nextAttemptAt: at(0), updatedAt: at(0) } as const;

      await expect(stores.deliveries.recordAttempt(TENANT, 'dlv_missing', result)).rejects.toBeInstanceOf(
        ConcurrencyError,
      );
      expect(await stores.deliveries.getDelivery(TENANT, 'dlv_missing')).toBeUndefined();
    });

    it('lists deliveries newest first, in pages, and only those with a status when asked', async () => {
      const statuses = ['succeeded', 'failed', 'pending', 'failed', 'succeeded', 'failed'] as const;
      for (const [i, status] of statuses.entries()) {
        await stores.deliveries.createDelivery(aDelivery({ id: `dlv_0${i + 1}`, status }));
      }
      await stores.deliveries.createDelivery(aDelivery({ tenantId: OTHER_TENANT, id: 'dlv_09', status: 'failed' }));

      const all = await stores.deliveries.listDeliveries(TENANT, { limit: 4 });
      const rest = await stores.deliveries.listDeliveries(TENANT, { limit: 4, cursor: all.nextCursor ?? '' });
      const failed = await stores.deliveries.listDeliveries(TENANT, { limit: 2 }, 'failed');
      const failedRest = await stores.deliveries.listDeliveries(
        TENANT,
        { limit: 2, cursor: failed.nextCursor ?? '' },
        'failed',
      );

      expect(all.items.map((d) => d.id)).toEqual(['dlv_06', 'dlv_05', 'dlv_04', 'dlv_03']);
      expect(rest.items).toStrictEqual([
        aDelivery({ id: 'dlv_02', status: 'failed' }),
        aDelivery({ id: 'dlv_01', status: 'succeeded' }),
      ]);
      expect(rest.nextCursor).toBeNull();
      expect(failed.items.map((d) => d.id)).toEqual(['dlv_06', 'dlv_04']);
      expect(failedRest.items.map((d) => d.id)).toEqual(['dlv_02']);
      expect(failedRest.nextCursor).toBeNull();
      expect((await stores.deliveries.listDeliveries(TENANT, { limit: 5 }, 'pending')).items.map((d) => d.id)).toEqual([
        'dlv_03',
      ]);
    });

    it("refuses another tenant's delivery cursor", async () => {
      await stores.deliveries.createDelivery(aDelivery({ tenantId: OTHER_TENANT, id: 'dlv_01' }));
      await stores.deliveries.createDelivery(aDelivery({ tenantId: OTHER_TENANT, id: 'dlv_02' }));
      const { nextCursor } = await stores.deliveries.listDeliveries(OTHER_TENANT, { limit: 1 });

      await expect(
        stores.deliveries.listDeliveries(TENANT, { limit: 1, cursor: nextCursor ?? '' }),
      ).rejects.toBeInstanceOf(ValidationError);
    });

    it('makes a failed delivery pending again, due at the given time, counting the schedule from its attempts', async () => {
      await stores.deliveries.createDelivery(
        aDelivery({
          status: 'failed',
          attempts: 8,
          lastStatusCode: 500,
          lastError: 'HTTP 500',
          nextAttemptAt: at(9),
        }),
      );

      const retried = await stores.deliveries.retryFailedDelivery(TENANT, 'dlv_01', at(100));

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
      expect(await stores.deliveries.getDelivery(TENANT, 'dlv_01')).toStrictEqual(expected);
      expect(await stores.pendingWork.listPending(at(101), 10)).toEqual([
        { kind: 'delivery', tenantId: TENANT, deliveryId: 'dlv_01', since: at(100) },
      ]);
      expect(await stores.deliveries.leaseDelivery(TENANT, 'dlv_01', at(100), at(130))).toBeDefined();
    });

    it('retries only a failed delivery, and writes nothing otherwise', async () => {
      await stores.deliveries.createDelivery(aDelivery({ status: 'pending' }));
      await stores.deliveries.createDelivery(aDelivery({ id: 'dlv_02', status: 'succeeded' }));

      expect(await stores.deliveries.retryFailedDelivery(TENANT, 'dlv_01', at(100))).toBeUndefined();
      expect(await stores.deliveries.retryFailedDelivery(TENANT, 'dlv_02', at(100))).toBeUndefined();
      expect(await stores.deliveries.retryFailedDelivery(TENANT, 'dlv_missing', at(100))).toBeUndefined();
      expect(await stores.deliveries.getDelivery(TENANT, 'dlv_01')).toStrictEqual(aDelivery({ status: 'pending' }));
      expect(await stores.deliveries.getDelivery(TENANT, 'dlv_missing')).toBeUndefined();
    });

    it('gives out a limited number of send slots per endpoint and second, per tenant', async () => {
      const second = at(0);
      const taken = [];
      for (let i = 0; i < 4; i++) taken.push(await stores.deliveries.takeSendSlot(TENANT, 'endpoint-a', second, 3));

      expect(taken).toEqual([true, true, true, false]);
      expect(await stores.deliveries.takeSendSlot(TENANT, 'endpoint-a', at(1), 3)).toBe(true);
      expect(await stores.deliveries.takeSendSlot(TENANT, 'endpoint-b', second, 3)).toBe(true);
      expect(await stores.deliveries.takeSendSlot(OTHER_TENANT, 'endpoint-a', second, 3)).toBe(true);
    });
  });
}
