/**
 * Items a deployed stack already holds must read the same after any change to the storage
 * adapters: a stack upgrades in place, with no migration. The items were written by the store as
 * it was (test/fixtures/stored-items/generate.ts); here they are put back raw and read again.
 */
import { readFileSync } from 'node:fs';
import { type AttributeValue, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, createDynamoStores } from '#lib/adapters/aws/dynamo-stores';
import type { Stores } from '#lib/app/deps';
import { STORED_ITEM_READS } from '#test/fixtures/stored-items/reads';
import { TEST_SET_ITEM_READS } from '#test/fixtures/stored-items/test-sets/reads';
import { createTestTable, type RunningDynalite, startDynalite } from '#test/support/dynalite';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/stored-items/${name}`, import.meta.url), 'utf8'));
const items = fixture('items.json') as Record<string, AttributeValue>[];
const expected = fixture('expected.json') as Record<string, unknown>;
/** The test-set items, generated apart (test-sets/generate.ts) under a tenant of their own. */
const testSetItems = fixture('test-sets/items.json') as Record<string, AttributeValue>[];
const testSetExpected = fixture('test-sets/expected.json') as Record<string, unknown>;

let dynalite: RunningDynalite;
let stores: Stores;

beforeAll(async () => {
  dynalite = await startDynalite();
  const tableName = await createTestTable(dynalite.client);
  for (const item of [...items, ...testSetItems]) {
    await dynalite.client.send(new PutItemCommand({ TableName: tableName, Item: item }));
  }
  stores = createDynamoStores({ tableName, client: createDocumentClient(dynalite.client) });
});
afterAll(async () => {
  await dynalite.stop();
});

describe('items stored by earlier code', () => {
  it('has an expected result for every read, and a read for every expected result', () => {
    expect(Object.keys(STORED_ITEM_READS).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(STORED_ITEM_READS))('read back as before: %s', async (name, read) => {
    expect(await read(stores)).toEqual(expected[name]);
  });
});

describe('test-set items stored by earlier code', () => {
  it('has an expected result for every read, and a read for every expected result', () => {
    expect(Object.keys(TEST_SET_ITEM_READS).sort()).toEqual(Object.keys(testSetExpected).sort());
  });

  it.each(Object.entries(TEST_SET_ITEM_READS))('read back as before: %s', async (name, read) => {
    expect(await read(stores)).toEqual(testSetExpected[name]);
  });

  it('holds a set item, its cases under their version, runs, snapshots, results and a copy registration', () => {
    const sortKeys = testSetItems.map((item) => item.sk?.S?.replace(/#[0-9a-f-]{36}#/, '#{version}#'));

    expect(sortKeys).toEqual(
      expect.arrayContaining([
        'SET#set_01jfixture00000000000a',
        'CASE#set_01jfixture00000000000a#{version}#copied',
        'RUN#set_01jfixture00000000000a#run_01',
        'RCASE#set_01jfixture00000000000a#run_01#copied',
        'RES#set_01jfixture00000000000a#run_01#copied',
        'TCOPY#ai_01jfixture0000000000000#set_01jfixture00000000000a#copied',
      ]),
    );
  });
});
