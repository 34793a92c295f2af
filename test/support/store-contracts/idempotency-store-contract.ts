/** The behaviour every IdempotencyStore must have, in memory and on DynamoDB alike. */
import { ConcurrencyError } from '#lib/domain/errors';
import type { Stores } from '#lib/app/deps';
import { at, TENANT, OTHER_TENANT, anIdempotencyRecord } from '#test/support/store-contracts/fixtures';
import { type StoresSetup, useFreshStores } from '#test/support/store-contracts/stores-under-test';

/** Runs the IdempotencyStore contract against the stores `setup` makes, fresh for every test. */
export function describeIdempotencyStoreContract(setup: StoresSetup): void {
  describe('idempotency keys', () => {
    let stores!: Stores;
    useFreshStores(setup, (fresh) => {
      stores = fresh;
    });

    it('returns undefined for a new claim and the stored record for a second claim', async () => {
      const first = await stores.idempotency.claimIdempotencyKey(anIdempotencyRecord(), at(0));

      const second = await stores.idempotency.claimIdempotencyKey(
        anIdempotencyRecord({ fingerprint: 'sha256:second' }),
        at(1),
      );

      expect(first).toBeUndefined();
      expect(second).toStrictEqual(anIdempotencyRecord());
    });

    it('returns the completed record with its response after completion', async () => {
      await stores.idempotency.claimIdempotencyKey(anIdempotencyRecord(), at(0));

      await stores.idempotency.completeIdempotencyKey(TENANT, 'idem-key-1', {
        statusCode: 202,
        body: { id: 'msg_01', ok: [1, null] },
      });
      const replay = await stores.idempotency.claimIdempotencyKey(anIdempotencyRecord(), at(5));

      expect(replay).toStrictEqual(
        anIdempotencyRecord({
          status: 'completed',
          response: { statusCode: 202, body: { id: 'msg_01', ok: [1, null] } },
        }),
      );
    });

    it('treats an expired record as absent and replaces it', async () => {
      await stores.idempotency.claimIdempotencyKey(anIdempotencyRecord({ expiresAt: at(60) }), at(0));
      const fresh = anIdempotencyRecord({ fingerprint: 'sha256:fresh', createdAt: at(60), expiresAt: at(3660) });

      const claim = await stores.idempotency.claimIdempotencyKey(fresh, at(60));
      const replay = await stores.idempotency.claimIdempotencyKey(anIdempotencyRecord(), at(61));

      expect(claim).toBeUndefined();
      expect(replay).toStrictEqual(fresh);
    });

    it('keeps idempotency keys apart per tenant', async () => {
      await stores.idempotency.claimIdempotencyKey(anIdempotencyRecord(), at(0));

      expect(
        await stores.idempotency.claimIdempotencyKey(anIdempotencyRecord({ tenantId: OTHER_TENANT }), at(0)),
      ).toBeUndefined();
    });

    it('forgets a released pending claim but keeps a completed one', async () => {
      await stores.idempotency.claimIdempotencyKey(anIdempotencyRecord(), at(0));
      await stores.idempotency.claimIdempotencyKey(anIdempotencyRecord({ key: 'idem-key-2' }), at(0));
      await stores.idempotency.completeIdempotencyKey(TENANT, 'idem-key-2', { statusCode: 201, body: {} });

      await stores.idempotency.releaseIdempotencyKey(TENANT, 'idem-key-1');
      await stores.idempotency.releaseIdempotencyKey(TENANT, 'idem-key-2');
      await stores.idempotency.releaseIdempotencyKey(TENANT, 'never-claimed');

      expect(await stores.idempotency.claimIdempotencyKey(anIdempotencyRecord(), at(1))).toBeUndefined();
      expect(
        (await stores.idempotency.claimIdempotencyKey(anIdempotencyRecord({ key: 'idem-key-2' }), at(1)))?.status,
      ).toBe('completed');
    });

    it('throws ConcurrencyError when completing a key that was never claimed', async () => {
      await expect(
        stores.idempotency.completeIdempotencyKey(TENANT, 'never-claimed', { statusCode: 200, body: null }),
      ).rejects.toBeInstanceOf(ConcurrencyError);
    });
  });
}
