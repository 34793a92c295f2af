/** The API Lambda: every HTTP route of the contract, behind API Gateway's HTTP API. */
import { loadConfig } from '#lib/config';
import { composeDeps } from '#functions/composition';
import { createApiHandler } from '#functions/handlers/api';
import { logger } from '#functions/logger';

export const handler = createApiHandler(await composeDeps(loadConfig(), logger));
