import { DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { PENDING_SHARDS, pendingShard } from '#lib/adapters/aws/dynamo-keys';
import { createDocumentClient, DynamoStore } from '#lib/adapters/aws/dynamo-store';
import {
  ensureTable,
  GSI1_PROJECTED_ATTRIBUTES,
  TABLE_KEYS,
  tableDefinition,
} from '#lib/adapters/aws/table-definition';
import { RATE_COUNTER_TTL_SECONDS } from '#lib/domain/limits/http';
import { createTestTable, type RunningDynalite, startDynalite } from '#test/support/dynalite';
import { describeStoreContract } from '#test/support/store-contract';

let dynalite: RunningDynalite;

beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite.stop();
});

async function freshStore() {
  const tableName = await createTestTable(dynalite.client);
  const documents = createDocumentClient(dynalite.client);
  return { tableName, documents, store: new DynamoStore({ tableName, client: documents }) };
}

describeStoreContract('DynamoStore', async () => {
  const { tableName, store } = await freshStore();
  return {
    store,
    teardown: async () => void (await dynalite.client.send(new DeleteTableCommand({ TableName: tableName }))),
  };
});

describe('DynamoStore API key lookups', () => {
  it('reads a key found before with one consistent GetItem, without querying the index again', async () => {
    const { store } = await freshStore();
    const key = {
      tenantId: 'ten_1',
      id: 'key_1',
      hash: 'c'.repeat(64),
      prefix: 'prly_ccc',
      name: 'zap',
      createdAt: '2026-11-27T00:00:00.000Z',
    };
    await store.putApiKey(key);
    const commands: string[] = [];
    dynalite.client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(context.commandName ?? '');
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );
    try {
      await store.findApiKeyByHash(key.hash);
      const first = commands.splice(0);
      const found = await store.findApiKeyByHash(key.hash);

      expect(first).toEqual(['QueryCommand', 'GetItemCommand']);
      expect(commands).toEqual(['GetItemCommand']);
      expect(found).toMatchObject({ tenantId: 'ten_1', id: 'key_1' });
    } finally {
      dynalite.client.middlewareStack.remove('countCommands');
    }
  });
});

describe('DynamoStore table', () => {
  it('is defined on demand, with gsi1 projecting every attribute', () => {
    const definition = tableDefinition('parley');

    expect(definition).toMatchObject({
      TableName: 'parley',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: TABLE_KEYS.gsi1.indexName,
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...GSI1_PROJECTED_ATTRIBUTES] },
        },
      ],
    });
  });

  it('is created once and left alone when ensured again', async () => {
    const tableName = await createTestTable(dynalite.client);

    await ensureTable(dynalite.client, tableName);

    const { Table } = await dynalite.client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.GlobalSecondaryIndexes?.[0]?.IndexStatus).toBe('ACTIVE');
  });

  it("starts every item's partition key with the tenant", async () => {
    const { tableName, documents, store } = await freshStore();
    const at = '2025-03-01T12:00:00.000Z';
    await store.ensureTenant({ id: 'ten_1', name: 'Acme', createdAt: at });
    await store.putApiKey({ tenantId: 'ten_1', id: 'key_1', hash: 'f'.repeat(64), prefix: 'prly_x', createdAt: at });
    await store.ensureConversation({
      tenantId: 'ten_1',
      id: 'T#ten_2',
      aiId: 'ai_1',
      status: 'active',
      contact: {},
      metadata: {},
      createdAt: at,
      updatedAt: at,
    });
    await store.putMessage({
      tenantId: 'ten_1',
      conversationId: 'T#ten_2',
      id: 'msg_1',
      direction: 'inbound',
      kind: 'prospect',
      text: 'Hi',
      createdAt: at,
      status: 'queued',
    });
    await store.claimIdempotencyKey(
      {
        tenantId: 'ten_1',
        key: 'k',
        fingerprint: 'f',
        resourceId: 'msg_1',
        status: 'pending',
        createdAt: at,
        expiresAt: at,
      },
      at,
    );

    const { Items = [] } = await documents.send(new ScanCommand({ TableName: tableName }));

    expect(Items).toHaveLength(5);
    for (const item of Items) expect(String(item.pk)).toMatch(/^T#ten_1(#C#.*)?$/);
  });

  it('stores an idempotency record with a TTL in epoch seconds', async () => {
    const { tableName, documents, store } = await freshStore();
    const record = {
      tenantId: 'ten_1',
      key: 'k',
      fingerprint: 'f',
      resourceId: 'r',
      status: 'pending',
      createdAt: '2025-03-01T12:00:00.000Z',
      expiresAt: '2025-03-02T12:00:00.500Z',
    } as const;

    await store.claimIdempotencyKey(record, record.createdAt);

    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'T#ten_1', sk: 'IDEM#k' } }),
    );
    expect(Item?.ttl).toBe(Date.parse('2025-03-02T12:00:00Z') / 1000);
  });

  it("counts a key's requests in one item per second, which TTL removes a minute later", async () => {
    const { tableName, documents, store } = await freshStore();
    const second = '2025-03-01T12:00:00.000Z';

    await store.countRequest('ten_1', 'key_1', second, 20);
    await store.countRequest('ten_1', 'key_1', second, 20);

    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'T#ten_1', sk: `RATE#KEY#key_1#${second}` } }),
    );
    expect([Item?.n, Item?.ttl]).toEqual([2, Date.parse(second) / 1000 + RATE_COUNTER_TTL_SECONDS]);
  });

  it('spreads pending records over every shard, always the same shard for an id', () => {
    const shards = new Set(Array.from({ length: 100 }, (_, n) => pendingShard(`msg_${n}`)));

    expect([...shards].sort()).toEqual(Array.from({ length: PENDING_SHARDS }, (_, n) => n));
    expect(pendingShard('msg_01jabc')).toBe(pendingShard('msg_01jabc'));
  });
});
