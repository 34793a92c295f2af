/**
 * The inbox backfill: conversations stored before the inbox existed carry no inbox row, so they
 * would never be listed. This one-off migration finds them and computes their rows from their
 * messages. It runs in bounded steps (the stack's sweeper, the local runtime at start, or
 * `parley backfill-inbox`), each resuming from the cursor the last one saved; a step run twice, or
 * two at once, only computes the same rows again.
 */
import { INBOX_BACKFILL_BATCH } from '#lib/domain/limits/inbox';
import type { Deps } from '#lib/app/deps';
import { runMigrationSteps } from '#lib/app/migration-steps';

/** The migration's name: its progress item, and what the upgrade notes call it. */
export const INBOX_BACKFILL = 'inbox-backfill';

export type BackfillDeps = Pick<Deps, 'conversations' | 'migrations' | 'clock'>;

export interface BackfillResult {
  done: boolean;
  /** Conversations put in the inbox by this call. */
  migrated: number;
}

/**
 * Runs backfill steps until the migration is done or `deadline` (epoch ms) has passed; once done,
 * a call reads one item and returns.
 */
export async function backfillInbox(
  deps: BackfillDeps,
  options: { deadline?: number; batch?: number } = {},
): Promise<BackfillResult> {
  const { done, changed } = await runMigrationSteps(deps, INBOX_BACKFILL, options, async (cursor) => {
    const page = await deps.conversations.listConversationsOutsideInbox({
      limit: options.batch ?? INBOX_BACKFILL_BATCH,
      ...(cursor === undefined ? {} : { cursor }),
    });
    let added = 0;
    for (const { tenantId, conversationId } of page.items) {
      if (await deps.conversations.refreshInbox(tenantId, conversationId)) added += 1;
    }
    return { nextCursor: page.nextCursor, progressed: page.items.length, changed: added };
  });
  return { done, migrated: changed };
}
