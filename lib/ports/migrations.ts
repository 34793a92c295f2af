/** One-off data migrations' progress, so a migration run in steps resumes where it stopped. */

/** Where a migration stands: `cursor` is where its next step starts; `done` once finished. */
export interface MigrationProgress {
  name: string;
  done: boolean;
  cursor?: string;
  /** Items it has changed so far. */
  migrated: number;
  updatedAt: string;
}

export interface MigrationStore {
  getMigration(name: string): Promise<MigrationProgress | undefined>;
  /** Records progress; a step that ran twice records the same thing twice, which is harmless. */
  saveMigration(progress: MigrationProgress): Promise<void>;
}
