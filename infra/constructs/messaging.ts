import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '#lib/config';
import { DEAD_LETTER_RETENTION_SECONDS, QUEUE_SETTINGS } from '#lib/queue-settings';
import { acknowledgeNag } from '../nag.ts';
import type { LambdaFunction } from './lambda-function.ts';

/** Dead letters are kept as long as SQS allows (lib/queue-settings.ts says why). */
export const DLQ_RETENTION = Duration.seconds(DEAD_LETTER_RETENTION_SECONDS);

/** Encrypted at rest with SQS-managed keys (free), TLS-only, deleted with the stack (they carry only ids). */
export const QUEUE_DEFAULTS = {
  encryption: sqs.QueueEncryption.SQS_MANAGED,
  enforceSSL: true,
  removalPolicy: RemovalPolicy.DESTROY,
} as const;

/**
 * The two work queues, each with its dead-letter queue: `generation` (FIFO, one message group per
 * conversation, so one conversation is answered by one generator at a time) and `delivery`. Their
 * visibility timeouts and receive counts are lib/queue-settings.ts's.
 */
export class Messaging extends Construct {
  readonly generationQueue: sqs.Queue;
  readonly generationDlq: sqs.Queue;
  readonly deliveryQueue: sqs.Queue;
  readonly deliveryDlq: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.generationDlq = this.deadLetterQueue('GenerationDlq', true);
    this.generationQueue = new sqs.Queue(this, 'GenerationQueue', {
      ...QUEUE_DEFAULTS,
      fifo: true,
      // The code sends the message id as MessageDeduplicationId; two messages with equal text are distinct.
      contentBasedDeduplication: false,
      // High-throughput FIFO: dedup ids are message ids, which never cross conversations (groups).
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      visibilityTimeout: Duration.seconds(QUEUE_SETTINGS.generation.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.generationDlq, maxReceiveCount: QUEUE_SETTINGS.generation.maxReceiveCount },
    });
    this.deliveryDlq = this.deadLetterQueue('DeliveryDlq', false);
    this.deliveryQueue = new sqs.Queue(this, 'DeliveryQueue', {
      ...QUEUE_DEFAULTS,
      visibilityTimeout: Duration.seconds(QUEUE_SETTINGS.delivery.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deliveryDlq, maxReceiveCount: QUEUE_SETTINGS.delivery.maxReceiveCount },
    });
  }

  /** The dead-letter queues, for alarms and the dashboard. */
  get deadLetterQueues(): sqs.Queue[] {
    return [this.generationDlq, this.deliveryDlq];
  }

  /**
   * Both queue URLs as plain environment: lib/config.ts requires them in every function. URLs are
   * not secrets and grant nothing; sending needs the grants below.
   */
  addQueueUrls(fn: LambdaFunction): void {
    fn.addEnvironment(ENV.generationQueueUrl, this.generationQueue.queueUrl);
    fn.addEnvironment(ENV.deliveryQueueUrl, this.deliveryQueue.queueUrl);
  }

  /** sqs:SendMessage (and what it needs) on the generation queue, and the queue URLs. */
  grantSendGeneration(fn: LambdaFunction): void {
    this.generationQueue.grantSendMessages(fn);
    this.addQueueUrls(fn);
  }

  /** sqs:SendMessage (and what it needs) on the delivery queue, and the queue URLs. */
  grantSendDelivery(fn: LambdaFunction): void {
    this.deliveryQueue.grantSendMessages(fn);
    this.addQueueUrls(fn);
  }

  private deadLetterQueue(id: string, fifo: boolean): sqs.Queue {
    const queue = new sqs.Queue(this, id, {
      ...QUEUE_DEFAULTS,
      ...(fifo ? { fifo: true } : {}),
      retentionPeriod: DLQ_RETENTION,
    });
    acknowledgeDeadLetterQueue(queue);
    return queue;
  }
}

/** Shared with the scheduling construct, whose timer DLQ is in the same position. */
export function acknowledgeDeadLetterQueue(queue: sqs.Queue): void {
  acknowledgeNag(
    queue,
    'SQS3',
    'This is a dead-letter queue: what lands here stays until an operator redrives it, and its alarm fires.',
  );
}
