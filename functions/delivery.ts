/** The delivery Lambda: consumes the delivery queue and POSTs signed webhooks. */
import { loadConfig } from '#lib/config';
import { composeCore } from '#functions/composition/core';
import { createDeliveryHandler } from '#functions/handlers/delivery';
import { logger } from '#functions/logger';

export const handler = createDeliveryHandler(composeCore(loadConfig(), logger));
