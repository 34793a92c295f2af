/**
 * How a one-off migration runs in bounded steps (the inbox backfill, the knowledge re-index): its
 * progress item holds a cursor, each step starts there and saves the next, so a step cut short by a
 * timeout or a crash is taken again from the last cursor saved; once done, a run reads the item.
 */
import type { Deps } from '#lib/app/deps';

/** What one step did: where the next starts (null: done), items it counts in the progress, and in the result. */
export interface MigrationStep {
  nextCursor: string | null;
  progressed: number;
  changed: number;
}

/** Runs `step` from the saved cursor until the migration `name` is done or `deadline` (epoch ms) has passed. */
export async function runMigrationSteps(
  deps: Pick<Deps, 'migrations' | 'clock'>,
  name: string,
  options: { deadline?: number },
  step: (cursor: string | undefined) => Promise<MigrationStep>,
): Promise<{ done: boolean; changed: number }> {
  const progress = (await deps.migrations.getMigration(name)) ?? {
    name,
    done: false,
    migrated: 0,
    updatedAt: deps.clock.now().toISOString(),
  };
  let changed = 0;
  while (!progress.done) {
    const result = await step(progress.cursor);
    changed += result.changed;
    progress.done = result.nextCursor === null;
    progress.migrated += result.progressed;
    progress.updatedAt = deps.clock.now().toISOString();
    if (result.nextCursor === null) delete progress.cursor;
    else progress.cursor = result.nextCursor;
    await deps.migrations.saveMigration(progress);
    if (options.deadline !== undefined && deps.clock.now().getTime() >= options.deadline) break;
  }
  return { done: progress.done, changed };
}
