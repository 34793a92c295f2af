/**
 * A fake Amazon Bedrock Runtime on loopback, speaking the real REST-JSON wire format of Converse
 * (`POST /model/{modelId}/converse`) and InvokeModel (`POST /model/{modelId}/invoke`, Titan Text
 * Embeddings V2's body), so the real `@aws-sdk/client-bedrock-runtime` reaches it through
 * `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` with any credentials (it checks no signature).
 *
 * It speaks HTTP/1.1 only. The SDK's client defaults to HTTP/2 (NodeHttp2Handler, cleartext with
 * prior knowledge on an http:// endpoint); Parley's adapter gives it NodeHttpHandler instead
 * (lib/adapters/bedrock/bedrock-client.ts says why), so what is tested is what runs in Lambda, and
 * a plain HTTP proxy (the deployed-shape suite's) can stand in front of this fake.
 *
 * It records every request as the SDK sent it (model id from the path, JSON body) and answers from
 * a queue of scripted replies, then from a default: a well-formed reply through the requested tool
 * (`parleyReplyContent`), and `fakeEmbedding` vectors (texts sharing words point alike).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fakeEmbedding, parleyReplyContent } from '#test/support/fake-openai';

/** A Converse request as it arrived: the model id (decoded from the path) and the JSON body. */
export interface ConverseRecord {
  modelId: string;
  body: {
    messages?: Array<{ role: string; content: Array<Record<string, unknown>> }>;
    system?: Array<Record<string, unknown>>;
    toolConfig?: {
      tools?: Array<{ toolSpec?: { name: string; description?: string; inputSchema?: { json?: unknown } } }>;
      toolChoice?: Record<string, unknown>;
    };
    inferenceConfig?: Record<string, unknown>;
    [field: string]: unknown;
  };
}

/** An InvokeModel request for Titan embeddings as it arrived. */
export interface EmbeddingRecord {
  modelId: string;
  body: { inputText?: string; dimensions?: number; normalize?: boolean; [field: string]: unknown };
}

/** An error as Bedrock sends it: the status, the `x-amzn-ErrorType` name and the message. */
export interface FakeBedrockError {
  status: number;
  error: string;
  message: string;
}

/** Errors Bedrock answers with, worded as it words them. */
export const BEDROCK_ERRORS = {
  throttling: {
    status: 429,
    error: 'ThrottlingException',
    message: 'Too many requests, please wait before trying again.',
  },
  serviceUnavailable: {
    status: 503,
    error: 'ServiceUnavailableException',
    message: 'Bedrock is unable to process your request.',
  },
  internal: { status: 500, error: 'InternalServerException', message: 'The server encountered an internal error.' },
  modelError: {
    status: 424,
    error: 'ModelErrorException',
    message: 'The model encountered an error processing your request.',
  },
  modelNotReady: {
    status: 429,
    error: 'ModelNotReadyException',
    message: 'The model is not ready to serve inference requests.',
  },
  accessDenied: {
    status: 403,
    error: 'AccessDeniedException',
    message: "You don't have access to the model with the specified model ID.",
  },
  invalidModel: { status: 400, error: 'ValidationException', message: 'The provided model identifier is invalid.' },
  onDemandUnsupported: {
    status: 400,
    error: 'ValidationException',
    message:
      "Invocation of model ID amazon.nova-lite-v1:0 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.",
  },
  inputTooLong: { status: 400, error: 'ValidationException', message: 'Input is too long for requested model.' },
} as const satisfies Record<string, FakeBedrockError>;

/**
 * What a Converse request is answered with: a call of the requested tool with `toolInput` (any
 * value, valid or not), plain text (a model that ignored the tool), or an error.
 */
export type FakeConverseReply =
  | { toolInput: unknown; stopReason?: string; usage?: { inputTokens: number; outputTokens: number } }
  | { text: string; stopReason?: string }
  | FakeBedrockError;

