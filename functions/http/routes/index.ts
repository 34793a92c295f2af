import type { Route } from '#functions/http/route';
import { buildOpenApiDocument } from '#functions/http/openapi';
import { aiRoutes } from '#functions/http/routes/ai-routes';
import { dataRightsRoutes } from '#functions/http/routes/data-rights-routes';
import { deliveryRoutes } from '#functions/http/routes/delivery-routes';
import { apiKeyRoutes } from '#functions/http/routes/api-key-routes';
import { inboxRoutes } from '#functions/http/routes/inbox-routes';
import { knowledgeRoutes } from '#functions/http/routes/knowledge-routes';
import { maaxRoutes } from '#functions/http/routes/maax-routes';
import { messageRoutes } from '#functions/http/routes/message-routes';
import { setupRoutes } from '#functions/http/routes/setup-routes';
import { testRunRoutes } from '#functions/http/routes/test-run-routes';
import { testSetRoutes } from '#functions/http/routes/test-set-routes';
import { v1ConversationRoutes } from '#functions/http/routes/v1-conversation-routes';

export const API_VERSION = '0.1.0';

const apiRoutes = [
  ...setupRoutes,
  ...aiRoutes,
  ...testSetRoutes,
  ...knowledgeRoutes,
  ...v1ConversationRoutes,
  ...messageRoutes,
  ...inboxRoutes,
  ...dataRightsRoutes,
  ...deliveryRoutes,
  ...testRunRoutes,
  ...apiKeyRoutes,
  ...maaxRoutes,
] as unknown as Route<never, never>[];

let openApiDocument: unknown;

const publicRoutes = [
  {
    method: 'GET',
    path: '/health',
    summary: 'Liveness: 200 when the API answers.',
    tags: ['Operations'],
    auth: false,
    responses: { 200: { description: 'Up.' } },
    handle: async () => ({ statusCode: 200, body: { status: 'ok', version: API_VERSION } }),
  },
  {
    method: 'GET',
    path: '/openapi.json',
    summary: 'This API, as an OpenAPI 3.1 document generated from the schemas that validate requests.',
    tags: ['Operations'],
    auth: false,
    responses: { 200: { description: 'The OpenAPI document.' } },
    handle: async () => {
      openApiDocument ??= buildOpenApiDocument(routes, API_VERSION);
      return { statusCode: 200, body: openApiDocument };
    },
  },
] satisfies Route<never, never>[];

/** Every endpoint Parley serves. Tests and the CDK stack read this table, so no route is missed. */
export const routes: readonly Route<never, never>[] = [...publicRoutes, ...apiRoutes];
