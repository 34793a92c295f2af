/**
 * An AWS SDK request handler that hands each HTTP request to a server running in a worker thread
 * of the same process over a MessagePort, instead of over a loopback TCP connection. The SDK still
 * serialises and signs every call, and the server (dynalite) still parses and answers it as HTTP;
 * only the sockets go. The local runtime's store calls go this way: over loopback TCP, the socket
 * writes alone took about an eighth of its busy event loop (BENCHMARKS.md).
 *
 * Kept apart from the server code so that the functions' composition can look a handler up by
 * endpoint without bundling the server: `inProcessRequestHandler(endpoint)` is undefined in Lambda.
 */
import type { MessagePort } from 'node:worker_threads';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/** The request the worker receives: what an HTTP server would read off the wire. */
export interface PortRequest {
  id: number;
  method: string;
  /** Path and query string. */
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The response the worker posts back. */
export interface PortResponse {
  id: number;
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** The part of the SDK's HttpRequest this handler reads. */
interface SdkHttpRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/** Implements the SDK's HttpHandler contract (`handle`, `metadata`, `destroy`…) over a MessagePort. */
export class MessagePortHttpHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly port: MessagePort;
  private readonly pending = new Map<number, (response: PortResponse) => void>();
  private nextId = 0;

  constructor(port: MessagePort) {
    this.port = port;
    this.port.on('message', (response: PortResponse) => {
      const settle = this.pending.get(response.id);
      this.pending.delete(response.id);
      settle?.(response);
      if (this.pending.size === 0) this.port.unref();
    });
    this.port.unref();
  }

  handle(
    request: SdkHttpRequest,
    options: { abortSignal?: AbortSignal } = {},
  ): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Uint8Array } }> {
    if (options.abortSignal?.aborted) return Promise.reject(abortError());
    const id = ++this.nextId;
    const message: PortRequest = {
      id,
      method: request.method,
      url: request.path + queryString(request.query),
      headers: request.headers,
      body: bodyText(request.body),
    };
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(id);
        reject(abortError());
      };
      options.abortSignal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, (response) => {
        options.abortSignal?.removeEventListener('abort', onAbort);
        resolve({
          response: { statusCode: response.statusCode, headers: response.headers, body: Buffer.from(response.body) },
        });
      });
      // While a call is waiting, the port keeps the process alive, as an open socket would.
      this.port.ref();
      this.port.postMessage(message);
    });
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}

/**
 * What dynalite checks of a request's authentication: an AWS4 Authorization header with these
 * parts and a date. It verifies no signature, so one fixed header stands in for SigV4.
 */
const EMULATOR_AUTHORIZATION = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=local',
  'x-amz-date': '20260101T000000Z',
};

/**
 * Stops a client of an in-process emulator from signing its requests: SigV4 (an HMAC chain over
 * each request) was about a sixth of the local runtime's work per store call, for a server that
 * never checks it. Only for clients whose requests go to the in-process handler.
 */
export function skipSigning(client: DynamoDBClient): void {
  client.middlewareStack.remove('httpSigningMiddleware');
  type Args = { request: { headers?: Record<string, string> } };
  const authorize = (next: (args: Args) => Promise<unknown>) => (args: Args) => {
    if (args.request.headers) Object.assign(args.request.headers, EMULATOR_AUTHORIZATION);
    return next(args);
  };
  client.middlewareStack.addRelativeTo(
    authorize as unknown as Parameters<DynamoDBClient['middlewareStack']['addRelativeTo']>[0],
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'emulatorAuthorization' },
  );
}

/**
 * A DynamoDB client for `config.endpoint`: through the in-process handler, unsigned, when that
 * endpoint's server runs in this process (the local runtime's dynalite); otherwise as configured.
 */
export function createDynamoClient(config: DynamoDBClientConfig & { endpoint?: string }): DynamoDBClient {
  const inProcess = inProcessRequestHandler(config.endpoint);
  if (!inProcess) return new DynamoDBClient(config);
  const client = new DynamoDBClient({
    ...config,
    requestHandler: inProcess as unknown as DynamoDBClientConfig['requestHandler'],
  });
  skipSigning(client);
  return client;
}

const handlers = new Map<string, MessagePortHttpHandler>();

/** Makes SDK clients of this process whose endpoint is `endpoint` go through `handler`. */
export function registerInProcessEndpoint(endpoint: string, handler: MessagePortHttpHandler): void {
  handlers.set(endpoint, handler);
}

export function unregisterInProcessEndpoint(endpoint: string): void {
  handlers.delete(endpoint);
}

/** The in-process handler for `endpoint` when its server runs in this process, else undefined (use HTTP). */
export function inProcessRequestHandler(endpoint: string | undefined): MessagePortHttpHandler | undefined {
  return endpoint === undefined ? undefined : handlers.get(endpoint);
}

function queryString(query: SdkHttpRequest['query']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v ?? '');
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  // A view, not Buffer.from(body): the SDK's JSON body is a Uint8Array subclass that warns when
  // Buffer.from calls its valueOf().
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  throw new TypeError('in-process HTTP carries string or byte bodies only');
}

function abortError(): Error {
  const error = new Error('Request aborted');
  error.name = 'AbortError';
  return error;
}
