import type { Clock } from '#lib/ports/system';

/** The real clock. Tests pass a fake one instead. */
export const systemClock: Clock = { now: () => new Date() };
