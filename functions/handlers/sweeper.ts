/**
 * The sweeper function's handler, run on a schedule: queues again whatever was stored but has waited
 * too long (a crash between storing and queueing, a record dropped after its retries). Work of each
 * kind waiting longer than its `SWEEP_STALE_AFTER_SECONDS` (just past its queue's visibility
 * timeout) is assumed lost; queue records that turn out to be duplicates are no-ops. Then it erases
 * conversations that their accounts' retention has expired, a bounded number per run.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type BackfillDeps, backfillInbox } from '#lib/app/backfill-inbox';
import { expireConversations } from '#lib/app/expire-conversations';
import { recoverPending, staleCutoffs, SWEEP_STALE_AFTER_SECONDS } from '#lib/app/recover-pending';
import { INBOX_BACKFILL_SECONDS_PER_RUN } from '#lib/domain/limits/inbox';
import type { LambdaHandler } from '#functions/handlers/lambda-handler';
import { logger } from '#functions/logger';

/** Records re-queued per run; the next run takes the rest. */
export const SWEEP_BATCH = 500;

/** What a sweep takes, the inbox backfill it runs until that is done, and the retention expiry. */
export type SweeperDeps = Parameters<typeof recoverPending>[0] &
  BackfillDeps &
  Parameters<typeof expireConversations>[0];

export type SweeperHandler = LambdaHandler<
  unknown,
  Awaited<ReturnType<typeof recoverPending>> & {
    inboxBackfill: Awaited<ReturnType<typeof backfillInbox>>;
    expired: Awaited<ReturnType<typeof expireConversations>>;
  }
>;

export function createSweeperHandler(deps: SweeperDeps): SweeperHandler {
  return middy()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async () => {
      const olderThan = staleCutoffs(deps.clock.now(), SWEEP_STALE_AFTER_SECONDS);
      const recovered = await recoverPending(deps, { olderThan, limit: SWEEP_BATCH });
      // Once done, this is one read of the progress item per run.
      const deadline = deps.clock.now().getTime() + INBOX_BACKFILL_SECONDS_PER_RUN * 1000;
      const inboxBackfill = await backfillInbox(deps, { deadline });
      return { ...recovered, inboxBackfill, expired: await expireConversations(deps) };
    });
}
