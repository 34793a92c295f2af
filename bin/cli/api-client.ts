/**
 * The CLI's HTTP client for Parley's API: JSON (or multipart) in and out, with the API's errors
 * turned into one readable message and a refused connection into a hint to start Parley.
 */
import * as z from 'zod';

const REQUEST_TIMEOUT_MS = 60_000;

/** A request the API refused: its status, error code, message and per-field details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
  }

  /** The message, then one line per detail. */
  describe(): string {
    return [
      `${this.message} (HTTP ${this.status} ${this.code})`,
      ...this.details.map((d) => `  ${d.path}: ${d.message}`),
    ].join('\n');
  }
}

/** Nothing answered at the API's URL. */
export class NotRunningError extends Error {}

const apiErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

export interface ApiClient {
  readonly base: string;
  // biome-ignore lint/suspicious/noExplicitAny: commands read response JSON of many shapes
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<any>;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  upload(path: string, form: FormData): Promise<any>;
}

/** A client for the API at `api`, authenticating with `key`. */
export function createApiClient(api: string, key: string | undefined): ApiClient {
  const base = api.replace(/\/+$/, '');
  const auth: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};

  async function send(
    method: string,
    path: string,
    init: { body?: string | FormData; headers: Record<string, string> },
  ) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...auth, ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    }).catch((error: unknown) => {
      throw connectionError(base, error);
    });
    const text = await response.text();
    const json = parseJson(text);
    if (!response.ok) throw toApiError(response.status, json, text);
    return json;
  }

  return {
    base,
    request: (method, path, body, headers = {}) =>
      send(method, path, {
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    upload: (path, form) => send('POST', path, { body: form, headers: {} }),
  };
}

function connectionError(base: string, error: unknown): Error {
  // fetch wraps the socket's error in its cause (an AggregateError when a name resolved to several
  // addresses); read it by shape, as errors from another realm (jest's vm) fail instanceof.
  const cause = (error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new NotRunningError(`Parley is not running at ${base}: start it with \`parley dev\``, { cause: error });
  }
  return new Error(`cannot reach Parley at ${base}: ${cause?.message ?? String(error)}`, { cause: error });
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toApiError(status: number, json: unknown, text: string): ApiError {
  const parsed = apiErrorBody.safeParse(json);
  if (!parsed.success) return new ApiError(status, 'http_error', text.slice(0, 200) || 'no response body');
  const { code, message, details } = parsed.data.error;
  return new ApiError(status, code, message, details);
}
