/**
 * How many messages a second the local runtime answers, with a model that answers at once (the
 * fake OpenAI server, L = 0, through the real `openai` SDK), and what it uses doing so. Offered load
 * rises in steps of closed-loop conversations (each posts, waits for its webhook, posts the next):
 * a closed loop cannot queue more than its conversations, so past saturation latency grows
 * (Little's law) instead of an unbounded backlog, and the rate it reaches is the runtime's capacity.
 * The ramp stops once a step adds no more than SETTINGS.minGain over the best before it.
 */
import {
  currentLoad,
  describeMachine,
  formatTable,
  type Machine,
  round1,
  round2,
  sleep,
  writeReport,
} from './report.ts';
import {
  countOutcomes,
  describeProblems,
  QUIET_MS,
  type OutcomeCounts,
  type Rig,
  samplesOf,
  startRig,
  type WebhookTally,
} from './support/closed-loop.ts';
import { type ProcessUsage, readProcessUsage } from './support/process-usage.ts';
import { hasSaturated, peakIndex, type Summary, summarize } from './support/stats.ts';

export const SETTINGS = Object.freeze({
  /** Closed-loop conversations per step, in order. */
  steps: [25, 50, 100, 200],
  /** Each step's first seconds are not counted: its conversations start together and the rate settles. */
  warmUpMs: 2_000,
  /** Answers arriving in this window after the warm-up are counted: hundreds at the aimed rate. */
  windowMs: 6_000,
  /** A step adding no more than this share of throughput over the best step before it: saturated. */
  minGain: 0.05,
  aim: { messagesPerSecond: 300 },
});

const OUTPUT_FILE = '.bench/throughput.json';

export interface StepResult extends OutcomeCounts, WebhookTally {
  conversations: number;
  /** Answers that arrived in the window, per second of it. */
  messagesPerSecond: number;
  /** POST → webhook of the answers that arrived in the window. */
  latencyMs: Summary;
  /** The runtime process's CPU over the window, in cores (user + system seconds per second; 2 = both of 2). */
  cpuCores: number | null;
  /** CPU time per answered message: less disturbed than the rate by other work on the machine. */
  cpuMsPerMessage: number | null;
  rssMb: number | null;
  peakRssMb: number | null;
}

export interface ThroughputReport {
  benchmark: 'throughput';
  date: string;
  machine: Machine;
  settings: typeof SETTINGS;
  steps: StepResult[];
  /** The step with the highest rate; `saturated` is false when the rate still rose at the top step. */
  peak: StepResult | null;
  saturated: boolean;
  aimMet: boolean;
  problems: string[];
}

/** Ramps the offered load, prints a table, writes `.bench/throughput.json`, returns the figures. */
export async function runThroughputBenchmark(): Promise<ThroughputReport> {
  const loadBefore = currentLoad();
  const { steps, saturated } = await rampUp();
  const peak = steps[peakIndex(steps.map((s) => s.messagesPerSecond))] ?? null;
  const report: ThroughputReport = {
    benchmark: 'throughput',
    date: new Date().toISOString(),
    machine: describeMachine(loadBefore),
    settings: SETTINGS,
    steps,
    peak,
    saturated,
    aimMet: (peak?.messagesPerSecond ?? 0) >= SETTINGS.aim.messagesPerSecond,
    problems: steps.flatMap((s) =>
      describeProblems(`${s.conversations} conversations`, {
        'missing answers': s.missing,
        'refused posts': s.rejected,
        'throttled posts (429)': s.throttled,
        'duplicate webhooks': s.duplicates,
        'unexpected webhooks': s.unexpected,
      }),
    ),
  };
  process.stdout.write(formatReport(report));
  await writeReport(OUTPUT_FILE, report);
  return report;
}

/** One runtime for every step; each step's duplicates are tallied once the last answers have had time to double. */
async function rampUp(): Promise<{ steps: StepResult[]; saturated: boolean }> {
  const rig = await startRig({ maxConversations: Math.max(...SETTINGS.steps) });
  try {
    const measured: Array<Omit<StepResult, keyof WebhookTally>> = [];
    let saturated = false;
    for (const conversations of SETTINGS.steps) {
      process.stdout.write(`  ${conversations} conversations…\n`);
      measured.push(await runStep(rig, conversations));
      saturated = hasSaturated(
        measured.map((s) => s.messagesPerSecond),
        SETTINGS.minGain,
      );
      if (saturated) break;
    }
    await sleep(QUIET_MS);
    const steps = measured.map((step) => ({ ...step, ...rig.tallyWebhooks(stepPrefix(step.conversations)) }));
    return { steps, saturated };
  } finally {
    await rig.stop();
  }
}

