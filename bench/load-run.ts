/**
 * A bounded load run on the local runtime, against a receiver that misbehaves as real ones do: 150
 * conversations post 300 messages over HTTP (each conversation one message at a time, all of them
 * at once), and the webhook receiver answers slowly and fails 20 % of first attempts with a 500, so
 * Parley's retries carry those answers. It counts what was answered, delivered, doubled and lost,
 * and the end-to-end time from POST to the successful webhook.
 */
import { rm } from 'node:fs/promises';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';
import {
  currentLoad,
  describeMachine,
  formatTable,
  type Machine,
  round1,
  sleep,
  withTimeout,
  writeReport,
} from './report.ts';

/** 150 × 2 (500 × 4 before the suite had a 5-minute budget): still over seven times the runtime's 20 generation loops. */
export const SETTINGS = Object.freeze({
  conversations: 150,
  messagesPerConversation: 2,
  /** Share of webhook ids whose first attempt is answered with a 500. */
  firstAttemptFailureRate: 0.2,
  /** How long the receiver takes to answer each request. */
  receiverDelayMs: 200,
});

/** A message not delivered this long after its POST counts as lost (the first retry comes after 5 s). */
const ANSWER_TIMEOUT_MS = 120_000;
const QUIET_MS = 3_000;
const OUTPUT_FILE = '.bench/load-run.json';

export interface LoadRunReport {
  benchmark: 'load-run';
  date: string;
  machine: Machine;
  settings: typeof SETTINGS;
  posted: number;
  rejected: number;
  answered: number;
  delivered: number;
  /** Messages whose answer reached the receiver successfully more than once (under any webhook id). */
  duplicates: number;
  lost: number;
  failedFirstAttempts: number;
  /** POSTs answered 429 (over the per-key rate limit) and retried after Retry-After. */
  throttled: number;
  endToEndMs: { p50: number; p95: number; max: number };
  wallClockSeconds: number;
  problems: string[];
}

/** Stable per webhook id, so a run can be repeated: FNV-1a of the id, as a fraction. */
function failsFirst(webhookId: string): boolean {
  let hash = 0x811c9dc5;
  for (let i = 0; i < webhookId.length; i++) hash = Math.imul(hash ^ webhookId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) / 2 ** 32 < SETTINGS.firstAttemptFailureRate;
}

function post(api: ReturnType<typeof apiClient>, aiId: string, conversationId: string, message: string) {
  return api('POST', '/v2/messages', { ai_id: aiId, conversation_id: conversationId, message }).catch(() => undefined);
}

export async function runLoadRunBenchmark(): Promise<{ problems: string[] }> {
  const loadBefore = currentLoad();
  const receiver = await startWebhookReceiver();
  let runtime: RuntimeProcess | undefined;
  try {
    runtime = await startRuntimeProcess();
    const report = await drive(runtime, receiver, loadBefore);
    process.stdout.write(format(report));
    await writeReport(OUTPUT_FILE, report);
    return { problems: report.problems };
  } finally {
    if (runtime) {
      const stopped = await withTimeout(runtime.stop(), 20_000, 'stopping the runtime').catch(() => 'timeout');
      if (stopped === 'timeout') await runtime.kill();
      await rm(runtime.dataDir, { recursive: true, force: true });
    }
    await receiver.stop();
  }
}

