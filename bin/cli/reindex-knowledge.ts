/**
 * `parley reindex-knowledge`: runs the knowledge re-index for a deployed stack's embedding model to
 * the end with the caller's AWS credentials, rather than waiting for the sweeper's slices (after
 * switching model provider: docs/deploy.md). It queues the documents; the stack's ingester embeds
 * them. The local runtime re-indexes at start by itself.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient, createDynamoStores } from '#lib/adapters/aws/dynamo-stores';
import { S3BlobStore } from '#lib/adapters/aws/s3-blob-store';
import { SqsIngestionQueue } from '#lib/adapters/aws/sqs-queues';
import { readStackOutputs } from '#lib/adapters/aws/stack-outputs';
import { systemClock } from '#lib/adapters/system/system-clock';
import { reindexForModel } from '#lib/app/knowledge/reindex-migration';
import type { AwsClients } from '#bin/cli/tenants';

/** Re-indexes the knowledge of the deployed stack `stack` for its embedding model; returns the text to print. */
export async function reindexStackKnowledge(input: { stack: string; region?: string }, clients: AwsClients) {
  const region = input.region ? { region: input.region } : {};
  const outputs = await readStackOutputs(input.stack, clients.cloudFormation ?? new CloudFormationClient(region));
  const missing = ['TableName', 'DocumentsBucketName', 'IngestionQueueUrl'].filter((key) => !outputs[key]);
  if (missing.length > 0) {
    throw new Error(
      `stack ${input.stack} has no ${missing.join(', ')} output: is it a Parley stack, deployed with this version?`,
    );
  }
  const model = outputs.EmbeddingModel;
  if (!model) return `Stack ${input.stack} embeds nothing (model provider offline): nothing to re-index.\n`;
  const stores = createDynamoStores({
    tableName: outputs.TableName as string,
    client: createDocumentClient(clients.dynamo ?? new DynamoDBClient(region)),
  });
  const result = await reindexForModel(
    {
      ...stores,
      clock: systemClock,
      blobs: new S3BlobStore({
        bucket: outputs.DocumentsBucketName as string,
        client: clients.s3 ?? new S3Client(region),
      }),
      ingestionQueue: new SqsIngestionQueue({
        queueUrl: outputs.IngestionQueueUrl as string,
        client: clients.sqs ?? new SQSClient(region),
      }),
    },
    model,
  );
  return `Knowledge re-index for ${model} done: ${result.queued} document(s) queued for ingestion by this run.\n`;
}
