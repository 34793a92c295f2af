/**
 * The HTTP edge in one place: route matching, size limit, authentication, JSON parsing, zod
 * validation, Idempotency-Key, and mapping every error to the contract's error body.
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { authenticateRequest } from '#lib/app/authenticate';
import type { Deps } from '#lib/app/deps';
import { runIdempotent } from '#lib/app/idempotency';
import {
  type ErrorDetail,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '#lib/domain/errors';
import { MAX_BODY_BYTES, MAX_IDEMPOTENCY_KEY_CHARS } from '#lib/domain/limits';
import { toErrorResult } from '#functions/http/error-responses';
import type { HttpResult, Route } from '#functions/http/route';

type AnyRoute = Route<never, never>;

interface CompiledRoute {
  route: AnyRoute;
  pattern: RegExp;
  names: string[];
}

/** Matches requests against a route table; a trailing slash is optional. */
export function compileRoutes(routes: readonly AnyRoute[]): CompiledRoute[] {
  return routes.map((route) => {
    const names: string[] = [];
    const source = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { route, names, pattern: new RegExp(`^${source}/?$`) };
  });
}

function match(compiled: CompiledRoute[], method: string, path: string) {
  for (const c of compiled) {
    if (c.route.method !== method) continue;
    const m = c.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    c.names.forEach((name, i) => {
      params[name] = safeDecode(m[i + 1] ?? '', name);
    });
    return { route: c.route, params };
  }
  return undefined;
}

function safeDecode(segment: string, name: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ValidationError(`path parameter ${name} is not valid URL encoding`, {
      details: [{ path: name, message: 'bad URL encoding' }],
    });
  }
}

/** zod issues → the contract's `details`, one per offending field (unknown fields named one by one). */
export function toDetails(error: z.ZodError, prefix = ''): ErrorDetail[] {
  return error.issues.flatMap((issue) => {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: base ? `${base}.${key}` : key, message: 'unknown field' }));
    }
    return [{ path: base || prefix || 'body', message: issue.message }];
  });
}

function validate<T>(schema: z.ZodType<T>, value: unknown, what: string, prefix = ''): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(`invalid ${what}`, { details: toDetails(result.error, prefix) });
  return result.data;
}

function readBody(event: APIGatewayProxyEventV2, limit: number): Buffer | undefined {
  if (event.body === undefined || event.body === null) return undefined;
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.byteLength > limit) {
    throw new PayloadTooLargeError(`request body is ${bytes.byteLength} bytes; the limit is ${limit}`);
  }
  return bytes;
}

/** The request body as the route's schema expects it: parsed JSON, or multipart fields where the route takes them. */
async function parseBody(route: AnyRoute, event: APIGatewayProxyEventV2, raw: Buffer | undefined): Promise<unknown> {
  const contentType = (event.headers['content-type'] ?? '').toLowerCase();
  // The boundary is case-sensitive, and browsers put capitals in theirs: the parser gets it as sent.
  if (route.multipart && contentType.startsWith('multipart/form-data'))
    return parseMultipart(raw, event.headers['content-type'] ?? contentType);
  if (route.multipart && contentType !== '' && !/^application\/(.+\+)?json\b/.test(contentType)) {
    throw new UnsupportedMediaTypeError(`a ${contentType.split(';')[0]} body is not accepted here`, {
      details: [{ path: 'body', message: 'send JSON, or multipart/form-data with the file in field "file"' }],
    });
  }
  return parseJson(raw?.toString('utf8'));
}

/** The body, or for routes that merge the query string in, the query's fields under the body's. */
async function requestFields(
  route: AnyRoute,
  event: APIGatewayProxyEventV2,
  raw: Buffer | undefined,
): Promise<unknown> {
  if (!route.mergeQueryIntoBody) return parseBody(route, event, raw);
  const body = raw === undefined || raw.toString('utf8').trim() === '' ? {} : await parseBody(route, event, raw);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  return { ...event.queryStringParameters, ...body };
}

/**
 * multipart/form-data through the platform's own parser (undici's, behind `Response.formData`):
 * files become `{filename, content_type, data}`, other fields strings.
 */
