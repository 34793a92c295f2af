import { DeleteTableCommand, type DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createDynamoStores } from '#lib/adapters/aws/dynamo-stores';
import { isConditionFailed } from '#lib/adapters/aws/dynamo-context';
import { type DynaliteServer, startDynaliteWorker } from '#lib/adapters/local/dynalite-server';
import { createDynamoClient, inProcessRequestHandler } from '#lib/adapters/local/in-process-registry';
import { createTestTable } from '#test/support/dynalite';
import { describeStoreContracts } from '#test/support/store-contracts/describe-store-contracts';

let dynalite: DynaliteServer;
let client: DynamoDBClient;

beforeAll(async () => {
  dynalite = await startDynaliteWorker();
  client = clientFor(dynalite.endpoint);
});
afterAll(async () => {
  client.destroy();
  await dynalite.close();
});

/** What functions/composition/core.ts builds: the in-process handler when the endpoint has one. */
function clientFor(endpoint: string): DynamoDBClient {
  if (!inProcessRequestHandler(endpoint)) throw new Error(`no in-process handler for ${endpoint}`);
  return createDynamoClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

// Every store operation, its errors and its paging, over the MessagePort instead of TCP.
describeStoreContracts('DynamoStore over the in-process handler', async () => {
  const tableName = await createTestTable(client);
  return {
    stores: createDynamoStores({ tableName, client: createDocumentClient(client) }),
    teardown: async () => void (await client.send(new DeleteTableCommand({ TableName: tableName }))),
  };
});

describe('the in-process request handler', () => {
  it('is found for the worker’s endpoint only', () => {
    expect(inProcessRequestHandler(dynalite.endpoint)).toBeDefined();
    expect(inProcessRequestHandler('http://127.0.0.1:1')).toBeUndefined();
    expect(inProcessRequestHandler(undefined)).toBeUndefined();
  });

  it('sends unsigned requests with the fixed Authorization header dynalite asks for', () => {
    const middleware = client.middlewareStack.identify().join('\n');

    expect(middleware).not.toMatch(/httpSigningMiddleware/);
    expect(middleware).toMatch(/emulatorAuthorization - after retryMiddleware/);
  });

  it('carries a refused conditional write back as the SDK error a TCP call would give', async () => {
    const tableName = await createTestTable(client);
    const documents = createDocumentClient(client);
    const item = { pk: 'p', sk: 's', n: 1 };
    await documents.send(new PutCommand({ TableName: tableName, Item: item }));

    const refused = await documents
      .send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }))
      .catch((error: unknown) => error);

    expect(isConditionFailed(refused)).toBe(true);
    const read = await documents.send(new GetCommand({ TableName: tableName, Key: { pk: 'p', sk: 's' } }));
    expect(read.Item).toEqual(item);
  });

  it('answers many calls at once, each with its own response', async () => {
    const tableName = await createTestTable(client);
    const documents = createDocumentClient(client);
    const ids = Array.from({ length: 50 }, (_, i) => `item-${i}`);

    await Promise.all(
      ids.map((id) => documents.send(new PutCommand({ TableName: tableName, Item: { pk: id, sk: 'x', id } }))),
    );
    const reads = await Promise.all(
      ids.map((id) => documents.send(new GetCommand({ TableName: tableName, Key: { pk: id, sk: 'x' } }))),
    );

    expect(reads.map((r) => r.Item?.id)).toEqual(ids);
  });

  it('refuses a call whose signal is already aborted, without sending it', async () => {
    const controller = new AbortController();
    controller.abort();

    await expect(client.send(new ListTablesCommand({}), { abortSignal: controller.signal })).rejects.toThrow(/abort/i);
  });

  it('is forgotten once the worker is closed, so no client is handed a dead port', async () => {
    const other = await startDynaliteWorker();
    const endpoint = other.endpoint;
    expect(inProcessRequestHandler(endpoint)).toBeDefined();

    await other.close();

    expect(inProcessRequestHandler(endpoint)).toBeUndefined();
  });
});
