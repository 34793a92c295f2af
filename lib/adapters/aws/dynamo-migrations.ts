/**
 * One-off migrations' progress, one item per migration. It belongs to no tenant, so its partition
 * is `PARLEY#MIGRATIONS`: tenant partitions all start with `T#`, so it cannot meet one.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTableAdapter, getRecord } from '#lib/adapters/aws/dynamo-context';
import type { ItemKey } from '#lib/adapters/aws/dynamo-keys';
import type { MigrationProgress, MigrationStore } from '#lib/ports/migrations';

const migrationKey = (name: string): ItemKey => ({ pk: 'PARLEY#MIGRATIONS', sk: name });

/** The MigrationStore port on the single table. */
export class DynamoMigrationStore extends DynamoTableAdapter implements MigrationStore {
  getMigration(name: string): Promise<MigrationProgress | undefined> {
    return getRecord<MigrationProgress>(this.ctx, migrationKey(name));
  }

  async saveMigration(progress: MigrationProgress): Promise<void> {
    await this.ctx.client.send(
      new PutCommand({ TableName: this.ctx.tableName, Item: { ...progress, ...migrationKey(progress.name) } }),
    );
  }
}
