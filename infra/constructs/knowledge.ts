import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { ENV } from '#lib/config';
import { QUEUE_SETTINGS } from '#lib/queue-settings';
import { acknowledgeNag, nagRef } from '../nag.ts';
import { LambdaFunction } from './lambda-function.ts';
import { DLQ_RETENTION, QUEUE_DEFAULTS, acknowledgeDeadLetterQueue } from './messaging.ts';

/**
 * Blob actions, as lib/adapters/aws/s3-blob-store.ts calls them. s3:ListBucket is part of reading:
 * without it S3 answers a missing key with AccessDenied instead of NoSuchKey, and the store could
 * not tell "not there" from "not allowed". Deleting a prefix lists it, then deletes object by object.
 */
const OBJECT_READ = ['s3:GetObject'] as const;
const OBJECT_WRITE = ['s3:PutObject'] as const;
const OBJECT_DELETE = ['s3:DeleteObject'] as const;
const BUCKET_LIST = ['s3:ListBucket'] as const;

export interface KnowledgeProps {
  /** Environment shared by every function (queue URLs, models…); the ingester gets it too. */
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
}

/**
 * Knowledge bases: the documents bucket (originals and passages, keyed by tenant and base) with its
 * access-log bucket, the ingestion queue with its DLQ, and the ingester that consumes it one
 * document at a time. IAM and the variables that go with it are granted by the stack.
 *
 * The bucket is unversioned: a business that deletes a document expects it gone, and everything in
 * it is either its own upload (which it still has) or derived from one (re-indexable), so old
 * versions would only keep deleted data and cost. It is retained with the stack, like the table.
 */
export class Knowledge extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;
  readonly ingestionQueue: sqs.Queue;
  readonly ingestionDlq: sqs.Queue;
  readonly ingester: LambdaFunction;

  constructor(scope: Construct, id: string, props: KnowledgeProps) {
    super(scope, id);
    // Log delivery allowed by a bucket policy rather than the legacy ACL, so both buckets can
    // disable ACLs (BucketOwnerEnforced). Set here, before the buckets, because it is read at creation.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const secureBucket = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    } as const;
    // Who read or deleted which tenant's documents, kept as long as the functions' logs.
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...secureBucket,
      lifecycleRules: [{ expiration: Duration.days(props.logRetention) }],
    });
    acknowledgeNag(
      this.accessLogs,
      'S1',
      'This bucket receives the documents bucket’s server access logs; logging its own access would log the logging.',
    );
    this.bucket = new s3.Bucket(this, 'Documents', {
      ...secureBucket,
      versioned: false,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'documents/',
    });

    this.ingestionDlq = new sqs.Queue(this, 'IngestionDlq', { ...QUEUE_DEFAULTS, retentionPeriod: DLQ_RETENTION });
    acknowledgeDeadLetterQueue(this.ingestionDlq);
    this.ingestionQueue = new sqs.Queue(this, 'IngestionQueue', {
      ...QUEUE_DEFAULTS,
      visibilityTimeout: Duration.seconds(QUEUE_SETTINGS.ingestion.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.ingestionDlq, maxReceiveCount: QUEUE_SETTINGS.ingestion.maxReceiveCount },
    });

    this.ingester = new LambdaFunction(this, 'Ingester', {
      entryName: 'ingester',
      environment: { ...props.environment, ...this.environment },
      logRetention: props.logRetention,
    });
    this.ingester.addEventSource(
      new SqsEventSource(this.ingestionQueue, {
        batchSize: QUEUE_SETTINGS.ingestion.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: QUEUE_SETTINGS.ingestion.maxConcurrency,
      }),
    );
  }

  /** The bucket name and ingestion queue URL, which lib/config.ts requires in every function. */
  get environment(): Record<string, string> {
    return {
      [ENV.documentsBucket]: this.bucket.bucketName,
      [ENV.ingestionQueueUrl]: this.ingestionQueue.queueUrl,
    };
  }

  /** Both variables of `environment` on one function; they grant nothing by themselves. */
  addSettings(fn: LambdaFunction): void {
    for (const [name, value] of Object.entries(this.environment)) fn.addEnvironment(name, value);
  }

  /** Reads blobs (passages, originals) and tells a missing one apart; the settings. */
  grantRead(fn: LambdaFunction): void {
    this.grantBlobs(fn, OBJECT_READ);
  }

  /** Reads and writes blobs; the settings. */
  grantReadWrite(fn: LambdaFunction): void {
    this.grantBlobs(fn, [...OBJECT_READ, ...OBJECT_WRITE]);
  }

  /** Reads, writes and deletes blobs (by prefix: listed, then deleted); the settings. */
  grantReadWriteDelete(fn: LambdaFunction): void {
    this.grantBlobs(fn, [...OBJECT_READ, ...OBJECT_WRITE, ...OBJECT_DELETE]);
  }

  /** sqs:SendMessage (and what it needs) on the ingestion queue; the settings. */
  grantSendIngestion(fn: LambdaFunction): void {
    this.ingestionQueue.grantSendMessages(fn);
    this.addSettings(fn);
  }

  private grantBlobs(fn: LambdaFunction, objectActions: readonly string[]): void {
    const objects = this.bucket.arnForObjects('*');
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: [...objectActions], resources: [objects] }));
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: [...BUCKET_LIST], resources: [this.bucket.bucketArn] }));
    acknowledgeNag(
      fn.role!,
      'IAM5',
      'Blob keys are made at run time (tenant, base, document, upload), so object actions cover the documents bucket’s objects, and only those.',
      `Resource::${nagRef(this.bucket, 'Arn')}/*`,
    );
    this.addSettings(fn);
  }
}
