/**
 * POST /v2/messages → webhook latency on the local runtime, driven over HTTP as a client would:
 * 20 conversations at once, each in a closed loop (post a message, wait for its webhook, post the
 * next). Run once with the built-in offline model and once with a fake OpenAI server that takes
 * 400 ms per answer, so the runtime's own overhead reads as latency − 400 ms.
 */
import { rm } from 'node:fs/promises';
import { startFakeOpenAi } from '#test/support/fake-openai';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';
import { type ReceivedWebhook, startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';
import { currentLoad, describeMachine, formatTable, round2, writeReport, withTimeout } from './report.ts';

/** The figures: 20 concurrent conversations, ≥ 200 messages, a 400 ms model, the aim. */
export const SETTINGS = Object.freeze({
  conversations: 20,
  messagesPerConversation: 10,
  warmUpMessagesPerConversation: 1,
  slowModelDelayMs: 400,
  aim: { p50OverheadMs: 50, p95OverheadMs: 200 },
});

/** Generous: an answer later than this counts as missing, however slow the machine. */
const ANSWER_TIMEOUT_MS = 30_000;
const POST_TIMEOUT_MS = 10_000;
/** No conversation starts another message after this; bounds a scenario on a stalled runtime. */
const SCENARIO_DEADLINE_MS = 180_000;
/** Long enough for a stray duplicate webhook to arrive after the last answer. */
const QUIET_MS = 1_500;
const STOP_TIMEOUT_MS = 15_000;
const OUTPUT_FILE = '.bench/pipeline-latency.json';

interface Scenario {
  key: string;
  label: string;
  /** Model time per answer; 0 for the offline model, so all of its latency is overhead. */
  modelDelayMs: number;
}

const SCENARIOS: readonly Scenario[] = [
  { key: 'offline-model', label: 'offline model', modelDelayMs: 0 },
  { key: 'model-400ms', label: '400 ms model', modelDelayMs: SETTINGS.slowModelDelayMs },
];

/** Timings of one answered message, in ms from the start of its POST. */
interface Sample {
  webhookMs: number;
  acceptedMs: number;
  /** When the reply was stored (the webhook body's created_at): model time plus what precedes it. */
  replyStoredMs: number;
}

type Outcome = Sample | 'missing' | 'rejected';

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface ScenarioResult {
  key: string;
  label: string;
  modelDelayMs: number;
  sent: number;
  answered: number;
  missing: number;
  rejected: number;
  notSent: number;
  /** Warm-up messages that were refused or never answered: a sign the figures cannot be trusted. */
  warmUpFailed: number;
  duplicates: number;
  unexpected: number;
  latencyMs: Summary;
  acceptedMs: Summary;
  replyStoredMs: Summary;
  replyToWebhookMs: Summary;
  overheadMs: { p50: number; p95: number };
  /** Latency as a multiple of the model time; null for the offline model. */
  ratio: { p50: number; p95: number } | null;
  aimMet: boolean;
}

export interface PipelineLatencyReport {
  benchmark: 'pipeline-latency';
  date: string;
  machine: {
    cpus: number;
    cpuModel: string;
    node: string;
    platform: string;
    /** 1-minute load average before and after: other work on the machine skews every figure. */
    loadAverage: { before: number; after: number };
  };
  settings: typeof SETTINGS;
  scenarios: ScenarioResult[];
  /** Things that make the figures unsound (missing answers, duplicates); empty when all is well. */
  problems: string[];
}

/** Runs both scenarios in turn, prints a table, writes `.bench/pipeline-latency.json`, returns the figures. */
export async function runPipelineLatencyBenchmark(): Promise<PipelineLatencyReport> {
  const loadBefore = currentLoad();
  const scenarios: ScenarioResult[] = [];
  for (const scenario of SCENARIOS) {
    process.stdout.write(`  running: ${scenario.label}…\n`);
    scenarios.push(await runScenario(scenario));
  }
  const report: PipelineLatencyReport = {
    benchmark: 'pipeline-latency',
    date: new Date().toISOString(),
    machine: describeMachine(loadBefore),
    settings: SETTINGS,
    scenarios,
    problems: scenarios.flatMap(findProblems),
  };
  process.stdout.write(formatReport(report));
  await writeReport(OUTPUT_FILE, report);
  return report;
}

/** One fresh runtime, receiver and (for a slow model) fake model server; all stopped on any outcome. */
async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.stop());
    const env: Record<string, string> = {};
    if (scenario.modelDelayMs > 0) {
      const model = await startFakeOpenAi({ delayMs: scenario.modelDelayMs });
      cleanups.push(() => model.stop());
      Object.assign(env, { OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: 'bench' });
    }
    const runtime = await startRuntimeProcess({ env });
    cleanups.push(() => stopRuntime(runtime));
    const api = apiClient(runtime);
    const aiId = await createAi(api, receiver.url);
    const answers = watchAnswers(receiver);
    const client: Client = { api, aiId, answers, deadline: Date.now() + SCENARIO_DEADLINE_MS };
    const warmUp = await runRound(client, scenario, 'warm', SETTINGS.warmUpMessagesPerConversation);
    const outcomes = await runRound(client, scenario, 'run', SETTINGS.messagesPerConversation);
    await sleep(QUIET_MS);
    const warmUpFailed = warmUp.flat().filter((o) => typeof o !== 'object').length;
    return summarizeScenario(scenario, outcomes, { warmUpFailed, ...tallyWebhooks(receiver.received, answers.posted) });
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => process.stderr.write(`  cleanup failed: ${String(error)}\n`));
    }
  }
}

