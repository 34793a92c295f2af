/**
 * Preloaded (`node --import`) into a local runtime process by tests that need time to have passed:
 * moves the process's clock forward by PARLEY_TEST_CLOCK_SHIFT_MS, so `Date.now()` and `new Date()`
 * read later than the machine's clock. The runtime itself has no such setting: this is a test's
 * stand-in for days going by between two starts.
 */
const shift = Number(process.env.PARLEY_TEST_CLOCK_SHIFT_MS ?? 0);

if (shift !== 0) {
  const RealDate = Date;
  const now = () => RealDate.now() + shift;
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(now());
      else super(...args);
    }
    static now() {
      return now();
    }
  }
  globalThis.Date = ShiftedDate;
}
