/**
 * An AWS SDK request handler that hands each HTTP request to a server running in a worker thread
 * of the same process over a MessagePort, instead of over a loopback TCP connection. The SDK still
 * serialises and signs every call, and the server (dynalite) still parses and answers it as HTTP;
 * only the sockets go. The local runtime's store calls go this way: over loopback TCP, the socket
 * writes alone took about an eighth of its busy event loop (BENCHMARKS.md).
 *
 * The server registers its handler in in-process-registry.ts, where the functions' composition
 * finds it by endpoint without bundling this module or the server.
 */
import type { MessagePort } from 'node:worker_threads';
import type { InProcessRequestHandler } from '#lib/adapters/local/in-process-registry';

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
export class MessagePortHttpHandler implements InProcessRequestHandler {
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
