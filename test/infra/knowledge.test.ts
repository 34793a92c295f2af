import { FUNCTION_ENTRIES, type FunctionName } from '../../infra/bundling.ts';
import { ENV } from '#lib/config';
import { INGESTION_MAX_RECEIVE_COUNT, LOCAL_QUEUE_SETTINGS, QUEUE_SETTINGS } from '#lib/queue-settings';
import {
  FUNCTION_IDS,
  functionProperties,
  functionRole,
  type Json,
  logicalId,
  permissionsOf,
  SYNTH_TIMEOUT_MS,
  type Synthesised,
  synthParley,
} from './synth.ts';

let synth: Synthesised;
beforeAll(() => {
  synth = synthParley({ context: { logRetentionDays: '60' } });
}, SYNTH_TIMEOUT_MS);
afterAll(() => synth?.cleanup());

const resources = () => synth.template.toJSON().Resources as Record<string, Record<string, Json>>;
const id = (type: string, prefix: string) => logicalId(synth.template, type, prefix);
const documentsBucket = () => id('AWS::S3::Bucket', 'KnowledgeDocuments');
const accessLogsBucket = () => id('AWS::S3::Bucket', 'KnowledgeAccessLogs');
const ingestionQueue = () => id('AWS::SQS::Queue', 'KnowledgeIngestionQueue');
const ingestionDlq = () => id('AWS::SQS::Queue', 'KnowledgeIngestionDlq');
const bucketPolicyOf = (bucketId: string) =>
  Object.values(synth.template.findResources('AWS::S3::BucketPolicy')).find(
    (policy) => policy.Properties.Bucket.Ref === bucketId,
  )?.Properties.PolicyDocument.Statement as Json[];

describe('the documents bucket', () => {
  it('is private, encrypted with S3-managed keys, without ACLs or versions, and retained', () => {
    expect(resources()[documentsBucket()]).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
    });
    expect(resources()[documentsBucket()]?.Properties.VersioningConfiguration).toBeUndefined();
  });

  it('refuses plain HTTP', () => {
    expect(bucketPolicyOf(documentsBucket())).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Principal: { AWS: '*' },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('logs its access to a private, TLS-only bucket that keeps logs as long as the functions’ logs', () => {
    expect(resources()[documentsBucket()]?.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: accessLogsBucket() },
      LogFilePrefix: 'documents/',
    });
    expect(resources()[accessLogsBucket()]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LifecycleConfiguration: { Rules: [{ ExpirationInDays: 60, Status: 'Enabled' }] },
      },
    });
    const statements = bucketPolicyOf(accessLogsBucket());
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Condition: expect.objectContaining({
          ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [documentsBucket(), 'Arn'] } },
        }),
      }),
    );
  });

  it('is named in an output', () => {
    synth.template.hasOutput('DocumentsBucketName', { Value: { Ref: documentsBucket() } });
  });
});

describe('the ingestion queue', () => {
  it('is a standard, encrypted queue whose visibility is six times the ingester timeout', () => {
    const queue = resources()[ingestionQueue()]?.Properties;

    expect(queue.FifoQueue).toBeUndefined();
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(queue.VisibilityTimeout).toBe(6 * functionProperties(synth.template, 'ingester').Timeout);
  });

  it(`sends a document to its DLQ after ${INGESTION_MAX_RECEIVE_COUNT} receives, and keeps it there 14 days`, () => {
    expect(resources()[ingestionQueue()]?.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [ingestionDlq(), 'Arn'] },
      maxReceiveCount: INGESTION_MAX_RECEIVE_COUNT,
    });
    expect(resources()[ingestionDlq()]?.Properties).toMatchObject({
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
    });
  });
});

describe('the ingester', () => {
  it('takes one document at a time, with partial batch failures and a concurrency cap', () => {
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: id('AWS::Lambda::Function', FUNCTION_IDS.ingester) },
      EventSourceArn: { 'Fn::GetAtt': [ingestionQueue(), 'Arn'] },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: QUEUE_SETTINGS.ingestion.maxConcurrency },
    });
  });

  it('has the memory to parse a large PDF, and as long as the local runtime gives an ingestion', () => {
    const { MemorySize, Timeout } = functionProperties(synth.template, 'ingester');

    expect(MemorySize).toBeGreaterThanOrEqual(1024);
    expect(MemorySize).toBeLessThanOrEqual(2048);
    expect(Timeout).toBe(LOCAL_QUEUE_SETTINGS.ingestion.visibilityTimeoutSeconds);
  });

  it('may use the table, its queue, the documents (no delete) and the OpenAI key, nothing else', () => {
    expect(permissionsOf(synth.template, functionRole(synth.template, 'ingester'))).toEqual({
      '<KnowledgeIngesterLogGroup>': ['logs:CreateLogStream', 'logs:PutLogEvents'],
      '*': ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
      '<StorageTable>': expect.any(Array),
      '<StorageTable>/index/gsi1': expect.any(Array),
      '<StorageTable>/index/gsi2': expect.any(Array),
      '<KnowledgeDocuments>': ['s3:ListBucket'],
      '<KnowledgeDocuments>/*': ['s3:GetObject', 's3:PutObject'],
      '<KnowledgeIngestionQueue>': [
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
      ],
      '<SecretsOpenAiKey>': ['secretsmanager:GetSecretValue'],
    });
  });
});

describe('the knowledge settings', () => {
  it.each(Object.keys(FUNCTION_ENTRIES) as FunctionName[])(
    'name the bucket and the ingestion queue to %s, as lib/config.ts requires',
    (name) => {
      expect(functionProperties(synth.template, name).Environment.Variables).toMatchObject({
        [ENV.documentsBucket]: { Ref: documentsBucket() },
        [ENV.ingestionQueueUrl]: { Ref: ingestionQueue() },
      });
    },
  );

  it('let only the api function delete documents', () => {
    const deleters = (Object.keys(FUNCTION_ENTRIES) as FunctionName[]).filter((name) =>
      permissionsOf(synth.template, functionRole(synth.template, name))['<KnowledgeDocuments>/*']?.includes(
        's3:DeleteObject',
      ),
    );

    expect(deleters).toEqual(['api']);
  });

  it('let only the api function (uploads) and the sweeper (recovery) queue documents for ingestion', () => {
    const senders = (Object.keys(FUNCTION_ENTRIES) as FunctionName[]).filter((name) =>
      permissionsOf(synth.template, functionRole(synth.template, name))['<KnowledgeIngestionQueue>']?.includes(
        'sqs:SendMessage',
      ),
    );

    expect(senders.sort()).toEqual(['api', 'sweeper']);
  });
});