/** What an embeddings request is answered with: a vector (any length), or an error. */
export type FakeEmbeddingReply = { embedding: number[] } | FakeBedrockError;

export type FakeConverseResponder = (request: ConverseRecord) => FakeConverseReply | Promise<FakeConverseReply>;
export type FakeEmbeddingResponder = (request: EmbeddingRecord) => FakeEmbeddingReply | Promise<FakeEmbeddingReply>;

/** What Titan V2 returns without `dimensions`. */
export const TITAN_DEFAULT_DIMENSIONS = 1024;

export interface FakeBedrock {
  /** e.g. `http://127.0.0.1:PORT`: set it as AWS_ENDPOINT_URL_BEDROCK_RUNTIME. */
  endpoint: string;
  /** Every Converse request, in arrival order. */
  converseRequests: ConverseRecord[];
  /** Every embeddings (InvokeModel) request, in arrival order. */
  embeddingRequests: EmbeddingRecord[];
  /** Answers the next Converse requests with these, in order, before the responder. */
  enqueue(...replies: FakeConverseReply[]): void;
  /** Answers the next embeddings requests with these, in order, before the embedding responder. */
  enqueueEmbeddings(...replies: FakeEmbeddingReply[]): void;
  /** Replaces the default Converse answer (a well-formed reply). */
  setResponder(respond: FakeConverseResponder): void;
  /** Replaces the default embeddings answer (`fakeEmbedding` of the input). */
  setEmbeddingResponder(respond: FakeEmbeddingResponder): void;
  /** Delays Converse answers (embeddings are answered at once). */
  setDelay(ms: number): void;
  /** Forgets the recorded requests and the queued replies. */
  reset(): void;
  /** Drops delayed requests, closes every socket and the server. */
  stop(): Promise<void>;
}

/**
 * The environment that sends the real SDK's default chain to the fake: its endpoint, a region and
 * static credentials (the fake checks no signature). For a runtime process, or `useFakeBedrockEnv`.
 */
export function fakeBedrockEnv(fake: Pick<FakeBedrock, 'endpoint'>): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fake.endpoint,
    AWS_REGION: 'eu-central-1',
    AWS_ACCESS_KEY_ID: 'AKIAFAKEBEDROCK',
    AWS_SECRET_ACCESS_KEY: 'fake-bedrock-secret',
  };
}

