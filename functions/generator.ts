/** The generator Lambda: consumes the FIFO generation queue and answers conversations. */
import { loadConfig } from '#lib/config';
import { composeDeps } from '#functions/composition';
import { createGeneratorHandler } from '#functions/handlers/generator';
import { logger } from '#functions/logger';

export const handler = createGeneratorHandler(await composeDeps(loadConfig(), logger));
