/**
 * The local scheduler: how late timers fire, and what a pending timer costs in memory. 1,000 timers
 * due within the same minute are set through LocalTimerScheduler (spread over a few seconds from
 * now rather than a whole minute, to keep the run short) and fired by LocalTimerRunner, on the
 * MemoryStore and on DynamoStore against dynalite in a worker thread (as the local runtime runs it).
 * Then 10,000 timers far in the future are set, to read the heap held per pending timer, and a new
 * runner is started over them, as after a restart.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createDocumentClient, createDynamoStores } from '#lib/adapters/aws/dynamo-stores';
import { ensureTable } from '#lib/adapters/aws/table-definition';
import { startDynaliteWorker } from '#lib/adapters/local/dynalite-server';
import { createDynamoClient } from '#lib/adapters/local/in-process-registry';
import { LocalTimerRunner, LocalTimerScheduler, TimerChannel } from '#lib/adapters/local/local-scheduler';
import type { TimerStore } from '#lib/ports/timers';
import type { Logger } from '#lib/ports/system';
import type { TimerPayload } from '#lib/ports/timers';
import { MemoryTimerStore } from '#test/support/memory/memory-timer-store';
import { percentile } from './support/stats.ts';
import { currentLoad, describeMachine, formatTable, type Machine, round1, sleep, writeReport } from './report.ts';

export const SETTINGS = Object.freeze({
  timers: 1_000,
  /**
   * Due times spread evenly over a 3 s window starting 2 s from now: "the same minute", shortened.
   * The start moves later on a store too slow to set every timer before the first is due.
   */
  dueFromMs: 2_000,
  dueWindowMs: 3_000,
  /** Timers set (and cancelled) first, to time schedule() on the store and place the window. */
  warmUpTimers: 200,
  tenants: 10,
  /** schedule() calls in flight at once while setting the timers. */
  scheduleConcurrency: 32,
  pendingForMemory: 10_000,
  aim: { p95FireDelayMs: 100 },
});

const OUTPUT_FILE = '.bench/local-scheduler.json';
/** A timer not fired this long after the last one was due counts as missing. */
const FIRE_GRACE_MS = 10_000;
const FAR_FUTURE_MS = 24 * 60 * 60 * 1000;

interface Summary {
  p50: number;
  p95: number;
  max: number;
}

interface StoreFigures {
  store: string;
  scheduled: number;
  fired: number;
  /** Wall time to set the 1,000 timers. */
  scheduleMs: number;
  /** When the timers were due, in s from the start of scheduling them. */
  dueWindowS: [number, number];
  /** Fired time − due time, ms. */
  fireDelayMs: Summary;
  /** Heap held per pending timer; on the MemoryStore it includes the store's own copy. */
  bytesPerPendingTimer: number;
  /** A new runner's start() over 10,000 pending timers (listing them from the store). */
  startWithPendingMs: number;
  problems: string[];
}

export interface LocalSchedulerReport {
  benchmark: 'local-scheduler';
  date: string;
  machine: Machine;
  settings: typeof SETTINGS;
  /** How heap figures were taken: after a forced GC, or the median of samples without one. */
  heapMeasurement: 'gc' | 'samples';
  stores: StoreFigures[];
  problems: string[];
}

const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** `global.gc` when node runs with --expose-gc, else the same function switched on at run time. */
function findGc(): (() => void) | undefined {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

async function heapUsed(gc: (() => void) | undefined): Promise<number> {
  if (gc) {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  }
  const samples: number[] = [];
  for (let n = 0; n < 9; n++) {
    await sleep(50);
    samples.push(process.memoryUsage().heapUsed);
  }
  return samples.sort((a, b) => a - b)[4] ?? 0;
}

type Timer = { name: string; at: Date; payload: TimerPayload };

/** `count` timers due evenly from `fromMs` to `toMs` after now, made one by one as `use` asks for them. */
async function forEachTimer(
  count: number,
  window: { fromMs: number; toMs: number; prefix: string },
  use: (timer: Timer) => Promise<void>,
): Promise<void> {
  const start = Date.now();
  const make = (n: number): Timer => {
    const tenantId = `ten_${n % SETTINGS.tenants}`;
    const at = new Date(start + window.fromMs + ((window.toMs - window.fromMs) * n) / Math.max(1, count - 1));
    const payload: TimerPayload = {
      kind: 'dropoff',
      tenantId,
      conversationId: `lead${n}@example.com`,
      version: 1,
      at: at.toISOString(),
    };
    return { name: `${tenantId}.${window.prefix}.lead${n}@example.com`, at, payload };
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: SETTINGS.scheduleConcurrency }, async () => {
      while (next < count) await use(make(next++));
    }),
  );
}

