/**
 * The local runtime's stand-in for EventBridge Scheduler. `LocalTimerScheduler` (the TimerScheduler
 * port) writes timers to the store, which is the source of truth, so they survive a restart;
 * `LocalTimerRunner` holds every pending timer in memory and invokes the timer handler when one is
 * due, as Scheduler would, but on time rather than within a minute.
 *
 * The two meet through a `TimerChannel` (timer-channel.ts), by default the process-wide one.
 */
import { MinHeap } from '#lib/adapters/local/min-heap';
import { localTimerChannel, type TimerChange, type TimerChannel, timerKey } from '#lib/adapters/local/timer-channel';
import { systemClock } from '#lib/adapters/system/system-clock';
import type { Clock, Logger } from '#lib/ports/system';
import type { TimerPayload, TimerRecord, TimerScheduler, TimerStore } from '#lib/ports/timers';

export { localTimerChannel, type TimerChange, TimerChannel } from '#lib/adapters/local/timer-channel';

/**
 * The tenant a timer belongs to: its name up to the first '.'. The TimerScheduler port cancels by
 * name alone, while the store keeps timers per tenant, so timer names start with the tenant id
 * (`${tenantId}.<anything>`); tenant ids never contain '.' or '#'.
 */
export function tenantOfTimer(name: string): string {
  const dot = name.indexOf('.');
  if (dot < 1) throw new Error(`A timer name must start with its tenant id and a '.': ${JSON.stringify(name)}`);
  return name.slice(0, dot);
}

/**
 * TimerScheduler on a TimerStore. Timer names must be `${tenantId}.<anything>` (see
 * `tenantOfTimer`); `schedule` refuses a name whose tenant is not the payload's. Each change is
 * written to the store and then published on the channel, under the timer's lock, so the runner in
 * this process picks it up at once.
 */
export class LocalTimerScheduler implements TimerScheduler {
  private readonly store: TimerStore;
  private readonly channel: TimerChannel;

  constructor(options: { store: TimerStore; channel?: TimerChannel }) {
    this.store = options.store;
    this.channel = options.channel ?? localTimerChannel;
  }

  /** Creates or replaces the timer `name`; a time already past fires at once. */
  async schedule(timer: { name: string; at: Date; payload: TimerPayload }): Promise<void> {
    const tenantId = tenantOfTimer(timer.name);
    if (tenantId !== timer.payload.tenantId) {
      throw new Error(`Timer ${timer.name} is named for tenant ${tenantId} but carries ${timer.payload.tenantId}`);
    }
    const record: TimerRecord = { name: timer.name, at: timer.at.toISOString(), payload: { ...timer.payload } };
    await this.channel.exclusive(tenantId, timer.name, async () => {
      await this.store.putTimer(record);
      this.channel.publish({ type: 'put', timer: record });
    });
  }

  /** Deletes the timer `name`; one that fired or never existed is fine. */
  async cancel(name: string): Promise<void> {
    const tenantId = tenantOfTimer(name);
    await this.channel.exclusive(tenantId, name, async () => {
      await this.store.deleteTimer(tenantId, name);
      this.channel.publish({ type: 'delete', tenantId, name });
    });
  }
}

export interface LocalTimerRunnerOptions {
  store: TimerStore;
  /** What a due timer invokes: the timer Lambda handler, given the payload as Scheduler would. */
  fire: (payload: TimerPayload) => Promise<void>;
  logger: Logger;
  clock?: Clock;
  channel?: TimerChannel;
  /** Timers fired at once at most (default 8); more due at the same instant wait their turn. */
  concurrency?: number;
  /**
   * Attempts per timer, the first included (default 4), and the pause before the first retry,
   * doubled after each (default 1 s). A timer still failing is logged and dropped, as Scheduler
   * would send it to its DLQ.
   */
  retry?: { attempts: number; delayMs: number };
}

/** setTimeout's longest delay (about 24.8 days); a later timer is re-checked at that point. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** Listing all pending timers at start: the port has no cursor, so ask for more until fewer come. */
const FIRST_LOAD = 1_000;
const FAR_FUTURE = '9999-12-31T23:59:59.999Z';

