/**
 * The store ports on one DynamoDB table (see table-definition.ts and dynamo-keys.ts for its layout),
 * one adapter per port, all sharing one client. Every write is a single-item conditional write: no
 * transactions, so it runs on dynalite too, and every multi-step use case is built to be retried
 * step by step instead. Methods are `async` so that a key that cannot be built (a tenant id with
 * '#') surfaces as a rejected promise, like every other store failure.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAiStore } from '#lib/adapters/aws/dynamo-ais';
import { DynamoConversationStore } from '#lib/adapters/aws/dynamo-conversations';
import { DynamoDeliveryStore } from '#lib/adapters/aws/dynamo-deliveries';
import { DynamoIdempotencyStore } from '#lib/adapters/aws/dynamo-idempotency';
import { DynamoKnowledgeStore } from '#lib/adapters/aws/dynamo-knowledge';
import { DynamoMaaxMessageStore } from '#lib/adapters/aws/dynamo-maax';
import { DynamoMigrationStore } from '#lib/adapters/aws/dynamo-migrations';
import { DynamoPendingWorkStore } from '#lib/adapters/aws/dynamo-pending';
import { DynamoSetupStore } from '#lib/adapters/aws/dynamo-setup';
import { DynamoTenantStore } from '#lib/adapters/aws/dynamo-tenants';
import { DynamoTestSetStore } from '#lib/adapters/aws/dynamo-test-sets';
import { DynamoTimerStore } from '#lib/adapters/aws/dynamo-timers';

/**
 * A document client configured as the store needs it: optional fields left undefined are dropped
 * rather than rejected, so a record read back equals the record written.
 */
export function createDocumentClient(client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** Every store port on the table, under the keys of `Deps`. */
export interface DynamoStores {
  tenants: DynamoTenantStore;
  ais: DynamoAiStore;
  setup: DynamoSetupStore;
  conversations: DynamoConversationStore;
  deliveries: DynamoDeliveryStore;
  timerStore: DynamoTimerStore;
  knowledge: DynamoKnowledgeStore;
  idempotency: DynamoIdempotencyStore;
  pendingWork: DynamoPendingWorkStore;
  maaxMessages: DynamoMaaxMessageStore;
  migrations: DynamoMigrationStore;
  testSets: DynamoTestSetStore;
}

/**
 * The stores on one table, to spread into Deps: `...createDynamoStores({ tableName, client })`.
 *
 * @param options.tableName the table made from `tableDefinition`.
 * @param options.client a document client; it must marshall with `removeUndefinedValues: true`
 *   (see `createDocumentClient`). Defaults to one on a default DynamoDBClient.
 */
export function createDynamoStores(options: { tableName: string; client?: DynamoDBDocumentClient }): DynamoStores {
  const ctx = { tableName: options.tableName, client: options.client ?? createDocumentClient() };
  return {
    tenants: new DynamoTenantStore(ctx),
    ais: new DynamoAiStore(ctx),
    setup: new DynamoSetupStore(ctx),
    conversations: new DynamoConversationStore(ctx),
    deliveries: new DynamoDeliveryStore(ctx),
    timerStore: new DynamoTimerStore(ctx),
    knowledge: new DynamoKnowledgeStore(ctx),
    idempotency: new DynamoIdempotencyStore(ctx),
    pendingWork: new DynamoPendingWorkStore(ctx),
    maaxMessages: new DynamoMaaxMessageStore(ctx),
    migrations: new DynamoMigrationStore(ctx),
    testSets: new DynamoTestSetStore(ctx),
  };
}
