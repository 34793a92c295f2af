/**
 * A selective inbox filter on DynamoDB: Limit counts entries read before the FilterExpression, so
 * a page stops after MAX_INBOX_ENTRIES_READ entries, short (here empty) with a cursor, and the
 * cursor reads on to the match.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { conversationKey, inboxPk, inboxSk } from '#lib/adapters/aws/dynamo-keys';
import { createDocumentClient, createDynamoStores } from '#lib/adapters/aws/dynamo-stores';
import { MAX_INBOX_ENTRIES_READ } from '#lib/domain/limits/inbox';
import { createTestTable, type RunningDynalite, startDynalite } from '#test/support/dynalite';
import { aConversation, at, TENANT } from '#test/support/store-contracts/fixtures';

let dynalite: RunningDynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite.stop();
});

it(`stops a filtered page after ${MAX_INBOX_ENTRIES_READ} entries read, with a cursor that reads on`, async () => {
  const tableName = await createTestTable(dynalite.client);
  const documents = createDocumentClient(dynalite.client);
  const stores = createDynamoStores({ tableName, client: documents });
  await stores.conversations.ensureConversation(aConversation({ id: 'the-sms-one', channel: 'sms', updatedAt: at(0) }));
  // Newer e-mail conversations, written in batches: the filter discards every one of them.
  const others = Array.from({ length: MAX_INBOX_ENTRIES_READ + 10 }, (_, i) => {
    const c = aConversation({ id: `c${i}`, channel: 'email', updatedAt: at(10 + i) });
    return { ...c, ...conversationKey(TENANT, c.id), gsi2pk: inboxPk(TENANT), gsi2sk: inboxSk(c.updatedAt, c.id) };
  });
  for (let i = 0; i < others.length; i += 25) {
    const batch = others.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await documents.send(new BatchWriteCommand({ RequestItems: { [tableName]: batch } }));
  }

  const first = await stores.conversations.listInbox(TENANT, { channel: 'sms' }, { limit: 20 });
  const second = await stores.conversations.listInbox(
    TENANT,
    { channel: 'sms' },
    { limit: 20, cursor: first.nextCursor ?? undefined },
  );

  expect(first.items).toEqual([]);
  expect(first.nextCursor).not.toBeNull();
  expect(second.items.map((entry) => entry.id)).toEqual(['the-sms-one']);
  expect(second.nextCursor).toBeNull();
});
