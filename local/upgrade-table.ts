/**
 * The local runtime's table made current. DynamoDB adds a GSI to a table in place (the stack does
 * that for gsi2); dynalite cannot, so a data dir made before an index existed is upgraded by
 * copying: every item into a spare table, a marker saying the copy is complete, the table made
 * again from `tableDefinition`, the items copied back, the spare dropped. Each step is safe to
 * repeat, so a runtime stopped halfway finishes the job at its next start.
 */
import {
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, tableDefinition } from '#lib/adapters/aws/table-definition';

const COPIED = { pk: 'PARLEY#UPGRADE', sk: 'COPIED' };

/** Creates the table, or makes an existing one carry every index `tableDefinition` names. */
export async function ensureCurrentTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const spare = `${tableName}-upgrade`;
  const doc = DynamoDBDocumentClient.from(client);
  if (await exists(client, spare)) {
    const complete = (await doc.send(new GetCommand({ TableName: spare, Key: COPIED }))).Item !== undefined;
    // An incomplete copy is dropped and made again; a complete one is what the table is rebuilt from.
    if (complete) return rebuildFrom(client, doc, spare, tableName);
    await dropTable(client, spare);
  }
  await ensureTable(client, tableName);
  const wanted = (tableDefinition(tableName).GlobalSecondaryIndexes ?? []).map((index) => index.IndexName);
  const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  if (wanted.every((name) => present.has(name))) return;
  await ensureTable(client, spare);
  await copyItems(doc, tableName, spare);
  await doc.send(new PutCommand({ TableName: spare, Item: COPIED }));
  await rebuildFrom(client, doc, spare, tableName);
}

async function rebuildFrom(client: DynamoDBClient, doc: DynamoDBDocumentClient, spare: string, tableName: string) {
  await dropTable(client, tableName);
  await ensureTable(client, tableName);
  await copyItems(doc, spare, tableName);
  await dropTable(client, spare);
}

async function copyItems(doc: DynamoDBDocumentClient, from: string, to: string): Promise<void> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: from, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      if (item.pk === COPIED.pk && item.sk === COPIED.sk) continue;
      await doc.send(new PutCommand({ TableName: to, Item: item }));
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
}

async function exists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

async function dropTable(client: DynamoDBClient, tableName: string): Promise<void> {
  if (!(await exists(client, tableName))) return;
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  // dynalite deletes after a short while; wait so a create under the same name does not collide.
  while (await exists(client, tableName)) await new Promise((resolve) => setTimeout(resolve, 25));
}
