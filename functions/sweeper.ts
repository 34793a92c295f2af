/**
 * The sweeper Lambda, run on a schedule: queues again whatever was stored but has waited too long
 * (a crash between storing and queueing, a record dropped after its retries). Everything older than
 * `STALE_AFTER_MINUTES` is assumed lost; queue records that turn out to be duplicates are no-ops.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { recoverPending } from '#lib/app/recover-pending';
import { loadConfig } from '#lib/config';
import { composeCore } from '#functions/composition/core';
import { logger } from '#functions/logger';

/** Longer than the generation queue's visibility timeout, so in-flight work is not swept. */
export const STALE_AFTER_MINUTES = 15;
/** Records re-queued per run; the next run takes the rest. */
export const SWEEP_BATCH = 500;

const deps = composeCore(loadConfig(), logger);

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const olderThan = new Date(deps.clock.now().getTime() - STALE_AFTER_MINUTES * 60_000);
    return recoverPending(deps, { olderThan, limit: SWEEP_BATCH });
  });
