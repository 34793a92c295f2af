/** How a store contract gets fresh stores for every test, and gives them back. */
import type { Stores } from '#lib/app/deps';

export interface StoresUnderTest {
  stores: Stores;
  teardown(): Promise<void>;
}

export type StoresSetup = () => Promise<StoresUnderTest>;

/** Makes fresh stores before every test of the enclosing describe (handed to `use`), torn down after it. */
export function useFreshStores(setup: StoresSetup, use: (stores: Stores) => void): void {
  let teardown: () => Promise<void> = async () => {};
  beforeEach(async () => {
    const fresh = await setup();
    teardown = fresh.teardown;
    use(fresh.stores);
  });
  afterEach(async () => {
    await teardown();
  });
}
