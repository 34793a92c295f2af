/** The sweeper Lambda, run on a schedule: queues again stored work whose queue record was lost, and expires conversations (functions/handlers/sweeper.ts). */
import { loadConfig } from '#lib/config';
import { composeCore } from '#functions/composition/core';
import { createSweeperHandler } from '#functions/handlers/sweeper';
import { composeTimers } from '#functions/composition/timers';
import { logger } from '#functions/logger';

const config = loadConfig();
// Expiry erases conversations, so the sweeper cancels their schedules too.
export const handler = createSweeperHandler({ ...composeCore(config, logger), ...composeTimers(config) });
