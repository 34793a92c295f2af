/** The behaviour every TimerStore must have, in memory and on DynamoDB alike. */
import type { Stores } from '#lib/app/deps';
import { at, TENANT, OTHER_TENANT, aTimer } from '#test/support/store-contracts/fixtures';
import { type StoresSetup, useFreshStores } from '#test/support/store-contracts/stores-under-test';

/** Runs the TimerStore contract against the stores `setup` makes, fresh for every test. */
export function describeTimerStoreContract(setup: StoresSetup): void {
  describe('timers', () => {
    let stores!: Stores;
    useFreshStores(setup, (fresh) => {
      stores = fresh;
    });

    it('lists timers due before the cutoff across tenants, soonest first, as they were put', async () => {
      await stores.timerStore.putTimer(aTimer('c', 30));
      await stores.timerStore.putTimer(aTimer('a', 10, OTHER_TENANT));
      await stores.timerStore.putTimer(aTimer('b', 20));
      await stores.timerStore.putTimer(aTimer('later', 60));
      await stores.timerStore.putTimer(aTimer('much-later', 90));

      const due = await stores.timerStore.listTimers(at(60), 10);

      expect(due).toStrictEqual([aTimer('a', 10, OTHER_TENANT), aTimer('b', 20), aTimer('c', 30)]);
    });

    it('returns only the soonest timers up to the limit, ties in name order', async () => {
      for (let n = 10; n < 30; n++) await stores.timerStore.putTimer(aTimer(`t${n}`, 100 - n));
      await stores.timerStore.putTimer(aTimer('a-twin', 72));

      const due = await stores.timerStore.listTimers(at(1000), 4);

      expect(due.map((timer) => timer.name)).toEqual([
        `${TENANT}.t29`,
        `${TENANT}.a-twin`,
        `${TENANT}.t28`,
        `${TENANT}.t27`,
      ]);
    });

    it('lists hundreds of timers in order', async () => {
      const timers = Array.from({ length: 250 }, (_, n) => aTimer(`t${String(n).padStart(3, '0')}`, n % 50));
      await Promise.all(timers.map((timer) => stores.timerStore.putTimer(timer)));

      const due = await stores.timerStore.listTimers(at(1000), 240);

      const expected = [...timers].sort((a, b) => a.at.localeCompare(b.at) || a.name.localeCompare(b.name));
      expect(due).toStrictEqual(expected.slice(0, 240));
    });

    it('replaces a timer of the same name, moving it to its new time', async () => {
      await stores.timerStore.putTimer(aTimer('nudge', 10));
      await stores.timerStore.putTimer(aTimer('other', 20));

      await stores.timerStore.putTimer({
        ...aTimer('nudge', 30),
        payload: { ...aTimer('nudge', 30).payload, version: 4 },
      });

      const due = await stores.timerStore.listTimers(at(100), 10);
      expect(due.map((timer) => [timer.name, timer.at, timer.payload.version])).toEqual([
        [`${TENANT}.other`, at(20), 3],
        [`${TENANT}.nudge`, at(30), 4],
      ]);
    });

    it('deletes a timer of one tenant only, and a missing one without complaint', async () => {
      await stores.timerStore.putTimer(aTimer('same', 10));
      await stores.timerStore.putTimer({ ...aTimer('same', 20, OTHER_TENANT), name: `${TENANT}.same` });

      await stores.timerStore.deleteTimer(TENANT, `${TENANT}.same`);
      await stores.timerStore.deleteTimer(TENANT, `${TENANT}.never-set`);

      const due = await stores.timerStore.listTimers(at(100), 10);
      expect(due.map((timer) => [timer.payload.tenantId, timer.at])).toEqual([[OTHER_TENANT, at(20)]]);
    });

    it('lists nothing for a limit below one or a cutoff before every timer', async () => {
      await stores.timerStore.putTimer(aTimer('a', 10));

      expect(await stores.timerStore.listTimers(at(100), 0)).toEqual([]);
      expect(await stores.timerStore.listTimers(at(10), 10)).toEqual([]);
    });
  });
}
