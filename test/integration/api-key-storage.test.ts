/**
 * docs/security.md: API keys are stored only as SHA-256 hashes. Keys are made through the HTTP API
 * on the DynamoDB store (dynalite, through the real SDK), and then every item of the table is read
 * raw and searched for them.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createDynamoStores } from '#lib/adapters/aws/dynamo-stores';
import { ensureTenantForKey } from '#lib/app/tenants';
import { hashApiKey } from '#lib/domain/api-keys';
import { createTestTable, type RunningDynalite, startDynalite } from '#test/support/dynalite';
import { makeFakeDeps } from '#test/support/fakes';
import { httpClient } from '#test/support/http';
import { TEST_API_KEY } from '#test/support/scenario';

let dynalite: RunningDynalite;

beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite.stop();
});

async function givenTenantOnDynamo() {
  const tableName = await createTestTable(dynalite.client);
  const documents = createDocumentClient(dynalite.client);
  const deps = makeFakeDeps(createDynamoStores({ tableName, client: documents }));
  await ensureTenantForKey(deps, { apiKey: TEST_API_KEY, tenantName: 'Acme' });
  const scanTable = async () => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items.map((item) => JSON.stringify(item));
  };
  return { call: httpClient(deps, TEST_API_KEY), scanTable };
}

describe('API keys in the DynamoDB table', () => {
  it('are stored as their SHA-256 hash, and the key itself is in no item of the table', async () => {
    const { call, scanTable } = await givenTenantOnDynamo();

    const created = await call('POST', '/v1/api-keys', { name: 'Zapier' });
    const rotated = await call('POST', `/v1/api-keys/${created.body.id}/rotate`);
    const items = await scanTable();

    expect([created.status, rotated.status]).toEqual([201, 201]);
    const keys = [TEST_API_KEY, created.body.key, rotated.body.key];
    for (const key of keys) expect(items.filter((item) => item.includes(key))).toEqual([]);
    // The key rotated away no longer works, so only the two live keys need their hash kept.
    for (const key of [TEST_API_KEY, rotated.body.key]) {
      expect(items.filter((item) => item.includes(`"hash":"${hashApiKey(key)}"`))).toHaveLength(1);
    }
  });

  it('are kept whole only in the Idempotency-Key record of a creating request, as docs/security.md says', async () => {
    const { call, scanTable } = await givenTenantOnDynamo();

    const created = await call('POST', '/v1/api-keys', { name: 'Zapier' }, { 'idempotency-key': 'create-zapier-key' });
    const holding = (await scanTable()).filter((item) => item.includes(created.body.key));

    expect(holding).toEqual([expect.stringContaining('"sk":"IDEM#')]);
  });
});
