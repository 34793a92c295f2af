/**
 * The HTTP edge: a route table as one API Gateway handler. Each request goes through the stages
 * in functions/http/pipeline/ in order (route matching, body size limit, authentication and rate
 * limiting, validation with body parsing, Idempotency-Key) and the route's handler; any error
 * becomes the contract's error body through the one table in error-responses.ts.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Deps } from '#lib/app/deps';
import { toErrorResult } from '#functions/http/error-responses';
import { authenticateCaller } from '#functions/http/pipeline/authenticate-caller';
import { readBody } from '#functions/http/pipeline/body-limit';
import { type CompiledRoute, compileRoutes, findRoute, matchRoute } from '#functions/http/pipeline/match-route';
import { parseRequestFields } from '#functions/http/pipeline/parse-body';
import { runOnce } from '#functions/http/pipeline/replay-idempotent';
import { validateRequest } from '#functions/http/pipeline/validate-request';
import type { AnyRoute, HttpResult } from '#functions/http/route';

/** Builds the request handler for a route table. */
export function createHttpHandler(routes: readonly AnyRoute[]) {
  const compiled = compileRoutes(routes);
  return async function handleHttp(
    deps: Deps,
    event: APIGatewayProxyEventV2,
  ): Promise<APIGatewayProxyStructuredResultV2> {
    try {
      return respond(await handleRequest(deps, compiled, event), event);
    } catch (error) {
      const result = toErrorResult(error);
      if (result.statusCode >= 500) logFailure(deps, compiled, event, error);
      return respond(result, event);
    }
  };
}

async function handleRequest(
  deps: Deps,
  compiled: readonly CompiledRoute[],
  event: APIGatewayProxyEventV2,
): Promise<HttpResult> {
  const method = methodOf(event);
  const path = event.rawPath;
  const matched = matchRoute(compiled, method, path);
  const { route } = matched;
  const rawBody = readBody(route, event);
  const tenantId = await authenticateCaller(deps, route, event.headers);
  const { params, query, body } = await validateRequest(route, {
    params: matched.params,
    query: event.queryStringParameters,
    readFields: () => parseRequestFields(route, event, rawBody),
  });
  const key = event.headers['idempotency-key'];
  return runOnce(deps, route, { tenantId, method, path, body, key }, (newId) =>
    route.handle(deps, { tenantId, params, query: query as never, body: body as never, newId }),
  );
}

function respond(result: HttpResult, event: APIGatewayProxyEventV2): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: result.statusCode,
    headers: { 'content-type': 'application/json', 'x-request-id': event.requestContext.requestId, ...result.headers },
    body: result.body === undefined ? '' : JSON.stringify(result.body),
  };
}

function logFailure(deps: Deps, compiled: readonly CompiledRoute[], event: APIGatewayProxyEventV2, error: unknown) {
  const method = methodOf(event);
  // The route's template, not the path: a path holds client ids such as an e-mail address.
  const route = findRoute(compiled, method, event.rawPath)?.route.path ?? 'unmatched';
  deps.logger.error('request failed', {
    requestId: event.requestContext.requestId,
    method,
    route,
    error: describe(error),
  });
}

function methodOf(event: APIGatewayProxyEventV2): string {
  return event.requestContext.http.method.toUpperCase();
}

function describe(error: unknown): Record<string, unknown> {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { value: String(error) };
}
