/**
 * A fake OpenAI-compatible server on loopback that speaks the real Chat Completions and Embeddings
 * wire formats, so the `openai` SDK (and anything built on it) can be tested without a network or
 * a key. Used by integration tests, the e2e suite (hung requests while the runtime is killed) and
 * benchmarks (a slow model via `delayMs`). Its embeddings are deterministic hashed bags of words:
 * texts that share words get similar vectors, so retrieval can be tested end to end.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { EmbeddingCreateParams } from 'openai/resources/embeddings';

/** The JSON body the SDK POSTs to `/v1/chat/completions`. */
export type ChatCompletionRequestBody = ChatCompletionCreateParams;

/**
 * What the fake answers with: assistant content (any string, valid JSON or not), a refusal, or
 * an HTTP error (e.g. 429 or 500, which the SDK retries).
 */
export type FakeReply =
  | { content: string }
  | { refusal: string }
  | { status: number; body?: unknown; headers?: Record<string, string> };

export type FakeResponder = (request: ChatCompletionRequestBody) => FakeReply | Promise<FakeReply>;

/** The JSON body the SDK POSTs to `/v1/embeddings`. */
export type EmbeddingRequestBody = EmbeddingCreateParams;

/**
 * What the fake answers an embeddings request with: one vector per input, sent in `encoding`
 * (default: what the request asked for), or an HTTP error.
 */
export type FakeEmbeddingReply =
  | { vectors: number[][]; encoding?: 'float' | 'base64' }
  | { status: number; body?: unknown; headers?: Record<string, string> };

export type FakeEmbeddingResponder = (
  request: EmbeddingRequestBody,
) => FakeEmbeddingReply | Promise<FakeEmbeddingReply>;

/** What text-embedding-3-small returns without `dimensions`. */
export const FAKE_DEFAULT_EMBEDDING_DIMENSIONS = 1536;

export interface FakeOpenAi {
  /** e.g. `http://127.0.0.1:PORT/v1`: pass it as the SDK's `baseURL`. */
  baseUrl: string;
  /** Every chat completion request received, in arrival order (hung ones included). */
  requests: ChatCompletionRequestBody[];
  /** Every embeddings request received, in arrival order. */
  embeddingRequests: EmbeddingRequestBody[];
  setResponder(respond: FakeResponder): void;
  /** Replaces how embeddings are answered; `fakeEmbeddingReply` is the default. */
  setEmbeddingResponder(respond: FakeEmbeddingResponder): void;
  /** Delays chat completions (embeddings are answered at once). */
  setDelay(ms: number): void;
  /** Further requests are held unanswered until `release()` (or dropped by `stop()`). */
  hang(): void;
  /** Answers the held requests and stops holding new ones. */
  release(): void;
  /** Drops held and delayed requests, closes every socket and the server. */
  stop(): Promise<void>;
}

/** The reply a well-behaved model gives, as the JSON string it would put in `content`. */
export function parleyReplyContent(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    knowledge_covers: true,
    reply: 'Thanks for your message! (fake model)',
    needs_human: false,
    reason: null,
    follow_up_at: null,
    language: 'en',
    confidence: 'high',
    escalation: 'none',
    citations: [],
    ...overrides,
  });
}

const defaultResponder: FakeResponder = () => ({ content: parleyReplyContent() });

/**
 * A deterministic unit vector for `text`: each word (lower-cased letters and digits) is hashed to
 * one dimension and a sign, counted, and the sum normalised. Texts sharing words point the same
 * way; a text without words gets the first axis.
 */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const hash = fnv1a(word);
    vector[hash % dimensions] = (vector[hash % dimensions] ?? 0) + ((hash >>> 31) & 1 ? -1 : 1);
  }
  const norm = Math.hypot(...vector);
  if (norm === 0) return vector.map((_, i) => (i === 0 ? 1 : 0));
  return vector.map((value) => value / norm);
}

/** The default embeddings answer: `fakeEmbedding` of each input, in the requested size and encoding. */
export function fakeEmbeddingReply(request: EmbeddingRequestBody): FakeEmbeddingReply {
  const inputs = [request.input].flat() as string[];
  const dimensions = request.dimensions ?? FAKE_DEFAULT_EMBEDDING_DIMENSIONS;
  return { vectors: inputs.map((input) => fakeEmbedding(input, dimensions)) };
}

