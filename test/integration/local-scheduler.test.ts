import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDocumentClient, createDynamoStores } from '#lib/adapters/aws/dynamo-stores';
import {
  LocalTimerRunner,
  type LocalTimerRunnerOptions,
  LocalTimerScheduler,
  TimerChannel,
  tenantOfTimer,
} from '#lib/adapters/local/local-scheduler';
import type { TimerPayload, TimerStore } from '#lib/ports/timers';
import { createTestTable, type RunningDynalite, startDynalite } from '#test/support/dynalite';
import { SilentLogger } from '#test/support/fakes';
import { MemoryTimerStore } from '#test/support/memory/memory-timer-store';

const TENANT = 'ten_1';
const FAR_FUTURE = '9999-01-01T00:00:00.000Z';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const inMs = (ms: number) => new Date(Date.now() + ms);

const aPayload = (overrides: Partial<TimerPayload> = {}): TimerPayload => ({
  kind: 'dropoff',
  tenantId: TENANT,
  conversationId: 'lead@example.com',
  version: 1,
  at: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

/** A fire function that records what it was given, with when, and can be awaited for the n-th call. */
class Fired {
  readonly calls: { payload: TimerPayload; at: number }[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];
  behaviour: (payload: TimerPayload) => Promise<void> = async () => {};

  readonly fire = async (payload: TimerPayload): Promise<void> => {
    this.calls.push({ payload, at: Date.now() });
    this.waiters = this.waiters.filter((waiter) => {
      if (this.calls.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
    await this.behaviour(payload);
  };

  /** Resolves once `count` calls were made (rejects after 5 s, so a missing fire fails the test). */
  calledTimes(count: number): Promise<void> {
    if (this.calls.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fired ${this.calls.length} of ${count} times`)), 5_000);
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

/** Polls until the store holds `count` timers (rejecting after 5 s). */
async function untilStoreHolds(store: TimerStore, count: number): Promise<void> {
  for (let waited = 0; (await store.listTimers(FAR_FUTURE, 100)).length !== count; waited += 10) {
    if (waited > 5_000) throw new Error(`the store never held ${count} timers`);
    await sleep(10);
  }
}

describe('LocalTimerScheduler and LocalTimerRunner', () => {
  let store: MemoryTimerStore;
  let channel: TimerChannel;
  let scheduler: LocalTimerScheduler;
  let fired: Fired;
  let logger: SilentLogger;
  const runners: LocalTimerRunner[] = [];

  const startRunner = async (options: Partial<LocalTimerRunnerOptions> = {}) => {
    const runner = new LocalTimerRunner({ store, channel, fire: fired.fire, logger, ...options });
    runners.push(runner);
    await runner.start();
    return runner;
  };

  beforeEach(() => {
    store = new MemoryTimerStore();
    channel = new TimerChannel();
    scheduler = new LocalTimerScheduler({ store, channel });
    fired = new Fired();
    logger = new SilentLogger();
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.stop()));
  });

  it('fires a timer with its payload once it is due, then deletes it from the store', async () => {
    await startRunner();
    const due = inMs(100);

    await scheduler.schedule({ name: `${TENANT}.dropoff.lead`, at: due, payload: aPayload() });
    await fired.calledTimes(1);

    expect(fired.calls[0]?.payload).toEqual(aPayload());
    expect(fired.calls[0]?.at).toBeGreaterThanOrEqual(due.getTime());
    await untilStoreHolds(store, 0);
  });

  it('keeps the timer in the store until it fires', async () => {
    await startRunner();

    await scheduler.schedule({ name: `${TENANT}.dropoff.lead`, at: inMs(150), payload: aPayload() });

    expect(await store.listTimers(FAR_FUTURE, 10)).toHaveLength(1);
    await fired.calledTimes(1);
  });

  it('fires only the latest of two timers with the same name, at its time', async () => {
    await startRunner();
    const name = `${TENANT}.dropoff.lead`;

    await scheduler.schedule({ name, at: inMs(80), payload: aPayload({ version: 1 }) });
    const replacedAt = inMs(200);
    await scheduler.schedule({ name, at: replacedAt, payload: aPayload({ version: 2 }) });
    await fired.calledTimes(1);
    await sleep(100);

    expect(fired.calls.map((call) => call.payload.version)).toEqual([2]);
    expect(fired.calls[0]?.at).toBeGreaterThanOrEqual(replacedAt.getTime());
  });

  it('fires timers in the order they are due, whatever the order they were set in', async () => {
    await startRunner();
    const offsets = [170, 40, 260, 100, 60, 220, 130, 80, 300, 20, 190, 150];

    for (const [n, offset] of offsets.entries()) {
      await scheduler.schedule({ name: `${TENANT}.t${n}`, at: inMs(offset), payload: aPayload({ version: offset }) });
    }
    await fired.calledTimes(offsets.length);

    expect(fired.calls.map((call) => call.payload.version)).toEqual([...offsets].sort((a, b) => a - b));
  });

  it('fires an earlier replacement earlier than the timer it replaced', async () => {
    await startRunner();
    const name = `${TENANT}.follow_up.lead`;
    await scheduler.schedule({ name, at: inMs(60_000), payload: aPayload({ kind: 'follow_up' }) });

    await scheduler.schedule({ name, at: inMs(50), payload: aPayload({ kind: 'follow_up', version: 2 }) });

    await fired.calledTimes(1);
    expect(fired.calls[0]?.payload.version).toBe(2);
  });

  it('does not fire a cancelled timer, and forgets it', async () => {
    await startRunner();
    const name = `${TENANT}.dropoff.lead`;
    await scheduler.schedule({ name, at: inMs(80), payload: aPayload() });

    await scheduler.cancel(name);
    await sleep(200);

    expect(fired.calls).toEqual([]);
    expect(await store.listTimers(FAR_FUTURE, 10)).toEqual([]);
  });

  it('accepts cancelling a timer that never existed', async () => {
    await expect(scheduler.cancel(`${TENANT}.nothing`)).resolves.toBeUndefined();
  });

  it('fires timers set while it was stopped at start if overdue, and later ones on time', async () => {
    await scheduler.schedule({ name: `${TENANT}.missed`, at: inMs(-5_000), payload: aPayload({ version: 1 }) });
    const laterAt = inMs(250);
    await scheduler.schedule({ name: `${TENANT}.later`, at: laterAt, payload: aPayload({ version: 2 }) });

    await startRunner();
    await fired.calledTimes(2);

    expect(fired.calls.map((call) => call.payload.version)).toEqual([1, 2]);
    expect(fired.calls[0]?.at).toBeLessThan(laterAt.getTime());
    expect(fired.calls[1]?.at).toBeGreaterThanOrEqual(laterAt.getTime());
    await untilStoreHolds(store, 0);
  });

  it('loads every pending timer at start, more than one listing holds', async () => {
    for (let n = 0; n < 1_500; n++) {
      await store.putTimer({
        name: `${TENANT}.t${n}`,
        at: new Date(Date.parse(FAR_FUTURE) - n).toISOString(),
        payload: aPayload(),
      });
    }

    const runner = await startRunner();

    expect(runner.size).toBe(1_500);
  });

  it('keeps a timer replaced while it was firing, and fires the replacement', async () => {
    await startRunner();
    const name = `${TENANT}.dropoff.lead`;
    let release = () => {};
    fired.behaviour = (payload) =>
      payload.version === 1 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
    await scheduler.schedule({ name, at: inMs(20), payload: aPayload({ version: 1 }) });
    await fired.calledTimes(1);

    await scheduler.schedule({ name, at: inMs(150), payload: aPayload({ version: 2 }) });
    release();
    await sleep(50);

    expect((await store.listTimers(FAR_FUTURE, 10)).map((timer) => timer.payload.version)).toEqual([2]);
    await fired.calledTimes(2);
    expect(fired.calls.map((call) => call.payload.version)).toEqual([1, 2]);
  });

  it('does not fire again a timer set again unchanged while it was firing', async () => {
    await startRunner();
    const timer = { name: `${TENANT}.dropoff.lead`, at: inMs(20), payload: aPayload() };
    let release = () => {};
    fired.behaviour = () => new Promise<void>((resolve) => (release = resolve));
    await scheduler.schedule(timer);
    await fired.calledTimes(1);

    await scheduler.schedule(timer);
    release();
    await untilStoreHolds(store, 0);
    await sleep(50);

    expect(fired.calls).toHaveLength(1);
  });

  it('retries a failing timer with backoff, then logs it and drops it', async () => {
    await startRunner({ retry: { attempts: 3, delayMs: 30 } });
    fired.behaviour = async () => {
      throw new Error('handler down');
    };

    await scheduler.schedule({ name: `${TENANT}.dropoff.lead`, at: inMs(10), payload: aPayload() });
    await fired.calledTimes(3);
    await untilStoreHolds(store, 0);
    await sleep(100);

    expect(fired.calls).toHaveLength(3);
    const retries = logger.lines.filter((line) => line.level === 'warn');
    expect(retries.map((line) => line.extra[0]?.delayMs)).toEqual([30, 60]);
    expect(logger.lines.filter((line) => line.level === 'error')).toEqual([
      expect.objectContaining({ message: 'local timer failed; dropped' }),
    ]);
  });

  it('deletes a timer that succeeded on a retry', async () => {
    await startRunner({ retry: { attempts: 3, delayMs: 20 } });
    fired.behaviour = async () => {
      if (fired.calls.length === 1) throw new Error('flaky');
    };

    await scheduler.schedule({ name: `${TENANT}.dropoff.lead`, at: inMs(10), payload: aPayload() });
    await fired.calledTimes(2);
    await untilStoreHolds(store, 0);

    expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('fires timers due at the same instant concurrently, up to its limit', async () => {
    await startRunner({ concurrency: 4 });
    let running = 0;
    let most = 0;
    fired.behaviour = async () => {
      running += 1;
      most = Math.max(most, running);
      await sleep(30);
      running -= 1;
    };
    const at = inMs(50);

    for (let n = 0; n < 12; n++) {
      await scheduler.schedule({ name: `${TENANT}.t${n}`, at, payload: aPayload({ version: n }) });
    }
    await fired.calledTimes(12);

    expect(most).toBe(4);
    expect(new Set(fired.calls.map((call) => call.payload.version)).size).toBe(12);
  });

  it('waits for fires in progress when stopped, and fires nothing after', async () => {
    const runner = await startRunner();
    let finished = false;
    fired.behaviour = async () => {
      await sleep(80);
      finished = true;
    };
    await scheduler.schedule({ name: `${TENANT}.now`, at: inMs(0), payload: aPayload() });
    await scheduler.schedule({ name: `${TENANT}.later`, at: inMs(150), payload: aPayload() });
    await fired.calledTimes(1);

    await runner.stop();
    await sleep(200);

    expect(finished).toBe(true);
    expect(fired.calls).toHaveLength(1);
    expect((await store.listTimers(FAR_FUTURE, 10)).map((timer) => timer.name)).toEqual([`${TENANT}.later`]);
  });

  it('refuses a timer whose name does not start with its tenant', async () => {
    const schedule = scheduler.schedule({ name: 'ten_2.dropoff.lead', at: inMs(10), payload: aPayload() });

    await expect(schedule).rejects.toThrow(/tenant/);
    await expect(scheduler.cancel('no-tenant-here')).rejects.toThrow(/tenant/);
    expect(await store.listTimers(FAR_FUTURE, 10)).toEqual([]);
  });
});

describe('tenantOfTimer', () => {
  it('reads the tenant from the name up to the first dot', () => {
    expect(tenantOfTimer('ten_1.dropoff.lead@example.com')).toBe('ten_1');
  });
});

describe('LocalTimerRunner on DynamoDB (dynalite)', () => {
  let dynalite: RunningDynalite | undefined;
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-timers-'));
  });
  afterEach(async () => {
    await dynalite?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('wakes the runner from a scheduler on another store object, through the process channel', async () => {
    dynalite = await startDynalite();
    const tableName = await createTestTable(dynalite.client);
    const runnerStore = createDynamoStores({ tableName, client: createDocumentClient(dynalite.client) }).timerStore;
    const handlerStore = createDynamoStores({ tableName, client: createDocumentClient(dynalite.client) }).timerStore;
    const fired = new Fired();
    const runner = new LocalTimerRunner({ store: runnerStore, fire: fired.fire, logger: new SilentLogger() });
    await runner.start();

    try {
      await new LocalTimerScheduler({ store: handlerStore }).schedule({
        name: `${TENANT}.dropoff.lead`,
        at: inMs(100),
        payload: aPayload(),
      });
      await fired.calledTimes(1);
      await untilStoreHolds(runnerStore, 0);
    } finally {
      await runner.stop();
    }

    expect(fired.calls.map((call) => call.payload)).toEqual([aPayload()]);
  });

  it('fires timers kept on disk across a restart of the database and the runner', async () => {
    dynalite = await startDynalite({ path: dir });
    const tableName = await createTestTable(dynalite.client);
    const channel = new TimerChannel();
    const before = createDynamoStores({ tableName, client: createDocumentClient(dynalite.client) }).timerStore;
    const scheduler = new LocalTimerScheduler({ store: before, channel });
    await scheduler.schedule({ name: `${TENANT}.soon`, at: inMs(100), payload: aPayload({ version: 1 }) });
    const laterAt = inMs(1_200);
    await scheduler.schedule({ name: `${TENANT}.later`, at: laterAt, payload: aPayload({ version: 2 }) });
    await dynalite.stop();
    await sleep(150);

    dynalite = await startDynalite({ path: dir });
    const after = createDynamoStores({ tableName, client: createDocumentClient(dynalite.client) }).timerStore;
    const fired = new Fired();
    const runner = new LocalTimerRunner({ store: after, channel, fire: fired.fire, logger: new SilentLogger() });
    await runner.start();
    try {
      await fired.calledTimes(2);
      await untilStoreHolds(after, 0);

      expect(fired.calls.map((call) => call.payload.version)).toEqual([1, 2]);
      expect(fired.calls[0]?.at).toBeLessThan(laterAt.getTime());
      expect(fired.calls[1]?.at).toBeGreaterThanOrEqual(laterAt.getTime());
    } finally {
      await runner.stop();
    }
  });
});
