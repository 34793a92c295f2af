/**
 * A Lambda SQS event source mapping as the template defines it: pollers that receive up to
 * `BatchSize` records with the function's own credentials (Lambda polls with the execution role, so
 * a role without sqs:ReceiveMessage fails here too), invoke the function with an SQS event, and
 * delete what succeeded: with `ReportBatchItemFailures`, all but the reported failures; on an
 * invocation error, nothing. What is not deleted comes back after the visibility timeout, and goes
 * to the dead-letter queue after the queue's maxReceiveCount, as fauxqs does it.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { LambdaRunner } from './lambda-runner.ts';

/** Long polls end after this long, so a stopped poller ends quickly. */
const WAIT_TIME_SECONDS = 1;
/** After a failed poll (the role may not receive, say), wait before the next. */
const ERROR_BACKOFF_MS = 500;

export interface EventSourceMappingSpec {
  logicalId: string;
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
  /** Pollers at once: the mapping's MaximumConcurrency, bounded by the harness. */
  concurrency: number;
}

/** One batch handed to the function, for assertions. */
export interface PolledBatch {
  messageIds: string[];
  failed: string[];
  error?: string;
}

export class SqsEventSource {
  private running = false;
  private loops: Promise<void>[] = [];
  readonly batches: PolledBatch[] = [];
  /** Errors from the poller's own SQS calls (AccessDenied, say). */
  readonly pollErrors: string[] = [];

  constructor(
    readonly spec: EventSourceMappingSpec,
    private readonly runner: LambdaRunner,
    /** Signed with the function's credentials, through the IAM proxy. */
    private readonly sqs: SQSClient,
    private readonly region: string,
  ) {}

  /** Checks the queue as Lambda does when it enables a mapping, then starts polling. */
  async start(): Promise<void> {
    await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: this.spec.queueUrl, AttributeNames: ['All'] }));
    this.running = true;
    this.loops = Array.from({ length: this.spec.concurrency }, () => this.poll());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async poll(): Promise<void> {
    while (this.running) {
      let messages: Message[];
      try {
        const output = await this.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.spec.queueUrl,
            MaxNumberOfMessages: Math.min(this.spec.batchSize, 10),
            WaitTimeSeconds: WAIT_TIME_SECONDS,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        messages = output.Messages ?? [];
      } catch (error) {
        if (!this.running) return;
        this.pollErrors.push(`${(error as Error).name}: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, ERROR_BACKOFF_MS));
        continue;
      }
      if (messages.length > 0) await this.deliver(messages);
    }
  }

  private async deliver(messages: Message[]): Promise<void> {
    const event: SQSEvent = { Records: messages.map((message) => this.toRecord(message)) };
    const outcome = await this.runner.invoke(event);
    const ids = messages.map((message) => message.MessageId as string);
    let failed: string[];
    if (!outcome.ok) {
      failed = ids;
    } else if (this.spec.reportBatchItemFailures) {
      failed = batchItemFailures(outcome.result, ids);
    } else {
      failed = [];
    }
    this.batches.push({
      messageIds: ids,
      failed,
      ...(outcome.ok ? {} : { error: `${outcome.error.errorType}: ${outcome.error.errorMessage}` }),
    });
    const done = messages.filter((message) => !failed.includes(message.MessageId as string));
    if (done.length === 0) return;
    await this.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.spec.queueUrl,
        Entries: done.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle as string })),
      }),
    );
  }

  private toRecord(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId as string,
      receiptHandle: message.ReceiptHandle as string,
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
        SenderId: attributes.SenderId ?? 'AROA000000000000',
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
        ...(attributes.MessageGroupId ? { MessageGroupId: attributes.MessageGroupId } : {}),
        ...(attributes.MessageDeduplicationId ? { MessageDeduplicationId: attributes.MessageDeduplicationId } : {}),
        ...(attributes.SequenceNumber ? { SequenceNumber: attributes.SequenceNumber } : {}),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          {
            dataType: value.DataType ?? 'String',
            ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
            stringListValues: [],
            binaryListValues: [],
          },
        ]),
      ),
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.spec.queueArn,
      awsRegion: this.region,
    };
  }
}

/**
 * The records a function reported as failed. As Lambda does, a response it cannot read, or one that
 * names a record not in the batch, fails the whole batch.
 */
function batchItemFailures(result: unknown, ids: string[]): string[] {
  if (result === null || result === undefined) return [];
  const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return [];
  if (!Array.isArray(failures)) return ids;
  const named = failures.map((failure) => (failure as { itemIdentifier?: unknown }).itemIdentifier);
  if (named.some((id) => typeof id !== 'string' || id === '' || !ids.includes(id))) return ids;
  return named as string[];
}