/** SIGINT, as Ctrl-C would; a runtime that does not stop in time is killed. Its temp data is removed. */
async function stopRuntime(runtime: RuntimeProcess): Promise<void> {
  const stopped = await withTimeout(runtime.stop(), STOP_TIMEOUT_MS, 'stopping the runtime').catch(() => 'timeout');
  if (stopped === 'timeout') await runtime.kill();
  await rm(runtime.dataDir, { recursive: true, force: true });
}

async function createAi(api: ReturnType<typeof apiClient>, answerUrl: string): Promise<string> {
  const created = await api('POST', '/v1/ais', { type: 'support', name: 'Bench', webhooks: { answer_url: answerUrl } });
  if (created.status !== 201)
    throw new Error(`creating the AI failed: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id;
}

interface Client {
  api: ReturnType<typeof apiClient>;
  aiId: string;
  answers: ReturnType<typeof watchAnswers>;
  deadline: number;
}

/** Every conversation posts `count` messages, one at a time; the conversations run concurrently. */
async function runRound(client: Client, scenario: Scenario, round: string, count: number): Promise<Outcome[][]> {
  const conversations = Array.from({ length: SETTINGS.conversations }, (_, i) => `bench-${String(i).padStart(2, '0')}`);
  return Promise.all(
    conversations.map(async (conversationId) => {
      const outcomes: Outcome[] = [];
      for (let i = 0; i < count && Date.now() < client.deadline; i++) {
        const text = `${scenario.key} ${round} ${conversationId} #${i}: how much is the pro plan?`;
        const outcome = await postAndAwaitAnswer(client, conversationId, text);
        outcomes.push(outcome);
        // A later message would be answered together with an unanswered one, under a merged question.
        if (outcome === 'missing' || outcome === 'rejected') break;
      }
      return outcomes;
    }),
  );
}

async function postAndAwaitAnswer(client: Client, conversationId: string, text: string): Promise<Outcome> {
  // Listen before posting: the webhook can beat the 202 back.
  const answer = client.answers.expect(answerKey(conversationId, text), ANSWER_TIMEOUT_MS);
  const start = Date.now();
  const posted = await withTimeout(
    client.api('POST', '/v2/messages', { ai_id: client.aiId, conversation_id: conversationId, message: text }),
    POST_TIMEOUT_MS,
    'POST /v2/messages',
  ).catch(() => undefined);
  const acceptedMs = Date.now() - start;
  if (posted?.status !== 202) {
    client.answers.forget(answerKey(conversationId, text));
    return 'rejected';
  }
  const webhook = await answer;
  if (!webhook) return 'missing';
  return { webhookMs: webhook.at - start, acceptedMs, replyStoredMs: readAnswer(webhook).createdAt - start };
}

/** Hands each arriving webhook to whoever waits for its message, matched on conversation and question. */
function watchAnswers(receiver: WebhookReceiver) {
  const waiting = new Map<string, (webhook: ReceivedWebhook | undefined) => void>();
  const posted = new Set<string>();
  receiver.setResponder((webhook) => {
    const key = readAnswer(webhook).key;
    waiting.get(key)?.(webhook);
    return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
  });
  return {
    posted,
    /** Resolves with the webhook for `key`, or undefined once `timeoutMs` has passed without one. */
    expect(key: string, timeoutMs: number): Promise<ReceivedWebhook | undefined> {
      posted.add(key);
      return new Promise((resolve) => {
        const settle = (webhook: ReceivedWebhook | undefined) => {
          clearTimeout(timer);
          waiting.delete(key);
          resolve(webhook);
        };
        const timer = setTimeout(() => settle(undefined), timeoutMs);
        waiting.set(key, settle);
      });
    },
    /** Stops waiting for a message that was never accepted. */
    forget(key: string): void {
      posted.delete(key);
      waiting.get(key)?.(undefined);
    },
  };
}

function answerKey(conversationId: string, question: string): string {
  return `${conversationId}\n${question}`;
}

function readAnswer(webhook: ReceivedWebhook): { key: string; createdAt: number } {
  const body = (webhook.json ?? {}) as { conversation_id?: unknown; question?: unknown; created_at?: unknown };
  return {
    key: answerKey(String(body.conversation_id), String(body.question)),
    createdAt: typeof body.created_at === 'string' ? Date.parse(body.created_at) : Number.NaN,
  };
}

/** Webhooks beyond the first for a posted message are duplicates; ones for no posted message are unexpected. */
function tallyWebhooks(received: ReceivedWebhook[], posted: Set<string>): { duplicates: number; unexpected: number } {
  const seen = new Set<string>();
  let duplicates = 0;
  let unexpected = 0;
  for (const webhook of received) {
    const { key } = readAnswer(webhook);
    if (!posted.has(key)) unexpected += 1;
    else if (seen.has(key)) duplicates += 1;
    seen.add(key);
  }
  return { duplicates, unexpected };
}