interface Entry {
  due: number;
  /** Insertion order: timers due at the same instant fire in the order they were set. */
  seq: number;
  key: string;
  timer: TimerRecord;
  attempt: number;
}

/**
 * Fires the store's timers in this process. `start` loads every pending timer (overdue ones, missed
 * while stopped, fire at once) and listens on the channel; one setTimeout is armed for the soonest.
 * After a timer fires (or is dropped) its record is deleted, unless it was replaced or cancelled
 * meanwhile. Delivery is at least once: a timer fired but not yet deleted when the process stops
 * fires again at the next start, and the handler ignores it by its version.
 */
export class LocalTimerRunner {
  private readonly store: TimerStore;
  private readonly fire: (payload: TimerPayload) => Promise<void>;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly channel: TimerChannel;
  private readonly concurrency: number;
  private readonly retry: { attempts: number; delayMs: number };

  /** The latest record of every timer held; a heap entry for any other record is stale. */
  private readonly current = new Map<string, TimerRecord>();
  private readonly heap = new MinHeap<Entry>(isBefore);
  private readonly ready: Entry[] = [];
  /** Fires running: what the concurrency limit counts. */
  private readonly firing = new Set<Promise<void>>();
  /** Deletes of fired timers, outside the limit so a slow store does not hold back the next fire. */
  private readonly forgetting = new Set<Promise<void>>();
  private seq = 0;
  private handle: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private unsubscribe: (() => void) | undefined;
  /** Timers changed through the channel while the initial load ran: the load's copy is older. */
  private changedWhileLoading: Set<string> | undefined;
  private running = false;

  constructor(options: LocalTimerRunnerOptions) {
    this.store = options.store;
    this.fire = options.fire;
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.channel = options.channel ?? localTimerChannel;
    this.concurrency = options.concurrency ?? 8;
    this.retry = options.retry ?? { attempts: 4, delayMs: 1_000 };
  }

  /** Timers held (waiting or firing). */
  get size(): number {
    return this.current.size;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.changedWhileLoading = new Set();
    this.unsubscribe = this.channel.subscribe((change) => this.apply(change));
    try {
      for (let limit = FIRST_LOAD; ; limit *= 4) {
        const timers = await this.store.listTimers(FAR_FUTURE, limit);
        if (!this.running) return; // stopped while loading
        if (timers.length < limit) {
          for (const timer of timers) {
            const key = timerKey(timer.payload.tenantId, timer.name);
            if (!this.changedWhileLoading.has(key)) this.hold(key, timer);
          }
          break;
        }
      }
    } catch (error) {
      await this.stop();
      throw error;
    } finally {
      this.changedWhileLoading = undefined;
    }
    this.logger.info('local timers started', { pending: this.current.size });
    this.arm();
  }

