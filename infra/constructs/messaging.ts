import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '#lib/config';
import { GENERATION_MAX_RECEIVE_COUNT } from '#lib/adapters/aws/sqs-queues';
import { MAX_GENERATION_ATTEMPTS } from '#lib/domain/limits';
import { acknowledgeNag } from '../nag.ts';
import type { LambdaFunction } from './lambda-function.ts';

/**
 * Receives before a delivery record goes to its DLQ. Not fewer than the generator's own attempt
 * limit. The generation queue takes GENERATION_MAX_RECEIVE_COUNT, which adds the waits for a busy model.
 */
export const MAX_RECEIVE_COUNT = Math.max(5, MAX_GENERATION_ATTEMPTS);
/** Dead letters are kept as long as SQS allows, so an operator back from a holiday can still redrive them. */
export const DLQ_RETENTION = Duration.days(14);

/**
 * AWS's advice for a queue that feeds a Lambda: visibility ≥ 6 × the function timeout, so records
 * whose invocation was throttled or retried are not received again while still being worked on.
 */
export function visibilityTimeoutFor(consumerTimeout: Duration): Duration {
  return Duration.seconds(6 * consumerTimeout.toSeconds());
}

/** Encrypted at rest with SQS-managed keys (free), TLS-only, deleted with the stack (they carry only ids). */
export const QUEUE_DEFAULTS = {
  encryption: sqs.QueueEncryption.SQS_MANAGED,
  enforceSSL: true,
  removalPolicy: RemovalPolicy.DESTROY,
} as const;

export interface MessagingProps {
  /** The generator's timeout; the generation queue's visibility is derived from it. */
  readonly generationConsumerTimeout: Duration;
  /** The delivery function's timeout; the delivery queue's visibility is derived from it. */
  readonly deliveryConsumerTimeout: Duration;
}

/**
 * The two work queues, each with its dead-letter queue: `generation` (FIFO, one message group per
 * conversation, so one conversation is answered by one generator at a time) and `delivery`.
 */
export class Messaging extends Construct {
  readonly generationQueue: sqs.Queue;
  readonly generationDlq: sqs.Queue;
  readonly deliveryQueue: sqs.Queue;
  readonly deliveryDlq: sqs.Queue;

  constructor(scope: Construct, id: string, props: MessagingProps) {
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
      visibilityTimeout: visibilityTimeoutFor(props.generationConsumerTimeout),
      deadLetterQueue: { queue: this.generationDlq, maxReceiveCount: GENERATION_MAX_RECEIVE_COUNT },
    });
    this.deliveryDlq = this.deadLetterQueue('DeliveryDlq', false);
    this.deliveryQueue = new sqs.Queue(this, 'DeliveryQueue', {
      ...QUEUE_DEFAULTS,
      visibilityTimeout: visibilityTimeoutFor(props.deliveryConsumerTimeout),
      deadLetterQueue: { queue: this.deliveryDlq, maxReceiveCount: MAX_RECEIVE_COUNT },
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
