/**
 * Re-indexing a deployed stack's knowledge after its embedding model changed (reindex-knowledge.ts,
 * for every tenant), as a migration keyed by the model: its progress item records a cursor over
 * the tenants, so it runs in bounded steps (the stack's sweeper, or `parley reindex-knowledge`)
 * that resume where the last one stopped, and is done once per model. Switching model again starts
 * another; a step run twice, or two at once, only queues the same documents again, which ingest once.
 */
import type { Deps } from '#lib/app/deps';
import { type ReindexDeps, reindexKnowledge } from '#lib/app/knowledge/reindex-knowledge';
import { REINDEX_SCAN_BATCH } from '#lib/domain/limits/knowledge';
import { runMigrationSteps } from '#lib/app/migration-steps';

/** The migration's name for `model`: its progress item, and what the deploy guide calls it. */
export const knowledgeReindexName = (model: string): string => `knowledge-reindex:${model}`;

export type ReindexMigrationDeps = ReindexDeps & Pick<Deps, 'tenants' | 'migrations' | 'clock'>;

export interface ReindexMigrationResult {
  done: boolean;
  /** Documents queued for ingestion by this call. */
  queued: number;
}

/**
 * Runs re-index steps for `model` until done or `deadline` (epoch ms) has passed; once done, a call
 * reads one item and returns. Without a model (offline: nothing is embedded) it does nothing.
 */
export async function reindexForModel(
  deps: ReindexMigrationDeps,
  model: string | undefined,
  options: { deadline?: number; batch?: number } = {},
): Promise<ReindexMigrationResult> {
  if (!model) return { done: true, queued: 0 };
  const name = knowledgeReindexName(model);
  const { done, changed } = await runMigrationSteps(deps, name, options, async (cursor) => {
    const page = await deps.tenants.scanTenantIds({
      limit: options.batch ?? REINDEX_SCAN_BATCH,
      ...(cursor === undefined ? {} : { cursor }),
    });
    let queued = 0;
    for (const tenantId of page.items) queued += await reindexKnowledge(deps, tenantId, model);
    return { nextCursor: page.nextCursor, progressed: queued, changed: queued };
  });
  return { done, queued: changed };
}
