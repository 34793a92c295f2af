/**
 * How the local scheduler's parts find each other in one process. Every Lambda handler module
 * composes its own store and LocalTimerScheduler, so the runner cannot be reached through object
 * identity; the process-wide `localTimerChannel` carries their changes to it instead.
 */
import type { TimerRecord } from '#lib/ports/timers';

/** A change a scheduler made, as the runner hears of it. */
export type TimerChange = { type: 'put'; timer: TimerRecord } | { type: 'delete'; tenantId: string; name: string };

/**
 * Links the schedulers and the runner of one store in one process: change notifications, and a
 * lock per timer so that a runner deleting a timer it fired and a scheduler replacing that timer
 * take turns (the runner then sees the replacement and keeps it).
 */
export class TimerChannel {
  private readonly listeners = new Set<(change: TimerChange) => void>();
  private readonly locks = new Map<string, Promise<void>>();

  /** Calls `listener` synchronously for every change published; returns the unsubscribe function. */
  subscribe(listener: (change: TimerChange) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  publish(change: TimerChange): void {
    for (const listener of this.listeners) listener(change);
  }

  /** Runs `work` once no earlier work on the same timer is still running. */
  async exclusive<T>(tenantId: string, name: string, work: () => Promise<T>): Promise<T> {
    const key = timerKey(tenantId, name);
    const previous = this.locks.get(key) ?? Promise.resolve();
    let release = () => {};
    const tail = previous.then(() => new Promise<void>((resolve) => (release = resolve)));
    this.locks.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }
}

/** The process's channel: what schedulers and runners use unless given another (tests do). */
export const localTimerChannel = new TimerChannel();

/** A timer's identity: its tenant and name (tenant ids never contain '#'). */
export function timerKey(tenantId: string, name: string): string {
  return `${tenantId}#${name}`;
}
