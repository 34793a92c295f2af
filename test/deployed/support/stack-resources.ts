/**
 * The template's stateful resources made on the emulators, from the template's own properties:
 * the DynamoDB table (keys, GSIs) on dynalite, the queues (FIFO, deduplication, visibility,
 * redrive) on fauxqs, the buckets on s3rver. Nothing here repeats a table or queue definition.
 */
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type Json, resourcesOfType, type StackTemplate, type TemplateResolver } from './template.ts';

/**
 * Queue visibility timeouts are divided by this, so that a record left by a crash or a failure
 * comes back in seconds: the generation queue's 360 s becomes 6 s, and a poison record's five
 * receives take half a minute instead of half an hour.
 */
export const TIME_SCALE = 60;

/** The queue attributes CreateQueue takes, from an AWS::SQS::Queue's properties. */
const QUEUE_ATTRIBUTES = [
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'RedrivePolicy',
] as const;

/** A queue as made, with its template visibility timeout and the scaled one it runs with. */
export interface MadeQueue {
  logicalId: string;
  url: string;
  arn: string;
  visibilityTimeoutSeconds: number;
  scaledVisibilityTimeoutSeconds: number;
  maxReceiveCount?: number;
  deadLetterQueueArn?: string;
}

/** Creates the template's tables on dynalite as CloudFormation would. */
export async function createTables(
  template: StackTemplate,
  resolver: TemplateResolver,
  dynamo: DynamoDBClient,
): Promise<string[]> {
  const names: string[] = [];
  for (const [id, properties] of resourcesOfType(template, 'AWS::DynamoDB::Table')) {
    const p = resolver.resolve(properties);
    const name = resolver.resource(id).ref;
    await dynamo.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: p.AttributeDefinitions,
        KeySchema: p.KeySchema,
        BillingMode: p.BillingMode ?? 'PROVISIONED',
        ...(p.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes } : {}),
        ...(p.LocalSecondaryIndexes ? { LocalSecondaryIndexes: p.LocalSecondaryIndexes } : {}),
        ...(p.ProvisionedThroughput ? { ProvisionedThroughput: p.ProvisionedThroughput } : {}),
      }),
    );
    names.push(name);
  }
  return names;
}

/**
 * Creates the template's queues on fauxqs, dead-letter queues first (a redrive policy names its
 * target's ARN). Each queue's `url` is the one fauxqs made.
 */
export async function createQueues(
  template: StackTemplate,
  resolver: TemplateResolver,
  sqs: SQSClient,
): Promise<Map<string, MadeQueue>> {
  const queues = resourcesOfType(template, 'AWS::SQS::Queue');
  const ordered = [...queues.filter(([, p]) => !p.RedrivePolicy), ...queues.filter(([, p]) => p.RedrivePolicy)];
  const made = new Map<string, MadeQueue>();
  for (const [id, properties] of ordered) {
    const p = resolver.resolve(properties);
    const physical = resolver.resource(id);
    const name = physical.attributes.QueueName as string;
    const visibility = Number(p.VisibilityTimeout ?? 30);
    const scaled = Math.max(1, Math.round(visibility / TIME_SCALE));
    const attributes: Record<string, string> = {};
    for (const key of QUEUE_ATTRIBUTES) {
      const value: Json = p[key];
      if (value === undefined) continue;
      attributes[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    attributes.VisibilityTimeout = String(scaled);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    if (!QueueUrl) throw new Error(`fauxqs made no URL for ${name}`);
    made.set(id, {
      logicalId: id,
      url: QueueUrl,
      arn: physical.attributes.Arn as string,
      visibilityTimeoutSeconds: visibility,
      scaledVisibilityTimeoutSeconds: scaled,
      ...(p.RedrivePolicy
        ? {
            maxReceiveCount: Number(p.RedrivePolicy.maxReceiveCount),
            deadLetterQueueArn: p.RedrivePolicy.deadLetterTargetArn,
          }
        : {}),
    });
  }
  return made;
}

/** The names of the template's buckets, for s3rver to create. */
export function bucketNames(template: StackTemplate, resolver: TemplateResolver): string[] {
  return resourcesOfType(template, 'AWS::S3::Bucket').map(([id]) => resolver.resource(id).ref);
}
