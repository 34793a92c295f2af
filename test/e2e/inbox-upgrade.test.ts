/**
 * A local data dir from before the inbox: its table has no gsi2 and its conversation no inbox row.
 * The runtime rebuilds the table with the index and runs the backfill at start, so the old
 * conversation is listed, with its row computed from its messages.
 */
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { conversationKey, messageKey } from '#lib/adapters/aws/dynamo-keys';
import { createDocumentClient, createDynamoStores } from '#lib/adapters/aws/dynamo-stores';
import { systemClock } from '#lib/adapters/system/system-clock';
import { createUlidIds } from '#lib/adapters/system/ulid-ids';
import { createTenant } from '#lib/app/tenants';
import { startDynalite } from '#test/support/dynalite';
import { createTableWithoutInbox } from '#test/support/pre-inbox-table';
import { apiClient, newDataDir, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';

jest.setTimeout(60_000);

/** Writes, as the code before the inbox did, a tenant and one answered conversation into `dataDir`. */
async function writeOldDataDir(dataDir: string): Promise<string> {
  const dynalite = await startDynalite({ path: join(dataDir, 'dynamodb') });
  await createTableWithoutInbox(dynalite.client, 'parley');
  const documents = createDocumentClient(dynalite.client);
  const { tenants } = createDynamoStores({ tableName: 'parley', client: documents });
  const { tenantId, apiKey } = await createTenant(
    { tenants, clock: systemClock, ids: createUlidIds() },
    { tenantName: 'Old' },
  );
  const at = '2025-06-01T10:00:00.000Z';
  const put = (Item: Record<string, unknown>) => documents.send(new PutCommand({ TableName: 'parley', Item }));
  await put({
    ...conversationKey(tenantId, 'old@example.com'),
    tenantId,
    id: 'old@example.com',
    aiId: 'ai_old',
    status: 'active',
    contact: { firstName: 'Olga' },
    metadata: {},
    createdAt: at,
    updatedAt: at,
  });
  for (const [n, direction, kind] of [
    ['1', 'inbound', 'prospect'],
    ['2', 'outbound', 'reply'],
  ] as const) {
    await put({
      ...messageKey(tenantId, 'old@example.com', `msg_0${n}`),
      tenantId,
      conversationId: 'old@example.com',
      id: `msg_0${n}`,
      direction,
      kind,
      text: `message ${n}`,
      createdAt: at,
    });
  }
  await dynalite.stop();
  return apiKey;
}

describe('the local runtime on a data dir from before the inbox', () => {
  let runtime: RuntimeProcess;

  afterAll(async () => {
    await runtime?.stop();
  });

  it('lists the old conversation after its start-up upgrade and backfill', async () => {
    const dataDir = await newDataDir();
    const apiKey = await writeOldDataDir(dataDir);

    runtime = await startRuntimeProcess({ dataDir, apiKey });
    const listed = await apiClient(runtime)('GET', '/v2/conversations?q=olga');

    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([
      expect.objectContaining({
        conversation_id: 'old@example.com',
        message_count: 2,
        needs_human: false,
        last_message: expect.objectContaining({ direction: 'outbound', kind: 'reply', text: 'message 2' }),
      }),
    ]);
  });
});