/** 32-bit FNV-1a of the string's UTF-16 code units. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Starts the fake on 127.0.0.1 on a free port. */
export async function startFakeOpenAi(
  options: { respond?: FakeResponder; delayMs?: number } = {},
): Promise<FakeOpenAi> {
  let respond = options.respond ?? defaultResponder;
  let respondEmbedding: FakeEmbeddingResponder = fakeEmbeddingReply;
  const embeddingRequests: EmbeddingRequestBody[] = [];
  let delayMs = options.delayMs ?? 0;
  let hanging = false;
  let held: Array<() => void> = [];
  const timers = new Set<NodeJS.Timeout>();
  const requests: ChatCompletionRequestBody[] = [];
  let completions = 0;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  /** The request's JSON body, or undefined after answering 400 as OpenAI does. */
  async function readJsonRequest<T>(req: IncomingMessage, res: ServerResponse): Promise<T | undefined> {
    try {
      return JSON.parse(await readBody(req)) as T;
    } catch {
      sendJson(res, 400, errorBody('request body is not valid JSON', 'invalid_request_error'));
      return undefined;
    }
  }

  /**
   * What a responder decided, or undefined after answering for it: a 500 when it threw, the status
   * it asked for when it asked for an error.
   */
  async function replyOf<R extends object>(res: ServerResponse, decide: () => R | Promise<R>) {
    let reply: R;
    try {
      reply = await decide();
    } catch (error) {
      sendJson(res, 500, errorBody(`fake responder failed: ${String(error)}`, 'server_error'));
      return undefined;
    }
    if ('status' in reply) {
      const failure = reply as { status: number; body?: unknown; headers?: Record<string, string> };
      const fallback = errorBody(`fake error ${failure.status}`, 'server_error');
      sendJson(res, failure.status, failure.body ?? fallback, failure.headers);
      return undefined;
    }
    return reply as Exclude<R, { status: number }>;
  }

  async function handleCompletion(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonRequest<ChatCompletionRequestBody>(req, res);
    if (!body) return;
    requests.push(body);
    if (hanging) await new Promise<void>((resolve) => held.push(resolve));
    if (delayMs > 0) await wait(delayMs);
    const reply = await replyOf<FakeReply>(res, () => respond(body));
    if (!reply) return;
    completions += 1;
    sendJson(res, 200, completionBody(`chatcmpl-fake-${completions}`, body.model, reply));
  }

  async function handleEmbeddings(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonRequest<EmbeddingRequestBody>(req, res);
    if (!body) return;
    embeddingRequests.push(body);
    const inputs = [body.input].flat();
    // As OpenAI does: inputs must be non-empty strings (token arrays are not faked).
    if (inputs.length === 0 || inputs.some((input) => typeof input !== 'string' || input === '')) {
      sendJson(res, 400, errorBody("'$.input' is invalid", 'invalid_request_error'));
      return;
    }
    const reply = await replyOf<FakeEmbeddingReply>(res, () => respondEmbedding(body));
    if (!reply) return;
    const encoding = reply.encoding ?? body.encoding_format ?? 'float';
    const tokens = (inputs as string[]).reduce((sum, input) => sum + Math.ceil(input.length / 4), 0);
    sendJson(res, 200, {
      object: 'list',
      data: reply.vectors.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: encoding === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
      })),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  const server = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      handleCompletion(req, res).catch(() => res.destroy());
      return;
    }
    if (req.method === 'POST' && path === '/v1/embeddings') {
      handleEmbeddings(req, res).catch(() => res.destroy());
      return;
    }
    sendJson(res, 404, errorBody(`no route for ${req.method} ${req.url}`, 'invalid_request_error'));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    embeddingRequests,
    setResponder: (fn) => {
      respond = fn;
    },
    setEmbeddingResponder: (fn) => {
      respondEmbedding = fn;
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    hang: () => {
      hanging = true;
    },
    release: () => {
      hanging = false;
      const waiting = held;
      held = [];
      for (const resume of waiting) resume();
    },
    stop: async () => {
      // Held and delayed requests are never resumed: their sockets are closed below.
      held = [];
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function completionBody(id: string, model: string, reply: { content: string } | { refusal: string }) {
  const content = 'content' in reply ? reply.content : null;
  const refusal = 'refusal' in reply ? reply.refusal : null;
  const completionTokens = Math.ceil((content ?? refusal ?? '').length / 4);
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal, annotations: [] },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 100, completion_tokens: completionTokens, total_tokens: 100 + completionTokens },
    system_fingerprint: 'fp_fake',
  };
}

function errorBody(message: string, type: string) {
  return { error: { message, type, param: null, code: null } };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-request-id': `req_fake_${Date.now()}`,
    ...headers,
  });
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
