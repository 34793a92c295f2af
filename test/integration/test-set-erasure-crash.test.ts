/**
 * Erasing a conversation's copied test cases on DynamoDB (dynalite), with a crash after each of
 * its writes in turn: erasing again (the resumed erasure) always leaves no copy in the set, in the
 * runs or in the conversation's partition, and the set's other cases untouched.
 */
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createDynamoStores } from '#lib/adapters/aws/dynamo-stores';
import type { TestCase } from '#lib/domain/evaluations/types';
import { createTestTable, type RunningDynalite, startDynalite } from '#test/support/dynalite';
import { aCase, aTestSet } from '#test/support/store-contracts/test-set-store-contract';
import { TENANT } from '#test/support/store-contracts/fixtures';

const CONVERSATION = 'dora@example.com';
const copy = (caseId: string): TestCase =>
  aCase(caseId, { source: { conversationId: CONVERSATION, messageId: `msg_${caseId}` } });

let dynalite: RunningDynalite;

beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite.stop();
});

/** A set with a kept case and two copies, run once; the client crashes after its `crashAfter`-th write. */
async function given(crashAfter: number) {
  const tableName = await createTestTable(dynalite.client);
  const documents = createDocumentClient(dynalite.client);
  const stores = createDynamoStores({ tableName, client: documents });
  const cases = [aCase('kept'), copy('c1'), copy('c2')];
  await stores.testSets.createTestSet(aTestSet({ cases }));
  const run = { tenantId: TENANT, aiId: 'ai_01', setId: 'set_01', runId: 'run_01', status: 'running' as const };
  await stores.testSets.createRun(
    { ...run, total: 3, passed: 0, failed: 0, regressions: [], results: [], startedAt: '' },
    cases,
  );
  let writes = 0;
  const send = documents.send.bind(documents);
  documents.send = (async (command: unknown) => {
    const output = await send(command as never);
    const isWrite = [PutCommand, UpdateCommand, DeleteCommand].some((type) => command instanceof type);
    if (isWrite && ++writes === crashAfter) throw new Error('injected crash after a write');
    return output;
  }) as typeof documents.send;
  return { stores, tableName, crashed: () => writes >= crashAfter };
}

describe('eraseCopiedCases after a crash', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])(
    'finishes when run again after a crash after write %i',
    async (n) => {
      const { stores, tableName, crashed } = await given(n);

      await stores.testSets.eraseCopiedCases(TENANT, CONVERSATION).catch(() => undefined);
      await stores.testSets.eraseCopiedCases(TENANT, CONVERSATION);

      expect(crashed()).toBe(true);
      expect((await stores.testSets.getTestSet(TENANT, 'ai_01', 'set_01'))?.cases).toEqual([aCase('kept')]);
      expect(await stores.testSets.getRunCases(TENANT, 'ai_01', 'set_01', 'run_01')).toEqual([aCase('kept')]);
      expect(await stores.testSets.listCopiedCases(TENANT, CONVERSATION)).toEqual([]);
      await dynalite.client.send(new DeleteTableCommand({ TableName: tableName }));
    },
  );
});
