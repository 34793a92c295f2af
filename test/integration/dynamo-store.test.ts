import { DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { conversationKey, PENDING_SHARDS, pendingShard } from '#lib/adapters/aws/dynamo-keys';
import { createDocumentClient, createDynamoStores } from '#lib/adapters/aws/dynamo-stores';
import {
  ensureTable,
  GSI1_PROJECTED_ATTRIBUTES,
  GSI2_PROJECTED_ATTRIBUTES,
  TABLE_KEYS,
  tableDefinition,
} from '#lib/adapters/aws/table-definition';
import { RATE_COUNTER_TTL_SECONDS } from '#lib/domain/limits/http';
import { createTestTable, type RunningDynalite, startDynalite } from '#test/support/dynalite';
import { aConversation, TENANT } from '#test/support/store-contracts/fixtures';
import { describeStoreContracts } from '#test/support/store-contracts/describe-store-contracts';

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
  return { tableName, documents, stores: createDynamoStores({ tableName, client: documents }) };
}

describeStoreContracts('DynamoStore', async () => {
  const { tableName, stores } = await freshStore();
  return {
    stores,
    teardown: async () => void (await dynalite.client.send(new DeleteTableCommand({ TableName: tableName }))),
  };
});

describe('DynamoStore API key lookups', () => {
  it('reads a key found before with one consistent GetItem, without querying the index again', async () => {
    const { stores } = await freshStore();
    const key = {
      tenantId: 'ten_1',
      id: 'key_1',
      hash: 'c'.repeat(64),
      prefix: 'prly_ccc',
      name: 'zap',
      createdAt: '2026-11-27T00:00:00.000Z',
    };
    await stores.tenants.putApiKey(key);
    const commands: string[] = [];
    dynalite.client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(context.commandName ?? '');
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );
    try {
      await stores.tenants.findApiKeyByHash(key.hash);
      const first = commands.splice(0);
      const found = await stores.tenants.findApiKeyByHash(key.hash);

      expect(first).toEqual(['QueryCommand', 'GetItemCommand']);
      expect(commands).toEqual(['GetItemCommand']);
      expect(found).toMatchObject({ tenantId: 'ten_1', id: 'key_1' });
    } finally {
      dynalite.client.middlewareStack.remove('countCommands');
    }
  });
});

describe('DynamoStore table', () => {
  it('is defined on demand, with gsi1 and the inbox gsi2 projecting what their readers use', () => {
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
        {
          IndexName: 'gsi2',
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...GSI2_PROJECTED_ATTRIBUTES] },
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
    const { tableName, documents, stores } = await freshStore();
    const at = '2025-03-01T12:00:00.000Z';
    await stores.tenants.ensureTenant({ id: 'ten_1', name: 'Acme', createdAt: at });
    await stores.tenants.putApiKey({
      tenantId: 'ten_1',
      id: 'key_1',
      hash: 'f'.repeat(64),
      prefix: 'prly_x',
      createdAt: at,
    });
    await stores.conversations.ensureConversation({
      tenantId: 'ten_1',
      id: 'T#ten_2',
      aiId: 'ai_1',
      status: 'active',
      contact: {},
      metadata: {},
      createdAt: at,
      updatedAt: at,
    });
    await stores.conversations.putMessage({
      tenantId: 'ten_1',
      conversationId: 'T#ten_2',
      id: 'msg_1',
      direction: 'inbound',
      kind: 'prospect',
      text: 'Hi',
      createdAt: at,
      status: 'queued',
    });
    await stores.idempotency.claimIdempotencyKey(
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

    // The Idempotency-Key record and its pointer from the reserved id count as two.
    expect(Items).toHaveLength(6);
    for (const item of Items) expect(String(item.pk)).toMatch(/^T#ten_1(#C#.*)?$/);
  });

  it("keeps a conversation's prospect id under `maax`, as items written before it had a neutral name", async () => {
    const { tableName, documents, stores } = await freshStore();
    const older = aConversation({ id: 'older@example.com' });
    const olderKey = conversationKey(TENANT, older.id);
    await documents.send(
      new PutCommand({ TableName: tableName, Item: { ...older, ...olderKey, maax: { prospectId: '7' } } }),
    );

    await stores.conversations.ensureConversation(aConversation({ prospectId: '8' }));
    const bumped = await stores.conversations.bumpConversation(TENANT, older.id, { prospectId: '9' });

    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: conversationKey(TENANT, aConversation().id) }),
    );
    const { Item: olderItem } = await documents.send(new GetCommand({ TableName: tableName, Key: olderKey }));
    expect([Item?.maax, olderItem?.maax]).toStrictEqual([{ prospectId: '8' }, { prospectId: '9' }]);
    expect([Item, olderItem]).not.toContainEqual(expect.objectContaining({ prospectId: expect.anything() }));
    expect(bumped).toStrictEqual({ ...older, prospectId: '9', version: 1 });
    expect(await stores.conversations.getConversation(TENANT, aConversation().id)).toStrictEqual(
      aConversation({ prospectId: '8' }),
    );
  });

  it('stores an idempotency record with a TTL in epoch seconds', async () => {
    const { tableName, documents, stores } = await freshStore();
    const record = {
      tenantId: 'ten_1',
      key: 'k',
      fingerprint: 'f',
      resourceId: 'r',
      status: 'pending',
      createdAt: '2025-03-01T12:00:00.000Z',
      expiresAt: '2025-03-02T12:00:00.500Z',
    } as const;

    await stores.idempotency.claimIdempotencyKey(record, record.createdAt);

    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'T#ten_1', sk: 'IDEM#k' } }),
    );
    expect(Item?.ttl).toBe(Date.parse('2025-03-02T12:00:00Z') / 1000);
  });

  it("counts a key's requests in one item per second, which TTL removes a minute later", async () => {
    const { tableName, documents, stores } = await freshStore();
    const second = '2025-03-01T12:00:00.000Z';

    await stores.tenants.countRequest('ten_1', 'key_1', second, 20);
    await stores.tenants.countRequest('ten_1', 'key_1', second, 20);

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