/** Nearest rank, so the figure is one that was measured. */
async function measureStore(label: string, store: TimerStore, gc: (() => void) | undefined): Promise<StoreFigures> {
  const problems: string[] = [];
  const channel = new TimerChannel();
  const scheduler = new LocalTimerScheduler({ store, channel });
  const delays = new Map<string, number[]>();
  const fire = async (payload: TimerPayload) => {
    const key = `${payload.tenantId}/${payload.conversationId}`;
    delays.set(key, [...(delays.get(key) ?? []), Date.now() - Date.parse(payload.at)]);
  };
  const runner = new LocalTimerRunner({ store, channel, fire, logger: quietLogger });
  await runner.start();

  const dueFromMs = await placeWindow(scheduler);
  const dueToMs = dueFromMs + SETTINGS.dueWindowMs;
  const scheduleStarted = performance.now();
  let scheduledLate = 0;
  let lastDue = 0;
  await forEachTimer(SETTINGS.timers, { fromMs: dueFromMs, toMs: dueToMs, prefix: 'dropoff' }, async (timer) => {
    await scheduler.schedule(timer);
    if (Date.now() > timer.at.getTime()) scheduledLate += 1;
    lastDue = Math.max(lastDue, timer.at.getTime());
  });
  const scheduleMs = performance.now() - scheduleStarted;
  if (scheduledLate > 0) problems.push(`${label}: ${scheduledLate} timers were set after they were due`);

  while (delays.size < SETTINGS.timers && Date.now() < lastDue + FIRE_GRACE_MS) await sleep(20);
  await sleep(200); // room for a duplicate fire to show
  await runner.stop();
  const all = [...delays.values()];
  const fired = all.reduce((sum, list) => sum + list.length, 0);
  const delayMs = all.flat();
  if (delays.size < SETTINGS.timers) problems.push(`${label}: ${SETTINGS.timers - delays.size} timers never fired`);
  if (fired > delays.size) problems.push(`${label}: ${fired - delays.size} timers fired twice`);
  const left = await store.listTimers('9999-12-31T23:59:59.999Z', 10);
  if (left.length > 0) problems.push(`${label}: fired timers left in the store`);

  // Memory: a running runner, then 10,000 pending timers far in the future.
  const memoryRunner = new LocalTimerRunner({ store, channel, fire, logger: quietLogger });
  await memoryRunner.start();
  const count = SETTINGS.pendingForMemory;
  const heapBefore = await heapUsed(gc);
  // Made while scheduling and dropped after, so the heap keeps only what the scheduler stores and holds.
  await forEachTimer(count, { fromMs: FAR_FUTURE_MS, toMs: FAR_FUTURE_MS + 60_000, prefix: 'pending' }, (timer) =>
    scheduler.schedule(timer),
  );
  const heapAfter = await heapUsed(gc);
  if (memoryRunner.size !== count) problems.push(`${label}: the runner holds ${memoryRunner.size} timers`);
  await memoryRunner.stop();

  // A restart: a new runner lists the 10,000 pending timers.
  const restarted = new LocalTimerRunner({ store, channel, fire, logger: quietLogger });
  const startStarted = performance.now();
  await restarted.start();
  const startWithPendingMs = performance.now() - startStarted;
  if (restarted.size !== count) problems.push(`${label}: a restart loaded ${restarted.size} timers`);
  await restarted.stop();

  return {
    store: label,
    scheduled: SETTINGS.timers,
    fired,
    scheduleMs: Math.round(scheduleMs),
    dueWindowS: [dueFromMs / 1000, dueToMs / 1000],
    fireDelayMs: { p50: percentile(delayMs, 50), p95: percentile(delayMs, 95), max: percentile(delayMs, 100) },
    bytesPerPendingTimer: Math.round((heapAfter - heapBefore) / count),
    startWithPendingMs: Math.round(startWithPendingMs),
    problems,
  };
}