function stepPrefix(conversations: number): string {
  return `T${conversations}`;
}

/** One step: its own conversations post until the window closes, then finish the message in flight. */
async function runStep(rig: Rig, conversations: number): Promise<Omit<StepResult, keyof WebhookTally>> {
  const windowStart = Date.now() + SETTINGS.warmUpMs;
  const windowEnd = windowStart + SETTINGS.windowMs;
  const usage = async (at: number) => {
    await sleep(at - Date.now());
    return rig.runtime.pid === undefined ? undefined : readProcessUsage(rig.runtime.pid);
  };
  const [before, after, loops] = await Promise.all([
    usage(windowStart),
    usage(windowEnd),
    rig.runClosedLoop({
      prefix: stepPrefix(conversations),
      round: 'ramp',
      conversations,
      keepGoing: () => Date.now() < windowEnd,
    }),
  ]);
  const outcomes = loops.flat();
  const inWindow = samplesOf(outcomes).filter((s) => s.answeredAt >= windowStart && s.answeredAt < windowEnd);
  return {
    conversations,
    ...countOutcomes(outcomes),
    messagesPerSecond: round1(inWindow.length / (SETTINGS.windowMs / 1000)),
    latencyMs: summarize(inWindow.map((s) => s.webhookMs)),
    ...usageOverWindow(before, after, inWindow.length),
  };
}

function usageOverWindow(before: ProcessUsage | undefined, after: ProcessUsage | undefined, answered: number) {
  if (!before || !after) return { cpuCores: null, cpuMsPerMessage: null, rssMb: null, peakRssMb: null };
  const cpuSeconds = after.cpuSeconds - before.cpuSeconds;
  return {
    cpuCores: round2(cpuSeconds / (SETTINGS.windowMs / 1000)),
    cpuMsPerMessage: answered > 0 ? round1((cpuSeconds * 1000) / answered) : null,
    rssMb: Math.round(after.rssMb),
    peakRssMb: Math.round(after.peakRssMb),
  };
}

function formatReport(report: ThroughputReport): string {
  const orDash = (n: number | null, unit = '') => (n === null || !Number.isFinite(n) ? '–' : `${n}${unit}`);
  const rows = [
    ['conversations', 'answered/s', 'p50', 'p95', 'CPU (cores)', 'CPU per message', 'RSS', 'peak RSS', 'lost', 'dup.'],
    ...report.steps.map((s) => [
      `${s.conversations}${s === report.peak ? ' (peak)' : ''}`,
      `${s.messagesPerSecond}`,
      orDash(s.latencyMs.p50, ' ms'),
      orDash(s.latencyMs.p95, ' ms'),
      orDash(s.cpuCores),
      orDash(s.cpuMsPerMessage, ' ms'),
      orDash(s.rssMb, ' MB'),
      orDash(s.peakRssMb, ' MB'),
      `${s.missing + s.rejected + s.throttled}`,
      `${s.duplicates}`,
    ]),
  ];
  const { machine } = report;
  const title =
    `Answered messages per second, local runtime, model L = 0 (closed loop, ${SETTINGS.windowMs / 1000} s window ` +
    `after ${SETTINGS.warmUpMs / 1000} s); ${machine.cpus} CPUs, load ${machine.loadAverage.before} → ${machine.loadAverage.after}`;
  const verdict =
    `  ${report.saturated ? 'saturated' : 'still rising at the top step'}; aim ≥ ${SETTINGS.aim.messagesPerSecond}/s: ` +
    `${report.aimMet ? 'met' : 'missed'} (${report.peak?.messagesPerSecond ?? '–'}/s)\n`;
  const problems = report.problems.map((p) => `  PROBLEM: ${p}\n`).join('');
  return `\n${title}\n\n${formatTable(rows)}\n${verdict}${problems}`;
}
