/**
 * A local data dir made before gsi2 existed: dynalite cannot add an index to a table, so the
 * runtime rebuilds the table through a spare copy. Every item survives, the index is there, and a
 * rebuild stopped after the old table was dropped finishes at the next start.
 */
import { readFileSync } from 'node:fs';
import {
  type AttributeValue,
  DeleteTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { ensureCurrentTable } from '#local/upgrade-table';
import { type RunningDynalite, startDynalite } from '#test/support/dynalite';
import { createTableWithoutInbox as createOldTable } from '#test/support/pre-inbox-table';

const items = JSON.parse(
  readFileSync(new URL('../fixtures/stored-items/items.json', import.meta.url), 'utf8'),
) as Record<string, AttributeValue>[];

let dynalite: RunningDynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite.stop();
});

/** The table as it was made before gsi2, holding the stored-items fixtures. */
async function createTableWithoutInbox(tableName: string): Promise<void> {
  await createOldTable(dynalite.client, tableName);
  for (const item of items) await dynalite.client.send(new PutItemCommand({ TableName: tableName, Item: item }));
}

const indexesOf = async (tableName: string) =>
  ((await dynalite.client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.GlobalSecondaryIndexes ?? [])
    .map((index) => index.IndexName)
    .sort();
const countOf = async (tableName: string) =>
  (await dynalite.client.send(new ScanCommand({ TableName: tableName, Select: 'COUNT' }))).Count;

describe('ensureCurrentTable', () => {
  it('rebuilds a table made before gsi2 with every item kept', async () => {
    await createTableWithoutInbox('parley-old');

    await ensureCurrentTable(dynalite.client, 'parley-old');

    expect(await indexesOf('parley-old')).toEqual(['gsi1', 'gsi2']);
    expect(await countOf('parley-old')).toBe(items.length);
  });

  it('finishes a rebuild stopped after the old table was dropped, from the complete spare copy', async () => {
    await createTableWithoutInbox('parley-stopped');
    await createTableWithoutInbox('parley-stopped-upgrade');
    await dynalite.client.send(
      new PutItemCommand({
        TableName: 'parley-stopped-upgrade',
        Item: { pk: { S: 'PARLEY#UPGRADE' }, sk: { S: 'COPIED' } },
      }),
    );
    await dynalite.client.send(new DeleteTableCommand({ TableName: 'parley-stopped' }));

    await ensureCurrentTable(dynalite.client, 'parley-stopped');

    expect(await indexesOf('parley-stopped')).toEqual(['gsi1', 'gsi2']);
    expect(await countOf('parley-stopped')).toBe(items.length);
    expect(
      await dynalite.client.send(new DescribeTableCommand({ TableName: 'parley-stopped-upgrade' })).catch(() => 'gone'),
    ).toBe('gone');
  });

  it('leaves a current table alone', async () => {
    await ensureCurrentTable(dynalite.client, 'parley-new');
    await dynalite.client.send(
      new PutItemCommand({ TableName: 'parley-new', Item: items[0] as Record<string, AttributeValue> }),
    );

    await ensureCurrentTable(dynalite.client, 'parley-new');

    expect(await countOf('parley-new')).toBe(1);
  });
});
