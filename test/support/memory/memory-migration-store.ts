/** The MigrationStore port in memory. */
import { clone } from '#test/support/memory/memory-records';
import type { MigrationProgress, MigrationStore } from '#lib/ports/migrations';

export class MemoryMigrationStore implements MigrationStore {
  private readonly migrations = new Map<string, MigrationProgress>();

  async getMigration(name: string): Promise<MigrationProgress | undefined> {
    return clone(this.migrations.get(name));
  }
  async saveMigration(progress: MigrationProgress): Promise<void> {
    this.migrations.set(progress.name, clone(progress));
  }
}
