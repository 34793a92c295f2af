/**
 * The chaos run at a larger size than CI's (test/e2e/chaos.test.ts): more clients and
 * conversations, more SIGKILLs of the local runtime, each restarted on its data directory, and a
 * receiver failing one first attempt in ten. It counts the conversations answered and doubled, and
 * the longest wait for an answer after a restart. The seed is printed; PARLEY_CHAOS_SEED replays it.
 */
import { type ChaosReport, type ChaosSettings, chaosSeed, runChaos } from '#test/support/chaos';
import { currentLoad, describeMachine, formatTable, type Machine, round1, writeReport } from './report.ts';

export const SETTINGS: ChaosSettings = Object.freeze({
  conversations: 400,
  clients: 20,
  kills: 6,
  killAfterMs: { min: 2_000, max: 6_000 },
  thinkMs: { min: 100, max: 800 },
  modelDelayMs: 300,
  receiverFailureRate: 0.1,
  /** Generous: a benchmark measures the wait rather than asserting it. */
  answerWithinMs: 180_000,
});

const OUTPUT_FILE = '.bench/chaos.json';

export interface ChaosBenchmarkReport extends Omit<ChaosReport, 'settings'> {
  benchmark: 'chaos';
  date: string;
  machine: Machine;
  settings: ChaosSettings;
  problems: string[];
}

export async function runChaosBenchmark(): Promise<{ problems: string[] }> {
  const loadBefore = currentLoad();
  const seed = chaosSeed();
  process.stdout.write(`seed ${seed} (replay with PARLEY_CHAOS_SEED=${seed})\n`);
  const run = await runChaos(SETTINGS, seed);
  const problems = [
    ...(run.missing.length > 0 ? [`${run.missing.length} conversations never answered`] : []),
    ...(run.doubled > 0 ? [`${run.doubled} conversations answered twice`] : []),
  ];
  const report: ChaosBenchmarkReport = {
    ...run,
    benchmark: 'chaos',
    date: new Date().toISOString(),
    machine: describeMachine(loadBefore),
    settings: SETTINGS,
    problems,
  };
  process.stdout.write(format(report));
  await writeReport(OUTPUT_FILE, report);
  return { problems };
}

function format(r: ChaosBenchmarkReport): string {
  return (
    `${SETTINGS.clients} clients, model ${SETTINGS.modelDelayMs} ms, receiver failing ` +
    `${SETTINGS.receiverFailureRate * 100} % of first attempts; ${r.machine.cpus} CPUs, load ` +
    `${r.machine.loadAverage.before} → ${r.machine.loadAverage.after}\n` +
    formatTable([
      [
        'seed',
        'conversations',
        'kills',
        'answered',
        'doubled',
        'resent (same id)',
        'client retries',
        'longest wait after a restart',
        'all answered after last restart',
        'wall clock',
      ],
      [
        `${r.seed}`,
        `${r.conversations}`,
        `${r.kills}`,
        `${r.answered}`,
        `${r.doubled}`,
        `${r.resent}`,
        `${r.clientRetries}`,
        `${round1(r.longestWaitAfterRestartMs / 1000)} s`,
        `${round1(r.settledAfterLastRestartMs / 1000)} s`,
        `${r.wallClockSeconds} s`,
      ],
    ])
  );
}
