/**
 * The loopback server the recording AWS fakes share. It reads a size-capped JSON body, hands it to
 * the fake, and writes the answer in the fake's wire protocol: awsJson1_1 (every call a `POST /`
 * named by `X-Amz-Target`) or restJson1 (REST routes, HTTP status per error). A thrown
 * `AwsServiceError` becomes the error response the SDK parses: the `x-amzn-ErrorType` header, and
 * `__type` and `Message` in the body.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type AwsJsonWireProtocol = 'awsJson1_1' | 'restJson1';

/** A JSON object as it arrived on the wire. */
export type JsonObject = Record<string, unknown>;

/** The largest request body a fake reads by default; AWS APIs take at most a few hundred KB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * An error as a service answers it: `code` is the shape name the SDK turns into the exception's
 * `name`; `status` the HTTP status (awsJson services answer 400 for client faults, 500 for server
 * faults; restJson services use each error's `@httpError`).
 */
export class AwsServiceError extends Error {
  override readonly name = 'AwsServiceError';
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** A request as the fake sees it. */
export interface FakeRequest {
  method: string;
  /** The path without its query string, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON; undefined when the body was empty. */
  json: unknown;
}

/** One call a fake received: the operation, its input as the SDK sent it, and the error answered, if any. */
export interface RecordedCall {
  operation: string;
  input: JsonObject;
  error?: string;
}

export interface AwsFakeServer {
  /** `http://127.0.0.1:<port>`: the SDK's `endpoint`, or an `AWS_ENDPOINT_URL_<SERVICE>` value. */
  endpoint: string;
  /** Closes the server and every connection. */
  stop(): Promise<void>;
}

/** Decides the answer to one request: the output object (sent with 200), or throws `AwsServiceError`. */
export type FakeHandler = (request: FakeRequest) => unknown | Promise<unknown>;

/** Starts a server on 127.0.0.1 on a free port that answers with `handle` in `protocol`'s format. */
export async function startAwsFakeServer(options: {
  protocol: AwsJsonWireProtocol;
  handle: FakeHandler;
  maxBodyBytes?: number;
}): Promise<AwsFakeServer> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const contentType = options.protocol === 'awsJson1_1' ? 'application/x-amz-json-1.1' : 'application/json';

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let output: unknown;
    try {
      const url = new URL(req.url ?? '/', 'http://fake');
      const json = parseJson(await readBody(req, maxBodyBytes));
      output = await options.handle({
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        json,
      });
    } catch (error) {
      const failure =
        error instanceof AwsServiceError
          ? error
          : new AwsServiceError('InternalFailure', `fake failed: ${String(error)}`, 500);
      send(res, failure.status, contentType, { __type: failure.code, Message: failure.message }, failure.code);
      return;
    }
    send(res, 200, contentType, output ?? {});
  }

  const server = createServer((req, res) => {
    answer(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * Routes an awsJson1_1 request to `operations` by its `X-Amz-Target` (`<prefix>.<Operation>`),
 * recording each call in `calls` with the error it was answered, if any.
 */
export function awsJsonHandler(
  targetPrefix: string,
  operations: Record<string, (input: JsonObject) => unknown>,
  calls: RecordedCall[],
): FakeHandler {
  return (request) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(`${targetPrefix}.`) ? target.slice(targetPrefix.length + 1) : '';
    const run = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
    if (request.method !== 'POST' || !run) {
      throw new AwsServiceError('UnknownOperationException', `Unknown operation ${target || request.method}`);
    }
    const input = request.json ?? {};
    if (!isJsonObject(input)) throw new AwsServiceError('SerializationException', 'Start of structure expected');
    return recordCall(calls, operation, input, () => run(input));
  };
}

/** Runs `run` for `operation`, recording the call and, if `run` throws an `AwsServiceError`, its code. */
export function recordCall<T>(calls: RecordedCall[], operation: string, input: JsonObject, run: () => T): T {
  const call: RecordedCall = { operation, input };
  calls.push(call);
  try {
    return run();
  } catch (error) {
    call.error = error instanceof AwsServiceError ? error.code : 'InternalFailure';
    throw error;
  }
}

/**
 * A `ValidationException` worded as AWS's request validation words it: `1 validation error
 * detected: Value null at 'target' failed to satisfy constraint: Member must not be null`, the
 * problems joined with `; `.
 */
export function validationError(problems: string[]): AwsServiceError {
  const count = `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected`;
  return new AwsServiceError('ValidationException', `${count}: ${problems.join('; ')}`);
}

/** One problem for `validationError`: the value (quoted, or `null`), where it was, and the broken constraint. */
export function constraintProblem(value: unknown, at: string, constraint: string): string {
  const shown = value === undefined || value === null ? 'null' : `'${String(value)}'`;
  return `Value ${shown} at '${at}' failed to satisfy constraint: ${constraint}`;
}

/** Whether `value` is a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Seconds since the epoch, as awsJson1_1 and restJson1 put timestamps in a body. */
export function toEpochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

function parseJson(body: string): unknown {
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    throw new AwsServiceError('SerializationException', 'The request body is not valid JSON.');
  }
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Keep reading so the client sees the answer rather than a reset connection.
    if (size <= maxBytes) chunks.push(chunk as Buffer);
  }
  if (size > maxBytes) {
    throw new AwsServiceError('RequestEntityTooLargeException', `Request body exceeds ${maxBytes} bytes.`, 413);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, contentType: string, body: unknown, errorType?: string): void {
  if (res.destroyed || res.writableEnded) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(payload),
    'x-amzn-RequestId': randomUUID(),
    ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
  });
  res.end(payload);
}
