/** The API function's handler: every HTTP route of the contract, behind API Gateway's HTTP API. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Deps } from '#lib/app/deps';
import type { LambdaHandler } from '#functions/handlers/lambda-handler';
import { createHttpHandler } from '#functions/http/router';
import { routes } from '#functions/http/routes/index';
import { logger } from '#functions/logger';

/** The routes between them use every port, so the api takes them all. */
export type ApiDeps = Deps;

export type ApiHandler = LambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

export function createApiHandler(deps: ApiDeps): ApiHandler {
  const handleHttp = createHttpHandler(routes);
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler((event) => handleHttp(deps, event));
}
