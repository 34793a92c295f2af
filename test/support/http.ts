/** Calls the API's route table in-process with API Gateway v2 events, as the API Lambda receives them. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createHttpHandler } from '#functions/http/router';
import { routes } from '#functions/http/routes/index';
import type { Deps } from '#lib/app/deps';

let counter = 0;

export function apiEvent(
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; query?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const [rawPath = '', rawQuery = ''] = path.split('?');
  const query = options.query ?? Object.fromEntries(new URLSearchParams(rawQuery));
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  counter++;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: rawQuery,
    headers: { 'content-type': 'application/json', ...options.headers },
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'test',
      apiId: 'test',
      domainName: 'test',
      domainPrefix: 'test',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: `req-${counter}`,
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
}

/** A client bound to one API key: `call('POST', '/v1/ais', body)` → status, parsed body, headers. */
export function httpClient(deps: Deps, apiKey: string) {
  const handle = createHttpHandler(routes);
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const result = await handle(
      deps,
      apiEvent(method, path, { body, headers: { authorization: `Bearer ${apiKey}`, ...headers } }),
    );
    return {
      status: result.statusCode ?? 0,
      // biome-ignore lint/suspicious/noExplicitAny: tests read response JSON of many shapes; assertions check them
      body: (result.body ? JSON.parse(result.body) : undefined) as any,
      headers: (result.headers ?? {}) as Record<string, string>,
    };
  };
}
