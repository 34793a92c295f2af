/** The API Lambda: every HTTP route of the contract, behind API Gateway's HTTP API. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { loadConfig } from '#lib/config';
import { composeDeps } from '#functions/composition';
import { createHttpHandler } from '#functions/http/router';
import { routes } from '#functions/http/routes/index';
import { logger } from '#functions/logger';

const deps = await composeDeps(loadConfig(), logger);
const handleHttp = createHttpHandler(routes);

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event) => handleHttp(deps, event));