async function parseMultipart(raw: Buffer | undefined, contentType: string): Promise<Record<string, unknown>> {
  let form: FormData;
  try {
    form = await new Response(raw ?? Buffer.alloc(0), { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    throw new ValidationError('request body is not valid multipart/form-data', {
      details: [{ path: 'body', message: String((error as Error).message) }],
    });
  }
  const fields: Record<string, unknown> = {};
  for (const [name, value] of form.entries()) {
    fields[name] =
      typeof value === 'string'
        ? value
        : { filename: value.name, content_type: value.type, data: new Uint8Array(await value.arrayBuffer()) };
  }
  return fields;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') {
    throw new ValidationError('request body is required', { details: [{ path: 'body', message: 'required' }] });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError('request body is not valid JSON', {
      details: [{ path: 'body', message: String((error as Error).message) }],
    });
  }
}

function apiKeyOf(headers: APIGatewayProxyEventV2['headers']): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]?.trim();
  // `2hd-api-key` is Maax AI's header, so a client written for Maax keeps working.
  return bearer || headers['x-api-key']?.trim() || headers['2hd-api-key']?.trim() || undefined;
}

/**
 * A stable digest of what makes two requests "the same" for Idempotency-Key purposes. An uploaded
 * file counts by its digest (not its multipart framing, which differs on every retry).
 */
function fingerprint(method: string, path: string, body: unknown): string {
  const canonical = JSON.stringify(body ?? null, (_, value) => {
    if (value instanceof Uint8Array) return { sha256: createHash('sha256').update(value).digest('hex') };
    return value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value;
  });
  return createHash('sha256').update(`${method} ${path}\n${canonical}`).digest('hex');
}

function respond(result: HttpResult, requestId: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: result.statusCode,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...result.headers },
    body: result.body === undefined ? '' : JSON.stringify(result.body),
  };
}

/** Builds the request handler for a route table. */
export function createHttpHandler(routes: readonly AnyRoute[]) {
  const compiled = compileRoutes(routes);
  return async function handleHttp(
    deps: Deps,
    event: APIGatewayProxyEventV2,
  ): Promise<APIGatewayProxyStructuredResultV2> {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath;
    const requestId = event.requestContext.requestId;
    try {
      const found = match(compiled, method, path);
      if (!found) throw new NotFoundError(`no endpoint ${method} ${path}`);
      const { route } = found;
      const rawBody = readBody(event, route.maxBodyBytes ?? MAX_BODY_BYTES);
      const tenantId = route.auth ? (await authenticateRequest(deps, apiKeyOf(event.headers))).tenantId : '';
      const params = { ...found.params };
      for (const [name, schema] of Object.entries(route.params ?? {})) {
        params[name] = validate(schema, found.params[name], `path parameter ${name}`, name);
      }
      const query = route.query ? validate(route.query, event.queryStringParameters ?? {}, 'query string') : undefined;
      const body = route.body
        ? validate(route.body, await requestFields(route, event, rawBody), 'request body')
        : undefined;
      const run = (newId: string) =>
        route.handle(deps, { tenantId, params, query: query as never, body: body as never, newId });
      const key = event.headers['idempotency-key'];
      if (!route.creates) return respond(await run(''), requestId);
      if (!key) return respond(await run(deps.ids.newId(route.creates.idPrefix)), requestId);
      if (key.length > MAX_IDEMPOTENCY_KEY_CHARS) {
        throw new ValidationError('Idempotency-Key is too long', {
          details: [{ path: 'Idempotency-Key', message: `at most ${MAX_IDEMPOTENCY_KEY_CHARS} characters` }],
        });
      }
      const result = await runIdempotent(
        deps,
        { tenantId, key, fingerprint: fingerprint(method, path, body), idPrefix: route.creates.idPrefix },
        async (newId) => {
          const r = await run(newId);
          return { statusCode: r.statusCode, body: r.body };
        },
      );
      return respond(
        {
          statusCode: result.statusCode,
          body: result.body,
          ...(result.replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
        },
        requestId,
      );
    } catch (error) {
      const result = toErrorResult(error);
      if (result.statusCode >= 500) {
        // The route's template, not the path: a path holds client ids such as an e-mail address.
        const route = compiled.find((c) => c.route.method === method && c.pattern.test(path))?.route.path;
        deps.logger.error('request failed', { requestId, method, route: route ?? 'unmatched', error: describe(error) });
      }
      return respond(result, requestId);
    }
  };
}

function describe(error: unknown): Record<string, unknown> {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { value: String(error) };
}
