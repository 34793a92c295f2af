/**
 * The sweeper function's handler, run on a schedule: queues again whatever was stored but has waited
 * too long (a crash between storing and queueing, a record dropped after its retries). Work of each
 * kind waiting longer than its `SWEEP_STALE_AFTER_SECONDS` (just past its queue's visibility
 * timeout) is assumed lost; queue records that turn out to be duplicates are no-ops.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type BackfillDeps, backfillInbox } from '#lib/app/backfill-inbox';
import { recoverPending, staleCutoffs, SWEEP_STALE_AFTER_SECONDS } from '#lib/app/recover-pending';
import { INBOX_BACKFILL_SECONDS_PER_RUN } from '#lib/domain/limits/inbox';
import type { LambdaHandler } from '#functions/handlers/lambda-handler';
import { logger } from '#functions/logger';

/** Records re-queued per run; the next run takes the rest. */
export const SWEEP_BATCH = 500;

/** What a sweep takes, and the inbox backfill it runs until that is done. */
export type SweeperDeps = Parameters<typeof recoverPending>[0] & BackfillDeps;

export type SweeperHandler = LambdaHandler<
  unknown,
  Awaited<ReturnType<typeof recoverPending>> & { inboxBackfill: Awaited<ReturnType<typeof backfillInbox>> }
>;

export function createSweeperHandler(deps: SweeperDeps): SweeperHandler {
  return middy()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async () => {
      const olderThan = staleCutoffs(deps.clock.now(), SWEEP_STALE_AFTER_SECONDS);
      const recovered = await recoverPending(deps, { olderThan, limit: SWEEP_BATCH });
      // Once done, this is one read of the progress item per run.
      const deadline = deps.clock.now().getTime() + INBOX_BACKFILL_SECONDS_PER_RUN * 1000;
      return { ...recovered, inboxBackfill: await backfillInbox(deps, { deadline }) };
    });
}