/** Sets `fakeBedrockEnv` in this process; returns what puts the environment back as it was. */
export function useFakeBedrockEnv(fake: Pick<FakeBedrock, 'endpoint'>): () => void {
  const env = fakeBedrockEnv(fake);
  const before = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  return () => {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** The default answer: `parleyReplyContent` through the tool the request forces. */
export function fakeToolReply(overrides: Record<string, unknown> = {}): FakeConverseReply {
  return { toolInput: JSON.parse(parleyReplyContent(overrides)) as unknown };
}

const defaultResponder: FakeConverseResponder = () => fakeToolReply();

const defaultEmbeddingResponder: FakeEmbeddingResponder = ({ body }) => ({
  embedding: fakeEmbedding(body.inputText ?? '', body.dimensions ?? TITAN_DEFAULT_DIMENSIONS),
});

const ROUTE = /^\/model\/([^/]+)\/(converse|invoke)$/;

/** Starts the fake on 127.0.0.1 on a free port. */
export async function startFakeBedrock(): Promise<FakeBedrock> {
  const converseRequests: ConverseRecord[] = [];
  const embeddingRequests: EmbeddingRecord[] = [];
  let queued: FakeConverseReply[] = [];
  let queuedEmbeddings: FakeEmbeddingReply[] = [];
  let respond = defaultResponder;
  let respondEmbedding = defaultEmbeddingResponder;
  let delayMs = 0;
  const timers = new Set<NodeJS.Timeout>();
  let calls = 0;

  async function handleConverse(modelId: string, body: ConverseRecord['body'], res: ServerResponse) {
    const record = { modelId, body };
    converseRequests.push(record);
    if (delayMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, delayMs);
        timers.add(timer);
      });
    }
    const reply = queued.shift() ?? (await respond(record));
    if ('error' in reply) return sendError(res, reply);
    calls += 1;
    const toolName = toolNameOf(body);
    const content =
      'toolInput' in reply
        ? [{ toolUse: { toolUseId: `tooluse_fake_${calls}`, name: toolName, input: reply.toolInput } }]
        : [{ text: reply.text }];
    const outputTokens = Math.ceil(JSON.stringify(content).length / 4);
    const usage = ('toolInput' in reply && reply.usage) || { inputTokens: 100, outputTokens };
    sendJson(res, 200, {
      output: { message: { role: 'assistant', content } },
      stopReason: reply.stopReason ?? ('toolInput' in reply ? 'tool_use' : 'end_turn'),
      usage: { ...usage, totalTokens: usage.inputTokens + usage.outputTokens },
      metrics: { latencyMs: delayMs + 1 },
    });
  }

  async function handleInvoke(modelId: string, body: EmbeddingRecord['body'], res: ServerResponse) {
    const record = { modelId, body };
    embeddingRequests.push(record);
    if (typeof body.inputText !== 'string' || body.inputText === '') {
      return sendError(res, {
        status: 400,
        error: 'ValidationException',
        message: 'Malformed input request: inputText',
      });
    }
    const reply = queuedEmbeddings.shift() ?? (await respondEmbedding(record));
    if ('error' in reply) return sendError(res, reply);
    const tokens = Math.ceil(body.inputText.length / 4);
    sendJson(
      res,
      200,
      { embedding: reply.embedding, embeddingsByType: { float: reply.embedding }, inputTextTokenCount: tokens },
      {
        'x-amzn-bedrock-input-token-count': String(tokens),
      },
    );
  }

  const server = createServer((req, res) => {
    const match = ROUTE.exec(req.url?.split('?')[0] ?? '');
    if (req.method !== 'POST' || !match) {
      sendError(res, {
        status: 404,
        error: 'UnknownOperationException',
        message: `no route for ${req.method} ${req.url}`,
      });
      return;
    }
    const modelId = decodeURIComponent(match[1] as string);
    readJson(req)
      .then((body) => {
        if (body === undefined) {
          return sendError(res, { status: 400, error: 'ValidationException', message: 'the body is not JSON' });
        }
        return match[2] === 'converse' ? handleConverse(modelId, body, res) : handleInvoke(modelId, body, res);
      })
      .catch(() => res.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    converseRequests,
    embeddingRequests,
    enqueue: (...replies) => {
      queued.push(...replies);
    },
    enqueueEmbeddings: (...replies) => {
      queuedEmbeddings.push(...replies);
    },
    setResponder: (fn) => {
      respond = fn;
    },
    setEmbeddingResponder: (fn) => {
      respondEmbedding = fn;
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    reset: () => {
      converseRequests.length = 0;
      embeddingRequests.length = 0;
      queued = [];
      queuedEmbeddings = [];
    },
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** The tool the request forces, else its first tool, else a name no model would use. */
function toolNameOf(body: ConverseRecord['body']): string {
  const forced = (body.toolConfig?.toolChoice?.tool as { name?: string } | undefined)?.name;
  return forced ?? body.toolConfig?.tools?.[0]?.toolSpec?.name ?? 'no_tool_offered';
}

function sendError(res: ServerResponse, failure: FakeBedrockError): void {
  sendJson(
    res,
    failure.status,
    { message: failure.message },
    { 'x-amzn-errortype': `${failure.error}:http://internal.amazon.com/coral/com.amazon.bedrock/` },
  );
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': `fake-${Date.now()}`,
    ...headers,
  });
  res.end(payload);
}

// biome-ignore lint/suspicious/noExplicitAny: the body's shape is the route's to read.
async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
