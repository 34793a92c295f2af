/** An in-process dynalite and a DynamoDBClient pointed at it, for adapter integration tests. */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '#lib/adapters/aws/table-definition';
import { startDynaliteServer } from '#lib/adapters/local/dynalite-server';

export interface RunningDynalite {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

/** Starts dynalite on a free loopback port (in memory unless `path` is given). */
export async function startDynalite(options: { path?: string } = {}): Promise<RunningDynalite> {
  const server = await startDynaliteServer(options);
  const client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    endpoint: server.endpoint,
    client,
    async stop() {
      client.destroy();
      await server.close();
    },
  };
}

/** Creates a Parley table with a name no other test uses, and returns the name. */
export async function createTestTable(client: DynamoDBClient): Promise<string> {
  const tableName = `parley-test-${randomUUID()}`;
  await ensureTable(client, tableName);
  return tableName;
}