function summarizeScenario(
  scenario: Scenario,
  outcomes: Outcome[][],
  webhooks: { warmUpFailed: number; duplicates: number; unexpected: number },
): ScenarioResult {
  const all = outcomes.flat();
  const samples = all.filter((o): o is Sample => typeof o === 'object');
  const latency = summarize(samples.map((s) => s.webhookMs));
  const overheadMs = { p50: latency.p50 - scenario.modelDelayMs, p95: latency.p95 - scenario.modelDelayMs };
  const ratio = scenario.modelDelayMs > 0 ? scale(latency, 1 / scenario.modelDelayMs) : null;
  return {
    key: scenario.key,
    label: scenario.label,
    modelDelayMs: scenario.modelDelayMs,
    sent: all.length,
    answered: samples.length,
    missing: all.filter((o) => o === 'missing').length,
    rejected: all.filter((o) => o === 'rejected').length,
    notSent: SETTINGS.conversations * SETTINGS.messagesPerConversation - all.length,
    ...webhooks,
    latencyMs: latency,
    acceptedMs: summarize(samples.map((s) => s.acceptedMs)),
    replyStoredMs: summarize(samples.map((s) => s.replyStoredMs)),
    replyToWebhookMs: summarize(samples.map((s) => s.webhookMs - s.replyStoredMs)),
    overheadMs,
    ratio,
    aimMet: overheadMs.p50 < SETTINGS.aim.p50OverheadMs && overheadMs.p95 < SETTINGS.aim.p95OverheadMs,
  };
}

function scale(summary: Summary, factor: number): { p50: number; p95: number } {
  return { p50: round2(summary.p50 * factor), p95: round2(summary.p95 * factor) };
}

/** Nearest-rank percentiles, so every figure is a latency that was actually measured. */
export function summarize(values: number[]): Summary {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
  const mean = sorted.length ? sorted.reduce((sum, v) => sum + v, 0) / sorted.length : Number.NaN;
  return { count: sorted.length, mean: Math.round(mean), p50: at(50), p95: at(95), p99: at(99), max: at(100) };
}

function findProblems(result: ScenarioResult): string[] {
  const counts = {
    'missing answers': result.missing,
    'refused posts': result.rejected,
    'messages not sent before the deadline': result.notSent,
    'failed warm-up messages': result.warmUpFailed,
    'duplicate webhooks': result.duplicates,
    'unexpected webhooks': result.unexpected,
  };
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([what, n]) => `${result.label}: ${n} ${what}`);
}

function formatReport(report: PipelineLatencyReport): string {
  const { aim } = SETTINGS;
  const cell = (f: (r: ScenarioResult) => string) => report.scenarios.map(f);
  const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n)} ms` : '–');
  const times = (r: { p50: number; p95: number } | null, p: 'p50' | 'p95') => (r ? `${r[p].toFixed(2)}×` : '–');
  const rows: string[][] = [
    ['', ...cell((r) => r.label)],
    ['answered / sent', ...cell((r) => `${r.answered} / ${r.sent}`)],
    ['POST → webhook p50', ...cell((r) => ms(r.latencyMs.p50))],
    ['POST → webhook p95', ...cell((r) => ms(r.latencyMs.p95))],
    ['POST → webhook p99', ...cell((r) => ms(r.latencyMs.p99))],
    ['POST → webhook max', ...cell((r) => ms(r.latencyMs.max))],
    ['overhead (− model time) p50', ...cell((r) => ms(r.overheadMs.p50))],
    ['overhead (− model time) p95', ...cell((r) => ms(r.overheadMs.p95))],
    ['latency / model time p50', ...cell((r) => times(r.ratio, 'p50'))],
    ['latency / model time p95', ...cell((r) => times(r.ratio, 'p95'))],
    ['POST → 202 p50', ...cell((r) => ms(r.acceptedMs.p50))],
    ['POST → reply stored p50', ...cell((r) => ms(r.replyStoredMs.p50))],
    ['reply stored → webhook p50', ...cell((r) => ms(r.replyToWebhookMs.p50))],
    ['missing answers', ...cell((r) => String(r.missing + r.rejected + r.notSent))],
    ['duplicate webhooks', ...cell((r) => String(r.duplicates))],
    [
      `aim (p50 < ${aim.p50OverheadMs} ms, p95 < ${aim.p95OverheadMs} ms)`,
      ...cell((r) => (r.aimMet ? 'met' : 'missed')),
    ],
  ];
  const { machine, settings } = report;
  const title =
    `POST → webhook latency, local runtime: ${settings.conversations} conversations × ` +
    `${settings.messagesPerConversation} messages, ${machine.cpus} CPUs, node ${machine.node}, ` +
    `load average ${machine.loadAverage.before} → ${machine.loadAverage.after}`;
  const problems = report.problems.map((p) => `  PROBLEM: ${p}\n`).join('');
  return `\n${title}\n\n${formatTable(rows)}\n${problems}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