  /** Stops firing and waits for fires in progress (and their deletes); timers not fired stay in the store. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.handle);
    this.handle = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    this.ready.length = 0;
    // Still listening: a fire finishing now must see a replacement made meanwhile and keep it.
    await Promise.allSettled([...this.firing]);
    await Promise.allSettled([...this.forgetting]);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.current.clear();
    this.heap.clear();
  }

  private apply(change: TimerChange): void {
    const tenantId = change.type === 'put' ? change.timer.payload.tenantId : change.tenantId;
    const name = change.type === 'put' ? change.timer.name : change.name;
    const key = timerKey(tenantId, name);
    this.changedWhileLoading?.add(key);
    if (change.type === 'delete') {
      this.current.delete(key);
      return;
    }
    const held = this.current.get(key);
    // The same timer set again is not a new one: it must not fire twice.
    if (held !== undefined && sameTimer(held, change.timer)) return;
    this.hold(key, change.timer);
    this.arm();
  }

  private hold(key: string, timer: TimerRecord): void {
    const due = Date.parse(timer.at);
    if (!Number.isFinite(due)) {
      this.logger.error('local timer has no valid time; ignored', { name: timer.name });
      return;
    }
    this.current.set(key, timer);
    this.push({ due, seq: this.seq++, key, timer, attempt: 1 });
  }

  private push(entry: Entry): void {
    this.heap.push(entry);
    // Replaced and cancelled timers leave stale entries behind; drop them before they pile up.
    if (this.heap.size > 2 * this.current.size + 1_024) this.heap.retain((e) => this.isCurrent(e));
  }

  private isCurrent(entry: Entry): boolean {
    return this.current.get(entry.key) === entry.timer;
  }

  /** Keeps one setTimeout armed for the soonest live entry. */
  private arm(): void {
    if (!this.running) return;
    let next = this.heap.peek();
    while (next !== undefined && !this.isCurrent(next)) {
      this.heap.pop();
      next = this.heap.peek();
    }
    if (next === undefined || next.due >= this.armedFor) return;
    clearTimeout(this.handle);
    const delay = Math.min(MAX_TIMEOUT_MS, Math.max(0, next.due - this.clock.now().getTime()));
    this.armedFor = next.due;
    this.handle = setTimeout(() => this.wake(), delay);
  }

  private wake(): void {
    this.handle = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = this.clock.now().getTime();
    for (let next = this.heap.peek(); next !== undefined && next.due <= now; next = this.heap.peek()) {
      this.heap.pop();
      if (this.isCurrent(next)) this.ready.push(next);
    }
    this.pump();
    this.arm();
  }

  private pump(): void {
    while (this.running && this.firing.size < this.concurrency) {
      const entry = this.ready.shift();
      if (entry === undefined) return;
      if (!this.isCurrent(entry)) continue;
      const run: Promise<void> = this.run(entry).finally(() => {
        this.firing.delete(run);
        this.pump();
      });
      this.firing.add(run);
    }
  }

  private async run(entry: Entry): Promise<void> {
    const { name, payload } = entry.timer;
    try {
      await this.fire({ ...payload });
      this.logger.debug('local timer fired', { name, delayMs: this.clock.now().getTime() - entry.due });
    } catch (error) {
      if (!this.running) return; // Left in the store: it fires again at the next start.
      if (entry.attempt < this.retry.attempts) {
        const delayMs = this.retry.delayMs * 2 ** (entry.attempt - 1);
        this.logger.warn('local timer failed; retrying', {
          name,
          attempt: entry.attempt,
          delayMs,
          error: errorText(error),
        });
        this.push({ ...entry, due: this.clock.now().getTime() + delayMs, seq: this.seq++, attempt: entry.attempt + 1 });
        this.arm();
        return;
      }
      this.logger.error('local timer failed; dropped', { name, attempts: entry.attempt, error: errorText(error) });
    }
    const forgetting: Promise<void> = this.forget(entry).finally(() => this.forgetting.delete(forgetting));
    this.forgetting.add(forgetting);
  }

  /** Deletes a fired timer's record, unless a scheduler replaced or cancelled it meanwhile. */
  private async forget(entry: Entry): Promise<void> {
    const tenantId = entry.timer.payload.tenantId;
    const { name } = entry.timer;
    await this.channel.exclusive(tenantId, name, async () => {
      if (!this.isCurrent(entry)) return;
      this.current.delete(entry.key);
      try {
        await this.store.deleteTimer(tenantId, name);
      } catch (error) {
        // Still in the store, so it fires again at the next start; the handler ignores it by version.
        this.logger.error('local timer fired but not deleted', { name, error: errorText(error) });
      }
    });
  }
}

function sameTimer(a: TimerRecord, b: TimerRecord): boolean {
  const [x, y] = [a.payload, b.payload];
  return (
    a.at === b.at &&
    x.kind === y.kind &&
    x.tenantId === y.tenantId &&
    x.conversationId === y.conversationId &&
    x.version === y.version &&
    x.at === y.at
  );
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Sooner first; timers due at the same instant in the order they were set. */
function isBefore(a: Entry, b: Entry): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
