/**
 * The knowledge re-index after the embedding model changed, on the stack's real parts: tenants
 * found by a Scan of dynalite's table, chunk sets read from s3rver, ingestion queued on fauxqs. It
 * resumes after a crash between steps, runs once per model, starts over for another model, and
 * runs to the end from `parley reindex-knowledge` against a stack's outputs.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateQueueCommand, PurgeQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { runCli } from '#bin/parley';
import { createDocumentClient, createDynamoStores, type DynamoStores } from '#lib/adapters/aws/dynamo-stores';
import { S3BlobStore } from '#lib/adapters/aws/s3-blob-store';
import { SqsIngestionQueue } from '#lib/adapters/aws/sqs-queues';
import { knowledgeReindexName, type ReindexMigrationDeps, reindexForModel } from '#lib/app/knowledge/reindex-migration';
import { createTestTable, type RunningDynalite, startDynalite } from '#test/support/dynalite';
import { FakeClock } from '#test/support/fakes';
import { startTestS3, type TestS3 } from '#test/support/s3rver';
import { startTestSqs, type TestSqs, uniqueQueueName } from '#test/support/fauxqs';
import { seedDocumentEmbeddedBy } from '#test/support/embedded-document';

const OPENAI = 'text-embedding-3-small';
const TITAN = 'amazon.titan-embed-text-v2:0';
const TENANTS = ['ten_a', 'ten_b', 'ten_c'];

let dynalite: RunningDynalite;
let s3: TestS3;
let sqs: TestSqs;
let queueUrl: string;
let tableName: string;
let stores: DynamoStores;
let deps: ReindexMigrationDeps;
const clock = new FakeClock(new Date('2026-01-01T00:00:00.000Z'));

beforeAll(async () => {
  [dynalite, s3, sqs] = await Promise.all([startDynalite(), startTestS3(), startTestSqs()]);
  queueUrl =
    (await sqs.client.send(new CreateQueueCommand({ QueueName: uniqueQueueName('ingestion') }))).QueueUrl ?? '';
});
afterAll(async () => {
  await Promise.all([dynalite.stop(), s3.stop(), sqs.stop()]);
});
beforeEach(async () => {
  tableName = await createTestTable(dynalite.client);
  stores = createDynamoStores({ tableName, client: createDocumentClient(dynalite.client) });
  await sqs.client.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
  deps = {
    ...stores,
    clock,
    blobs: new S3BlobStore({ bucket: s3.bucket, client: s3.client }),
    ingestionQueue: new SqsIngestionQueue({ queueUrl, client: sqs.client }),
  };
  // Each tenant has one document indexed by OpenAI's model, its chunk set in the bucket.
  for (const tenantId of TENANTS) await seedDocumentEmbeddedBy(deps, tenantId, OPENAI);
});

/** The tenants of the ingestion jobs on the queue, sorted (received, then left to reappear). */
async function queuedTenants(): Promise<string[]> {
  const tenants: string[] = [];
  for (;;) {
    const { Messages } = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30 }),
    );
    if (!Messages?.length) break;
    tenants.push(...Messages.map((m) => (JSON.parse(m.Body ?? '{}') as { tenantId: string }).tenantId));
  }
  return tenants.sort();
}

describe('reindexForModel on DynamoDB, S3 and SQS', () => {
  it('queues every tenant’s document of another model once, then does nothing for that model', async () => {
    const first = await reindexForModel(deps, TITAN);
    const second = await reindexForModel(deps, TITAN);

    expect(first).toEqual({ done: true, queued: 3 });
    expect(second).toEqual({ done: true, queued: 0 });
    expect(await queuedTenants()).toEqual(TENANTS);
    expect(await stores.migrations.getMigration(knowledgeReindexName(TITAN))).toMatchObject({
      done: true,
      migrated: 3,
    });
  });

  it('resumes from its saved cursor after a crash between steps, re-indexing no tenant twice', async () => {
    const save = stores.migrations.saveMigration.bind(stores.migrations);
    let saves = 0;
    const crashing = {
      ...deps,
      migrations: {
        ...stores.migrations,
        getMigration: stores.migrations.getMigration.bind(stores.migrations),
        saveMigration: async (progress: Parameters<typeof save>[0]) => {
          await save(progress);
          saves += 1;
          if (saves === 2) throw new Error('the function timed out');
        },
      },
    };

    await expect(reindexForModel(crashing, TITAN, { batch: 1 })).rejects.toThrow('timed out');
    const resumed = await reindexForModel(deps, TITAN, { batch: 1 });

    expect(resumed.done).toBe(true);
    expect(await queuedTenants()).toEqual(TENANTS);
  });

  it('does nothing for the model the documents were embedded by, and nothing offline', async () => {
    expect(await reindexForModel(deps, OPENAI)).toEqual({ done: true, queued: 0 });
    expect(await reindexForModel(deps, undefined)).toEqual({ done: true, queued: 0 });
    expect(await queuedTenants()).toEqual([]);
  });

  it('runs to the end from the CLI on a stack, and says how many documents it queued', async () => {
    // No CloudFormation emulator: the stack's outputs are mocked; the rest are the emulators.
    const cloudFormation = mockClient(CloudFormationClient);
    const outputs = { TableName: tableName, DocumentsBucketName: s3.bucket, IngestionQueueUrl: queueUrl };
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'Parley',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: Object.entries({ ...outputs, EmbeddingModel: TITAN }).map(([OutputKey, OutputValue]) => ({
            OutputKey,
            OutputValue,
          })),
        },
      ],
    });
    const clients = {
      cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
      dynamo: dynalite.client,
      s3: s3.client,
      sqs: sqs.client,
    };

    const printed = await runCli(['reindex-knowledge', '--stack', 'Parley'], clients);
    const again = await runCli(['reindex-knowledge', '--stack', 'Parley'], clients);

    cloudFormation.restore();
    expect(printed).toContain(`for ${TITAN} done: 3 document(s) queued`);
    expect(again).toContain('done: 0 document(s) queued');
    expect(await queuedTenants()).toEqual(TENANTS);
  });
});
