/**
 * A chaos run on the local runtime, shared by the e2e test and the `chaos` benchmark: clients post
 * new conversations concurrently (one message each, each with its own Idempotency-Key, retrying a
 * failed request with the same key as a Zap does) while the runtime is killed with SIGKILL at
 * random moments and restarted on the same data directory; the webhook receiver fails the first
 * attempt of some answers. Every conversation must get exactly one answer event (repeats only
 * under the same `webhook-id`). All randomness comes from one seed, so a failing run can be
 * replayed with `PARLEY_CHAOS_SEED`.
 */
import { createServer } from 'node:net';
import { rm } from 'node:fs/promises';
import { type FakeOpenAi, startFakeOpenAi } from '#test/support/fake-openai';
import { newDataDir, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';

/** Set it to replay a run: the seed is printed at the start of each. */
export const CHAOS_SEED_ENV = 'PARLEY_CHAOS_SEED';

export interface ChaosSettings {
  conversations: number;
  clients: number;
  kills: number;
  /** A kill comes this long (drawn uniformly) after the runtime was last ready. */
  killAfterMs: { min: number; max: number };
  /** A client's pause between two conversations (drawn uniformly), so posting spans the kills. */
  thinkMs: { min: number; max: number };
  modelDelayMs: number;
  /** Share of answers whose first webhook attempt the receiver answers with a 500. */
  receiverFailureRate: number;
  /** How long after the last restart every conversation must have its answer. */
  answerWithinMs: number;
}

export interface ChaosReport {
  seed: number;
  settings: ChaosSettings;
  conversations: number;
  kills: number;
  /** Conversations whose answer reached the receiver and was accepted. */
  answered: number;
  /** Conversations with more than one answer event (distinct webhook ids). */
  doubled: number;
  /** Conversations the receiver saw the same answer for more than once, under one webhook id. */
  resent: number;
  missing: string[];
  /** POSTs retried by the clients (connection refused or 5xx while the runtime was down or dying). */
  clientRetries: number;
  failedFirstAttempts: number;
  /** From a restart being ready to the latest answer that was waiting on it. */
  longestWaitAfterRestartMs: number;
  /** From the last restart being ready to the last answer. */
  settledAfterLastRestartMs: number;
  wallClockSeconds: number;
}

/** mulberry32: small, seedable, good enough to draw delays and choices. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed from `PARLEY_CHAOS_SEED`, else a fresh one. */
export function chaosSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env[CHAOS_SEED_ENV];
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0) throw new Error(`${CHAOS_SEED_ENV} must be a non-negative integer`);
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

/** A runtime not stopped by Ctrl-C this soon is killed. */
const STOP_TIMEOUT_MS = 15_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (random: () => number, range: { min: number; max: number }) =>
  range.min + Math.floor(random() * (range.max - range.min + 1));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface Answer {
  webhookId: string;
  acceptedAt?: number;
  seen: number;
}