async function drive(runtime: RuntimeProcess, receiver: WebhookReceiver, loadBefore: number): Promise<LoadRunReport> {
  const api = apiClient(runtime);
  const created = await api('POST', '/v1/ais', {
    type: 'support',
    name: 'Load',
    webhooks: { answer_url: receiver.url },
    // Nudges would add webhooks of their own to the count.
    follow_up: { enabled: false },
  });
  if (created.status !== 201) throw new Error(`creating the AI failed: ${JSON.stringify(created.body)}`);
  const aiId = created.body.id as string;

  const attempts = new Map<string, number>();
  const deliveredAt = new Map<string, number[]>();
  const waiting = new Map<string, () => void>();
  let failedFirstAttempts = 0;
  receiver.setResponder(async (webhook) => {
    await sleep(SETTINGS.receiverDelayMs);
    const id = webhook.headers['webhook-id'] ?? '';
    const attempt = (attempts.get(id) ?? 0) + 1;
    attempts.set(id, attempt);
    if (attempt === 1 && failsFirst(id)) {
      failedFirstAttempts++;
      return { status: 500, body: 'try again' };
    }
    const body = webhook.json as { conversation_id: string; question: string };
    const key = `${body.conversation_id}\n${body.question}`;
    deliveredAt.set(key, [...(deliveredAt.get(key) ?? []), Date.now()]);
    waiting.get(key)?.();
    return { status: 200, body: '{"ok":true}' };
  });

  const started = Date.now();
  const latencies: number[] = [];
  let posted = 0;
  let rejected = 0;
  let lost = 0;
  let throttled = 0;
  await Promise.all(
    Array.from({ length: SETTINGS.conversations }, async (_, c) => {
      const conversationId = `load-${String(c).padStart(3, '0')}`;
      for (let m = 0; m < SETTINGS.messagesPerConversation; m++) {
        const question = `${conversationId} #${m}: what does the pro plan include?`;
        const key = `${conversationId}\n${question}`;
        const delivered = new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), ANSWER_TIMEOUT_MS);
          waiting.set(key, () => {
            clearTimeout(timer);
            resolve(true);
          });
        });
        const start = Date.now();
        let response = await post(api, aiId, conversationId, question);
        // A client over its rate limit waits as told and tries again, as the contract asks of it.
        for (let retry = 0; response?.status === 429 && retry < 30; retry++) {
          throttled++;
          await sleep(Number(response.headers.get('retry-after') ?? '1') * 1000);
          response = await post(api, aiId, conversationId, question);
        }
        posted++;
        if (response?.status !== 202) {
          rejected++;
          waiting.delete(key);
          return;
        }
        if (!(await delivered)) {
          lost++;
          return;
        }
        latencies.push(Date.now() - start);
      }
    }),
  );
  const wallClockSeconds = (Date.now() - started) / 1000;
  await sleep(QUIET_MS);
  const duplicates = [...deliveredAt.values()].filter((times) => times.length > 1).length;
  const sorted = [...latencies].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const problems = [
    ...(lost > 0 ? [`${lost} messages lost`] : []),
    ...(duplicates > 0 ? [`${duplicates} messages delivered twice`] : []),
    ...(rejected > 0 ? [`${rejected} messages refused`] : []),
  ];
  return {
    benchmark: 'load-run',
    date: new Date().toISOString(),
    machine: describeMachine(loadBefore),
    settings: SETTINGS,
    posted,
    rejected,
    answered: deliveredAt.size,
    delivered: [...deliveredAt.values()].filter((t) => t.length > 0).length,
    duplicates,
    lost,
    failedFirstAttempts,
    throttled,
    endToEndMs: { p50: pick(0.5), p95: pick(0.95), max: sorted.at(-1) ?? 0 },
    wallClockSeconds: round1(wallClockSeconds),
    problems,
  };
}

function format(r: LoadRunReport): string {
  return (
    `${SETTINGS.conversations} conversations × ${SETTINGS.messagesPerConversation} messages; receiver answers in ` +
    `${SETTINGS.receiverDelayMs} ms and fails ${SETTINGS.firstAttemptFailureRate * 100} % of first attempts; ` +
    `${r.machine.cpus} CPUs, load ${r.machine.loadAverage.before} → ${r.machine.loadAverage.after}\n` +
    formatTable([
      [
        'posted',
        'refused',
        'throttled',
        'delivered',
        'duplicates',
        'lost',
        'first attempts failed',
        'p50',
        'p95',
        'max',
        'wall clock',
      ],
      [
        `${r.posted}`,
        `${r.rejected}`,
        `${r.throttled}`,
        `${r.delivered}`,
        `${r.duplicates}`,
        `${r.lost}`,
        `${r.failedFirstAttempts}`,
        `${r.endToEndMs.p50} ms`,
        `${r.endToEndMs.p95} ms`,
        `${r.endToEndMs.max} ms`,
        `${r.wallClockSeconds} s`,
      ],
    ])
  );
}