/**
 * Where the due window starts: 2 s from now, or later if setting all the timers would take longer
 * than about half that on this store (timed on warm-up timers, which are cancelled again).
 */
async function placeWindow(scheduler: LocalTimerScheduler): Promise<number> {
  const started = performance.now();
  const names: string[] = [];
  await forEachTimer(
    SETTINGS.warmUpTimers,
    { fromMs: FAR_FUTURE_MS, toMs: FAR_FUTURE_MS, prefix: 'warm-up' },
    (timer) => {
      names.push(timer.name);
      return scheduler.schedule(timer);
    },
  );
  const perTimerMs = (performance.now() - started) / SETTINGS.warmUpTimers;
  for (const name of names) await scheduler.cancel(name);
  const needed = 2 * perTimerMs * SETTINGS.timers;
  return Math.max(SETTINGS.dueFromMs, Math.ceil(needed / 500) * 500);
}

async function withDynalite<T>(work: (store: TimerStore) => Promise<T>): Promise<T> {
  const server = await startDynaliteWorker();
  // As the local runtime's functions reach it: over the worker's MessagePort, unsigned.
  const client = createDynamoClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await ensureTable(client, 'parley-bench');
    return await work(
      createDynamoStores({ tableName: 'parley-bench', client: createDocumentClient(client) }).timerStore,
    );
  } finally {
    client.destroy();
    await server.close();
  }
}

export async function runLocalSchedulerBenchmark(): Promise<{ problems: string[] }> {
  const loadBefore = currentLoad();
  const gc = findGc();
  const stores = [
    await measureStore('MemoryStore', new MemoryTimerStore(), gc),
    await withDynalite((store) => measureStore('DynamoStore on dynalite (worker)', store, gc)),
  ];
  const report: LocalSchedulerReport = {
    benchmark: 'local-scheduler',
    date: new Date().toISOString(),
    machine: describeMachine(loadBefore),
    settings: SETTINGS,
    heapMeasurement: gc ? 'gc' : 'samples',
    stores,
    problems: stores.flatMap((figures) => figures.problems),
  };
  process.stdout.write(formatReport(report));
  await writeReport(OUTPUT_FILE, report);
  return { problems: report.problems };
}

function formatReport(report: LocalSchedulerReport): string {
  const { timers, pendingForMemory, aim } = SETTINGS;
  const ms = (n: number) => (Number.isFinite(n) ? `${n} ms` : '–');
  const kib = (bytes: number) => `${round1(bytes / 1024)} KiB`;
  const met = report.stores.every((s) => s.fireDelayMs.p95 < aim.p95FireDelayMs);
  return (
    `${timers} timers "due within the same minute", spread over 3 s (not a minute, to keep the run short) ` +
    'starting 2 s from now, later if the store cannot set them all by then; fire delay = fired − due, ' +
    "the fire handler doing nothing (the runner's own delay)\n" +
    formatTable([
      [
        'store',
        'fired',
        'set in',
        'due at',
        'delay p50',
        'p95',
        'max',
        `heap/pending timer`,
        `start, ${pendingForMemory} pending`,
      ],
      ...report.stores.map((s) => [
        s.store,
        `${s.fired}/${s.scheduled}`,
        ms(s.scheduleMs),
        `${s.dueWindowS[0]}–${s.dueWindowS[1]} s`,
        ms(s.fireDelayMs.p50),
        ms(s.fireDelayMs.p95),
        ms(s.fireDelayMs.max),
        kib(s.bytesPerPendingTimer),
        ms(s.startWithPendingMs),
      ]),
    ]) +
    `  heap per pending timer: ${pendingForMemory} timers set far ahead; ` +
    `${report.heapMeasurement === 'gc' ? 'heapUsed after a forced GC' : 'median of heapUsed samples (no GC available)'}; ` +
    "the MemoryStore's figure includes the store's own copy, dynalite's data lives in its worker\n" +
    `  aim: p95 fire delay under ${aim.p95FireDelayMs} ms — ${met ? 'met' : 'NOT met'}\n` +
    report.problems.map((problem) => `  ✖ ${problem}\n`).join('')
  );
}
