/**
 * Drives the local runtime over HTTP as clients would, for the latency and throughput benchmarks:
 * the runtime as a child process, webhook receivers, the fake OpenAI server, one AI,
 * and conversations in a closed loop (post a message, wait for its `message.answered` webhook,
 * post the next). Answers are matched on conversation and question, so a lost or doubled answer shows.
 */
import { rm } from 'node:fs/promises';
import { type FakeOpenAi, startFakeOpenAi } from '#test/support/fake-openai';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';
import { type ReceivedWebhook, startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';
import { withTimeout } from '../report.ts';

/** Generous: an answer later than this counts as missing, however slow the machine. */
const ANSWER_TIMEOUT_MS = 30_000;
const POST_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 15_000;
/**
 * Conversations that share an API key. A key may make 50 requests/s (API_RATE_LIMIT_PER_SECOND), a
 * policy rather than overhead; two conversations per key stay under it while an answer takes over 40 ms.
 */
const CONVERSATIONS_PER_KEY = 2;
/**
 * Each key's conversations get their answers at a receiver of their own (a port, so an origin, of
 * their own): deliveries to one origin are held to 25 a second (ENDPOINT_MAX_REQUESTS_PER_SECOND),
 * a courtesy to the receiver rather than overhead, which one receiver for all would measure instead.
 */
const QUESTION = 'how much is the pro plan?';
/** Long enough for a stray duplicate webhook to arrive after a loop's last answer. */
export const QUIET_MS = 1_500;

/** Timings of one answered message: epoch ms, and ms from the start of its POST. */
export interface Sample {
  postedAt: number;
  answeredAt: number;
  webhookMs: number;
  acceptedMs: number;
  /** When the reply was stored (the webhook body's created_at): model time plus what precedes it. */
  replyStoredMs: number;
}

/** `throttled`: the POST was answered 429, which a closed loop at these rates should never meet. */
export type Outcome = Sample | 'missing' | 'rejected' | 'throttled';

export interface OutcomeCounts {
  sent: number;
  answered: number;
  missing: number;
  rejected: number;
  throttled: number;
}

export interface WebhookTally {
  duplicates: number;
  unexpected: number;
}

export interface Rig {
  runtime: RuntimeProcess;
  /** The fake OpenAI server the runtime's `openai` SDK calls: `model.setDelay(ms)` sets the model's latency. */
  model: FakeOpenAi;
  /**
   * Runs `conversations` closed loops at once, conversation ids `<prefix>-000`…, each posting while
   * `keepGoing(messagesSentSoFar)` holds; `round` tells the messages of repeated loops apart.
   */
  runClosedLoop(loop: ClosedLoop): Promise<Outcome[][]>;
  /** Duplicate and unexpected webhooks among those for conversations whose id starts with `prefix`. */
  tallyWebhooks(prefix: string): WebhookTally;
  /** Stops the runtime (killing it if it hangs), the fake model and the receiver; removes the runtime's data. */
  stop(): Promise<void>;
}

export interface ClosedLoop {
  prefix: string;
  round: string;
  conversations: number;
  keepGoing: (sent: number) => boolean;
}

interface KeyClient {
  url: string;
  apiKey: string;
  /** Where the answers to this key's conversations go. */
  answerUrl: string;
}

/**
 * Starts everything a closed loop needs, with API keys for `maxConversations`. The runtime's
 * `openai` SDK talks to the fake OpenAI server, which answers at once until told otherwise.
 */
export async function startRig(options: { maxConversations: number }): Promise<Rig> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => process.stderr.write(`  cleanup failed: ${String(error)}\n`));
    }
  };
  try {
    const keyCount = Math.ceil(options.maxConversations / CONVERSATIONS_PER_KEY);
    const receivers: WebhookReceiver[] = [];
    for (let i = 0; i < keyCount; i++) {
      const receiver = await startWebhookReceiver();
      cleanups.push(() => receiver.stop());
      receivers.push(receiver);
    }
    const model = await startFakeOpenAi();
    cleanups.push(() => model.stop());
    const runtime = await startRuntimeProcess({ env: { OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: 'bench' } });
    cleanups.push(() => stopRuntime(runtime));
    const api = apiClient(runtime);
    const aiId = await createAi(api, receivers[0]?.url ?? '');
    const keys = await issueKeys(
      api,
      runtime.url,
      receivers.map((r) => r.url),
    );
    const answers = watchAnswers(receivers);
    return {
      runtime,
      model,
      runClosedLoop: (loop) => runClosedLoop({ aiId, keys, answers }, loop),
      tallyWebhooks: (prefix) =>
        tallyWebhooks(
          receivers.flatMap((r) => r.received),
          answers.posted,
          prefix,
        ),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
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

/** One key per answer URL, issued one at a time, so the bootstrap key stays under its own rate limit. */
async function issueKeys(api: ReturnType<typeof apiClient>, url: string, answerUrls: string[]): Promise<KeyClient[]> {
  const keys: KeyClient[] = [];
  for (const [i, answerUrl] of answerUrls.entries()) {
    const issued = await api('POST', '/v1/api-keys', { name: `bench ${i}` });
    if (issued.status !== 201)
      throw new Error(`issuing an API key failed: ${issued.status} ${JSON.stringify(issued.body)}`);
    keys.push({ url, apiKey: issued.body.key, answerUrl });
  }
  return keys;
}

interface LoopContext {
  aiId: string;
  keys: KeyClient[];
  answers: AnswerWatcher;
}

async function runClosedLoop(context: LoopContext, loop: ClosedLoop): Promise<Outcome[][]> {
  return Promise.all(
    Array.from({ length: loop.conversations }, async (_, i) => {
      const conversationId = `${loop.prefix}-${String(i).padStart(3, '0')}`;
      const key = context.keys[Math.floor(i / CONVERSATIONS_PER_KEY)];
      if (!key) throw new Error(`no API key for conversation ${i}: the rig was started for fewer conversations`);
      const outcomes: Outcome[] = [];
      while (loop.keepGoing(outcomes.length)) {
        const text = `${conversationId} ${loop.round} #${outcomes.length}: ${QUESTION}`;
        const outcome = await postAndAwaitAnswer(context, key, conversationId, text);
        outcomes.push(outcome);
        // A later message would be answered together with an unanswered one, under a merged question.
        if (typeof outcome !== 'object') break;
      }
      return outcomes;
    }),
  );
}

async function postAndAwaitAnswer(
  { aiId, answers }: LoopContext,
  key: KeyClient,
  conversationId: string,
  text: string,
): Promise<Outcome> {
  const answerKey = keyOf(conversationId, text);
  // Listen before posting: the webhook can beat the 202 back.
  const answer = answers.expect(answerKey, ANSWER_TIMEOUT_MS);
  const postedAt = Date.now();
  const status = await postMessage(key, {
    ai_id: aiId,
    conversation_id: conversationId,
    message: text,
    webhooks: { answer_url: key.answerUrl },
  });
  const acceptedMs = Date.now() - postedAt;
  if (status !== 202) {
    answers.forget(answerKey);
    return status === 429 ? 'throttled' : 'rejected';
  }
  const webhook = await answer;
  if (!webhook) return 'missing';
  return {
    postedAt,
    answeredAt: webhook.at,
    webhookMs: webhook.at - postedAt,
    acceptedMs,
    replyStoredMs: readAnswer(webhook).createdAt - postedAt,
  };
}

/** The POST's status, or undefined when it failed or timed out; no retry, so a 429 shows. */
async function postMessage(key: KeyClient, body: unknown): Promise<number | undefined> {
  try {
    const response = await fetch(`${key.url}/v2/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(POST_TIMEOUT_MS),
    });
    // Read to the end, so the connection goes back to the pool.
    await response.arrayBuffer();
    return response.status;
  } catch {
    return undefined;
  }
}

type AnswerWatcher = ReturnType<typeof watchAnswers>;

/** Hands each arriving webhook to whoever waits for its message, matched on conversation and question. */
function watchAnswers(receivers: WebhookReceiver[]) {
  const waiting = new Map<string, (webhook: ReceivedWebhook | undefined) => void>();
  const posted = new Set<string>();
  for (const receiver of receivers) {
    receiver.setResponder((webhook) => {
      waiting.get(readAnswer(webhook).key)?.(webhook);
      return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
    });
  }
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

function keyOf(conversationId: string, question: string): string {
  return `${conversationId}\n${question}`;
}

function readAnswer(webhook: ReceivedWebhook): { conversationId: string; key: string; createdAt: number } {
  const body = (webhook.json ?? {}) as { conversation_id?: unknown; question?: unknown; created_at?: unknown };
  const conversationId = String(body.conversation_id);
  return {
    conversationId,
    key: keyOf(conversationId, String(body.question)),
    createdAt: typeof body.created_at === 'string' ? Date.parse(body.created_at) : Number.NaN,
  };
}

/** Webhooks beyond the first for a posted message are duplicates; ones for no posted message are unexpected. */
function tallyWebhooks(received: ReceivedWebhook[], posted: Set<string>, prefix: string): WebhookTally {
  const seen = new Set<string>();
  let duplicates = 0;
  let unexpected = 0;
  for (const webhook of received) {
    const { conversationId, key } = readAnswer(webhook);
    if (!conversationId.startsWith(`${prefix}-`)) continue;
    if (!posted.has(key)) unexpected += 1;
    else if (seen.has(key)) duplicates += 1;
    seen.add(key);
  }
  return { duplicates, unexpected };
}

/** The answered messages' timings. */
export function samplesOf(outcomes: readonly Outcome[]): Sample[] {
  return outcomes.filter((o): o is Sample => typeof o === 'object');
}

export function countOutcomes(outcomes: readonly Outcome[]): OutcomeCounts {
  const count = (kind: Exclude<Outcome, Sample>) => outcomes.filter((o) => o === kind).length;
  return {
    sent: outcomes.length,
    answered: samplesOf(outcomes).length,
    missing: count('missing'),
    rejected: count('rejected'),
    throttled: count('throttled'),
  };
}

/** One line per non-zero count of something that makes `label`'s figures unsound. */
export function describeProblems(label: string, counts: Record<string, number>): string[] {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([what, n]) => `${label}: ${n} ${what}`);
}