export async function runChaos(settings: ChaosSettings, seed: number): Promise<ChaosReport> {
  const random = seededRandom(seed);
  const started = Date.now();
  const dataDir = await newDataDir();
  const port = await freePort();
  let model: FakeOpenAi | undefined;
  let receiver: WebhookReceiver | undefined;
  let runtime: RuntimeProcess | undefined;
  try {
    [model, receiver] = await Promise.all([
      startFakeOpenAi({ delayMs: settings.modelDelayMs }),
      startWebhookReceiver(),
    ]);
    const env = { PORT: String(port), OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: 'test' };
    const start = () => startRuntimeProcess({ dataDir, env });
    runtime = await start();
    const url = runtime.url;
    const headers = { authorization: `Bearer ${runtime.apiKey}`, 'content-type': 'application/json' };
    const created = await fetch(`${url}/v1/ais`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        type: 'support',
        name: 'Chaos',
        webhooks: { answer_url: receiver.url },
        // Nudges would add webhooks of their own.
        follow_up: { enabled: false },
      }),
    });
    const aiId = ((await created.json()) as { id: string }).id;

    const conversationIds = Array.from({ length: settings.conversations }, (_, i) => `chaos-${seed}-${i}`);
    const failsFirst = new Set(conversationIds.filter(() => random() < settings.receiverFailureRate));
    // Per conversation, the answer events the receiver saw, by webhook id.
    const answers = new Map<string, Map<string, Answer>>();
    let failedFirstAttempts = 0;
    receiver.setResponder((webhook) => {
      const body = webhook.json as { type?: string; conversation_id?: string };
      const webhookId = webhook.headers['webhook-id'] ?? '';
      if (body.type !== 'message.answered' || !body.conversation_id) return { status: 200 };
      const byId = answers.get(body.conversation_id) ?? new Map<string, Answer>();
      answers.set(body.conversation_id, byId);
      const answer = byId.get(webhookId) ?? { webhookId, seen: 0 };
      byId.set(webhookId, answer);
      answer.seen++;
      if (answer.seen === 1 && failsFirst.has(body.conversation_id)) {
        failedFirstAttempts++;
        return { status: 500, body: 'try again' };
      }
      answer.acceptedAt ??= webhook.at;
      return { status: 200, body: '{"ok":true}' };
    });

    let next = 0;
    let clientRetries = 0;
    const retryRandom = seededRandom(seed ^ 0x9e3779b9);
    const postedAt = new Map<string, number>();
    const thinkTimes = conversationIds.map(() => between(random, settings.thinkMs));
    const client = async () => {
      for (let i = next++; i < conversationIds.length; i = next++) {
        await sleep(thinkTimes[i] ?? 0);
        const conversationId = conversationIds[i] ?? '';
        postedAt.set(conversationId, Date.now());
        const body = JSON.stringify({
          ai_id: aiId,
          conversation_id: conversationId,
          message: 'Do you ship to Canada?',
        });
        for (;;) {
          const response = await fetch(`${url}/v2/messages`, {
            method: 'POST',
            headers: { ...headers, 'idempotency-key': `post-${conversationId}` },
            body,
          }).catch(() => undefined);
          await response?.arrayBuffer().catch(() => undefined);
          if (response?.status === 202) break;
          if (response && response.status < 500 && response.status !== 429) {
            throw new Error(`POST for ${conversationId} was refused with ${response.status}`);
          }
          clientRetries++;
          await sleep(response?.status === 429 ? 1000 : between(retryRandom, { min: 200, max: 500 }));
        }
      }
    };
    const killDelays = Array.from({ length: settings.kills }, () => between(random, settings.killAfterMs));
    const restarts: number[] = [];
    const killer = async () => {
      for (const delay of killDelays) {
        await sleep(delay);
        await runtime?.kill();
        runtime = await start();
        restarts.push(Date.now());
      }
    };
    await Promise.all([killer(), ...Array.from({ length: settings.clients }, client)]);

    const lastRestart = restarts.at(-1) ?? started;
    const settled = () =>
      conversationIds.every((id) => [...(answers.get(id)?.values() ?? [])].some((a) => a.acceptedAt));
    const deadline = lastRestart + settings.answerWithinMs;
    while (!settled() && Date.now() < deadline) await sleep(100);
    // A little longer, so a second answer event (if there were one) would be seen.
    await sleep(1_000);

    const accepted = conversationIds.flatMap((id) =>
      [...(answers.get(id)?.values() ?? [])].flatMap((a) => (a.acceptedAt ? [{ id, at: a.acceptedAt }] : [])),
    );
    // Only answers a restart stood in the way of: posted before it, accepted after it.
    const waitAfterRestart = ({ id, at }: { id: string; at: number }) => {
      const restart = restarts.filter((r) => r <= at).at(-1);
      return restart === undefined || (postedAt.get(id) ?? at) > restart ? 0 : at - restart;
    };
    return {
      seed,
      settings,
      conversations: conversationIds.length,
      kills: restarts.length,
      answered: conversationIds.filter((id) => [...(answers.get(id)?.values() ?? [])].some((a) => a.acceptedAt)).length,
      doubled: conversationIds.filter((id) => (answers.get(id)?.size ?? 0) > 1).length,
      resent: conversationIds.filter((id) => [...(answers.get(id)?.values() ?? [])].some((a) => a.seen > 1)).length,
      missing: conversationIds.filter((id) => ![...(answers.get(id)?.values() ?? [])].some((a) => a.acceptedAt)),
      clientRetries,
      failedFirstAttempts,
      longestWaitAfterRestartMs: Math.max(0, ...accepted.map(waitAfterRestart)),
      settledAfterLastRestartMs: Math.max(0, ...accepted.map(({ at }) => at - lastRestart)),
      wallClockSeconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    if (runtime) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
      });
      const stopped = await Promise.race([runtime.stop(), timeout]);
      clearTimeout(timer);
      if (stopped === 'timeout') await runtime.kill();
    }
    await Promise.all([model?.stop(), receiver?.stop()]);
    await rm(dataDir, { recursive: true, force: true });
  }
}
