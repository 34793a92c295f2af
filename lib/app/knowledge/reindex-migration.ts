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
  const progress = (await deps.migrations.getMigration(name)) ?? {
    name,
    done: false,
    migrated: 0,
    updatedAt: deps.clock.now().toISOString(),
  };
  let queued = 0;
  while (!progress.done) {
    const page = await deps.tenants.scanTenantIds({
      limit: options.batch ?? REINDEX_SCAN_BATCH,
      ...(progress.cursor === undefined ? {} : { cursor: progress.cursor }),
    });
    let step = 0;
    for (const tenantId of page.items) step += await reindexKnowledge(deps, tenantId, model);
    queued += step;
    progress.done = page.nextCursor === null;
    progress.migrated += step;
    progress.updatedAt = deps.clock.now().toISOString();
    if (page.nextCursor === null) delete progress.cursor;
    else progress.cursor = page.nextCursor;
    await deps.migrations.saveMigration(progress);
    if (options.deadline !== undefined && deps.clock.now().getTime() >= options.deadline) break;
  }
  return { done: progress.done, queued };
}
