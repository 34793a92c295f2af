/** The sweeper Lambda, run on a schedule: queues again stored work whose queue record was lost (functions/handlers/sweeper.ts). */
import { loadConfig } from '#lib/config';
import { composeCore } from '#functions/composition/core';
import { createSweeperHandler } from '#functions/handlers/sweeper';
import { logger } from '#functions/logger';

export const handler = createSweeperHandler(composeCore(loadConfig(), logger));
