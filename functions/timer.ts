/**
 * The timer Lambda: EventBridge Scheduler invokes it with a timer's payload and it sends the
 * follow-up or nudge (functions/handlers/timer.ts).
 */
import { loadConfig } from '#lib/config';
import { composeCore } from '#functions/composition/core';
import { composeModels } from '#functions/composition/models';
import { composeTimers } from '#functions/composition/timers';
import { createTimerHandler } from '#functions/handlers/timer';
import { logger } from '#functions/logger';

const config = loadConfig();
export const handler = createTimerHandler({
  ...composeCore(config, logger),
  ...(await composeModels(config, logger)),
  ...composeTimers(config),
});
