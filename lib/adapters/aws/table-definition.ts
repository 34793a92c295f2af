/**
 * The one DynamoDB table Parley stores everything in. Tests and the local runtime create it from
 * `tableDefinition`; the CDK storage construct mirrors the same names, so all three agree.
 */
import {
  type CreateTableCommandInput,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';

/** Attribute and index names of the table. */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  gsi1: { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** The inbox index: a tenant's conversations by last update, `T#{tenantId}#CONVS` / `{updatedAt}#{conversationId}`. */
  gsi2: { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  /** Epoch seconds; DynamoDB TTL deletes the item some time after (never exactly at) this. */
  timeToLive: 'ttl',
} as const;

const POLL_INTERVAL_MS = 25;
const ACTIVE_TIMEOUT_MS = 30_000;

/**
 * The only attributes read through gsi1 (besides the keys): what the API-key lookup returns and
 * what the recovery sweep needs to re-queue work. Projecting just these keeps index copies small,
 * and updates of other attributes (claims, leases, answers) cost no index write at all.
 */
export const GSI1_PROJECTED_ATTRIBUTES = [
  'tenantId',
  'id',
  'hash',
  'prefix',
  'createdAt',
  'conversationId',
  'nextAttemptAt',
] as const;

/** The CreateTable input: on-demand billing, the primary key, gsi1 with a narrow projection and the inbox index gsi2. */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, gsi1, gsi2 } = TABLE_KEYS;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: 'S' },
      { AttributeName: sortKey, AttributeType: 'S' },
      { AttributeName: gsi1.partitionKey, AttributeType: 'S' },
      { AttributeName: gsi1.sortKey, AttributeType: 'S' },
      { AttributeName: gsi2.partitionKey, AttributeType: 'S' },
      { AttributeName: gsi2.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: gsi1.indexName,
        KeySchema: [
          { AttributeName: gsi1.partitionKey, KeyType: 'HASH' },
          { AttributeName: gsi1.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...GSI1_PROJECTED_ATTRIBUTES] },
      },
      {
        IndexName: gsi2.indexName,
        KeySchema: [
          { AttributeName: gsi2.partitionKey, KeyType: 'HASH' },
          { AttributeName: gsi2.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

/**
 * Creates the table unless it exists and waits until it and its index are ACTIVE. Safe to call
 * concurrently: a racing creator's table is accepted. The TTL setting is not applied here (dynalite
 * does not support it); the CDK stack sets it in AWS.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  if ((await describeTable(client, tableName)) === undefined) {
    try {
      await client.send(new CreateTableCommand(tableDefinition(tableName)));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  await waitUntilActive(client, tableName);
}

async function describeTable(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    const output = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return output.Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

// A custom poll rather than the SDK waiter: its minimum delay is whole seconds, and dynalite (and
// most real tables) are ready in milliseconds.
async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  const deadline = Date.now() + ACTIVE_TIMEOUT_MS;
  for (;;) {
    const table = await describeTable(client, tableName);
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline) {
      throw new Error(`Table ${tableName} did not become ACTIVE within ${ACTIVE_TIMEOUT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
