/**
 * API Gateway's HTTP API in front of the template's functions, on loopback: requests are matched
 * against the template's routes (most specific first, `$default` last), turned into payload 2.0
 * events, and sent to the integration's function only where one of its Lambda permissions lets
 * API Gateway invoke it for that route's ARN; otherwise API Gateway's bare 500, as AWS answers.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { LambdaRunner } from './lambda-runner.ts';
import type { Json, StackEnvironment } from './template.ts';

/** API Gateway refuses larger request bodies with 413. */
export const HTTP_API_MAX_BODY_BYTES = 10 * 1024 * 1024;

const INTERNAL_SERVER_ERROR = { message: 'Internal Server Error' };
const NOT_FOUND = { message: 'Not Found' };

export interface HttpApiRoute {
  /** `GET /v1/ais/{id}`, `ANY /{proxy+}` or `$default`. */
  routeKey: string;
  /** The function the route's AWS_PROXY integration invokes (its ARN). */
  functionArn: string;
}

/** A Lambda permission as the template grants it. */
export interface LambdaPermission {
  functionArn: string;
  principal: string;
  sourceArn?: string;
}

export interface HttpApiOptions {
  apiId: string;
  env: StackEnvironment;
  routes: HttpApiRoute[];
  permissions: LambdaPermission[];
  /** The runner of each function, by ARN. */
  functions: Map<string, LambdaRunner>;
}

/** One request the API served, for assertions. */
export interface HttpApiRecord {
  method: string;
  path: string;
  routeKey: string | undefined;
  status: number;
  /** Why API Gateway answered by itself, if it did. */
  refusal?: 'no route' | 'no permission' | 'function error';
}

export interface RunningHttpApi {
  url: string;
  records: HttpApiRecord[];
  stop(): Promise<void>;
}

/** Whether `pattern` (with `*` and `?` as IAM and Lambda read them) matches `value`. */
export function arnLike(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

/** The ARN API Gateway invokes a route's integration with: `…:<api-id>/<stage>/<METHOD>/<path>`. */
export function executeApiArn(env: StackEnvironment, apiId: string, routeKey: string, stage = '$default'): string {
  const base = `arn:${env.partition}:execute-api:${env.region}:${env.accountId}:${apiId}/${stage}`;
  if (routeKey === '$default') return `${base}/$default`;
  const [method, path] = routeKey.split(' ') as [string, string];
  return `${base}/${method === 'ANY' ? '*' : method}${path}`;
}

interface Match {
  route: HttpApiRoute;
  pathParameters: Record<string, string>;
}

/** The route API Gateway picks: exact paths over parameters, parameters over greedy ones, `$default` last. */
export function matchRoute(routes: HttpApiRoute[], method: string, path: string): Match | undefined {
  let best: { match: Match; score: number } | undefined;
  const segments = path.split('/').slice(1);
  for (const route of routes) {
    if (route.routeKey === '$default') continue;
    const [routeMethod, routePath] = route.routeKey.split(' ') as [string, string];
    if (routeMethod !== 'ANY' && routeMethod !== method) continue;
    const parts = routePath.split('/').slice(1);
    const pathParameters: Record<string, string> = {};
    let score = 0;
    let matched = true;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      const greedy = /^\{(.+)\+\}$/.exec(part);
      if (greedy) {
        const rest = segments.slice(i).join('/');
        if (i !== parts.length - 1 || rest === '') matched = false;
        else pathParameters[greedy[1] as string] = decodeURIComponent(rest);
        score += 1;
        break;
      }
      const segment = segments[i];
      if (segment === undefined) {
        matched = false;
        break;
      }
      const parameter = /^\{(.+)\}$/.exec(part);
      if (parameter) {
        if (segment === '') matched = false;
        pathParameters[parameter[1] as string] = decodeURIComponent(segment);
        score += 100;
      } else if (part === segment) {
        score += 10_000;
      } else {
        matched = false;
      }
      if (!matched) break;
    }
    const greedyRoute = parts.some((part) => part.endsWith('+}'));
    if (matched && !greedyRoute && parts.length !== segments.length) matched = false;
    if (!matched) continue;
    const total = score + (routeMethod === 'ANY' ? 0 : 1);
    if (!best || total > best.score) best = { match: { route, pathParameters }, score: total };
  }
  if (best) return best.match;
  const fallback = routes.find((route) => route.routeKey === '$default');
  return fallback ? { route: fallback, pathParameters: {} } : undefined;
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > HTTP_API_MAX_BODY_BYTES) {
        resolve(undefined);
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript)|[^;]*\+json|[^;]*\+xml)/i;

function toEvent(
  options: HttpApiOptions,
  request: IncomingMessage,
  match: Match,
  body: Buffer,
): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') {
      cookies = [value].flat().flatMap((c) => c.split(/;\s*/));
      continue;
    }
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || TEXT_TYPES.test(contentType);
  const now = new Date();
  const method = request.method ?? 'GET';
  return {
    version: '2.0',
    routeKey: match.route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(match.pathParameters).length > 0 ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: options.env.accountId,
      apiId: options.apiId,
      domainName: `${options.apiId}.execute-api.${options.env.region}.amazonaws.com`,
      domainPrefix: options.apiId,
      http: {
        method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: match.route.routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: !isText,
  };
}

function sendJson(response: ServerResponse, status: number, body: Json): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** Writes a payload 2.0 result as API Gateway would. */
function sendResult(response: ServerResponse, result: unknown): number {
  const structured =
    result !== null && typeof result === 'object' && 'statusCode' in result
      ? (result as APIGatewayProxyStructuredResultV2)
      : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
  const status = structured.statusCode ?? 200;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  const body = structured.body ?? '';
  response.writeHead(status, headers);
  response.end(structured.isBase64Encoded ? Buffer.from(body, 'base64') : body);
  return status;
}

/** Starts the HTTP API on a free loopback port. */
export async function startHttpApi(options: HttpApiOptions): Promise<RunningHttpApi> {
  const records: HttpApiRecord[] = [];
  const server: Server = createServer(async (request, response) => {
    const method = request.method ?? 'GET';
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const record = (status: number, routeKey: string | undefined, refusal?: HttpApiRecord['refusal']) =>
      records.push({ method, path, routeKey, status, ...(refusal ? { refusal } : {}) });
    const body = await readBody(request);
    if (!body) {
      record(413, undefined);
      return sendJson(response, 413, { message: 'Request Entity Too Large' });
    }
    const match = matchRoute(options.routes, method, path);
    if (!match) {
      record(404, undefined, 'no route');
      return sendJson(response, 404, NOT_FOUND);
    }
    const { routeKey, functionArn } = match.route;
    const sourceArn = executeApiArn(options.env, options.apiId, routeKey);
    const allowed = options.permissions.some(
      (p) =>
        p.functionArn === functionArn &&
        p.principal === 'apigateway.amazonaws.com' &&
        (p.sourceArn === undefined || arnLike(p.sourceArn, sourceArn)),
    );
    const runner = options.functions.get(functionArn);
    if (!allowed || !runner) {
      record(500, routeKey, 'no permission');
      return sendJson(response, 500, INTERNAL_SERVER_ERROR);
    }
    const outcome = await runner.invoke(toEvent(options, request, match, body));
    if (!outcome.ok) {
      record(500, routeKey, 'function error');
      return sendJson(response, 500, INTERNAL_SERVER_ERROR);
    }
    record(sendResult(response, outcome.result), routeKey);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    records,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
