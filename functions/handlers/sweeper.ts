/**
 * The sweeper function's handler, run on a schedule: queues again whatever was stored but has waited
 * too long (a crash between storing and queueing, a record dropped after its retries). Work of each
 * kind waiting longer than its `SWEEP_STALE_AFTER_SECONDS` (just past its queue's visibility
 * timeout) is assumed lost; queue records that turn out to be duplicates are no-ops. Then it erases
 * conversations that their accounts' retention has expired, a bounded number per run. Between the
 * two it runs the one-off migrations a slice at a time: the inbox backfill, and the knowledge
 * re-index for the embedding model the stack is configured with (reindex-migration.ts).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type BackfillDeps, backfillInbox } from '#lib/app/backfill-inbox';
import { expireConversations } from '#lib/app/expire-conversations';
import { recoverPending, staleCutoffs, SWEEP_STALE_AFTER_SECONDS } from '#lib/app/recover-pending';
import { INBOX_BACKFILL_SECONDS_PER_RUN } from '#lib/domain/limits/inbox';
import { REINDEX_SECONDS_PER_RUN } from '#lib/domain/limits/knowledge';
import { type ReindexMigrationDeps, reindexForModel } from '#lib/app/knowledge/reindex-migration';
import type { LambdaHandler } from '#functions/handlers/lambda-handler';
import { logger } from '#functions/logger';

/** Records re-queued per run; the next run takes the rest. */
export const SWEEP_BATCH = 500;

/**
 * What a sweep takes, the migrations it runs until they are done, and the retention expiry.
 * `embeddingModel` is the id the stack's embedder has (none offline): the sweeper builds no model.
 */
export type SweeperDeps = Parameters<typeof recoverPending>[0] &
  BackfillDeps &
  ReindexMigrationDeps &
  Parameters<typeof expireConversations>[0] & { embeddingModel?: string | undefined };

export type SweeperHandler = LambdaHandler<
  unknown,
  Awaited<ReturnType<typeof recoverPending>> & {
    inboxBackfill: Awaited<ReturnType<typeof backfillInbox>>;
    knowledgeReindex: Awaited<ReturnType<typeof reindexForModel>>;
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
      // Likewise once done for this model; a new model starts a new one.
      const reindexDeadline = deps.clock.now().getTime() + REINDEX_SECONDS_PER_RUN * 1000;
      // A failing step (S3 or the queue unavailable) is retried at the next run; expiry still runs.
      const knowledgeReindex = await reindexForModel(deps, deps.embeddingModel, { deadline: reindexDeadline }).catch(
        (error: unknown) => {
          logger.error('the knowledge re-index failed; the next run resumes it', { error: String(error) });
          return { done: false, queued: 0 };
        },
      );
      if (knowledgeReindex.queued > 0) {
        logger.info('re-indexing knowledge embedded by another model', {
          documents: knowledgeReindex.queued,
          model: deps.embeddingModel,
        });
      }
      return { ...recovered, inboxBackfill, knowledgeReindex, expired: await expireConversations(deps) };
    });
}
