/**
 * Conversations stored before the inbox existed (the committed stored-items fixtures: their items
 * carry no gsi2 keys and no row) appear in the inbox once the backfill has run, with rows computed
 * from their messages; the backfill resumes from its saved progress and runs once.
 */
import { readFileSync } from 'node:fs';
import { type AttributeValue, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { runCli } from '#bin/parley';
import { createDocumentClient, createDynamoStores, type DynamoStores } from '#lib/adapters/aws/dynamo-stores';
import { backfillInbox, INBOX_BACKFILL } from '#lib/app/backfill-inbox';
import { INBOX_BACKFILL_BATCH } from '#lib/domain/limits/inbox';
import * as id from '#test/fixtures/stored-items/ids';
import { createTestTable, type RunningDynalite, startDynalite } from '#test/support/dynalite';
import { FakeClock } from '#test/support/fakes';

const items = JSON.parse(
  readFileSync(new URL('../fixtures/stored-items/items.json', import.meta.url), 'utf8'),
) as Record<string, AttributeValue>[];

let dynalite: RunningDynalite;
let stores: DynamoStores;
let tableName: string;
const clock = new FakeClock(new Date('2026-01-01T00:00:00.000Z'));

beforeAll(async () => {
  dynalite = await startDynalite();
});
beforeEach(async () => {
  tableName = await createTestTable(dynalite.client);
  for (const item of items) await dynalite.client.send(new PutItemCommand({ TableName: tableName, Item: item }));
  stores = createDynamoStores({ tableName, client: createDocumentClient(dynalite.client) });
});
afterAll(async () => {
  await dynalite.stop();
});

const listed = async () =>
  (await stores.conversations.listInbox(id.TENANT, {}, { limit: 100 })).items.map((entry) => entry.id).sort();

describe('backfillInbox on items stored before the inbox', () => {
  it('lists no stored conversation before it runs', async () => {
    expect(await listed()).toEqual([]);
  });

  it('puts every stored conversation in the inbox, with its row computed from its messages', async () => {
    const result = await backfillInbox({ ...stores, clock });

    expect(result).toEqual({ done: true, migrated: 2 });
    expect(await listed()).toEqual([id.CONVERSATION_FULL, id.CONVERSATION_MINIMAL].sort());
    const full = await stores.conversations.listInbox(id.TENANT, { q: 'lovelace' }, { limit: 10 });
    expect(full.items).toHaveLength(1);
    expect(full.items[0]).toMatchObject({ id: id.CONVERSATION_FULL, needsHuman: false, messageCount: 9 });
    expect(full.items[0]?.lastMessage?.id).toBe('msg_01JFIXTURE000000000000009');
  });

  it(`resumes from its saved progress in steps of ${INBOX_BACKFILL_BATCH} items read or fewer, and then runs no more`, async () => {
    let steps = 0;
    let result = { done: false, migrated: 0 };
    while (!result.done) {
      // A deadline already passed: exactly one step per call, as a sweeper run that ran out of time.
      result = await backfillInbox({ ...stores, clock }, { deadline: 0, batch: 5 });
      steps += 1;
    }

    expect(steps).toBeGreaterThan(1);
    expect(await listed()).toHaveLength(2);
    expect(await stores.migrations.getMigration(INBOX_BACKFILL)).toMatchObject({ done: true, migrated: 2 });
    expect(await backfillInbox({ ...stores, clock })).toEqual({ done: true, migrated: 0 });
  });

  it('runs to the end from the CLI on a stack, and says how many it added', async () => {
    // No CloudFormation emulator: the stack's outputs are mocked, the table is dynalite's.
    const cloudFormation = mockClient(CloudFormationClient);
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'Parley',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [{ OutputKey: 'TableName', OutputValue: tableName }],
        },
      ],
    });

    const printed = await runCli(['backfill-inbox', '--stack', 'Parley'], {
      cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
      dynamo: dynalite.client,
    });

    cloudFormation.restore();
    expect(printed).toContain('2 conversation(s)');
    expect(await listed()).toHaveLength(2);
  });
});
