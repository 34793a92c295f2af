/**
 * Plays the Lambda SQS event source mapping for the local runtime: long-polls a queue, hands each
 * batch to the very same handler module as an `SQSEvent`, and deletes what the handler did not
 * report as failed (ReportBatchItemFailures). Failed records stay on the queue and come back after
 * their visibility timeout, so the queue's redrive policy moves poison records to its DLQ, as in AWS.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  createLambdaContext,
  failedMessageIds,
  queueArnFromUrl,
  queueNameFromArn,
  toSqsRecord,
} from '#lib/adapters/local/lambda-events';
import type { Logger } from '#lib/ports';

/** The shape of a Lambda SQS handler; handlers that return nothing are whole-batch successes. */
// biome-ignore lint/suspicious/noConfusingVoidType: mirrors aws-lambda's SQSHandler, so any Lambda handler fits.
export type SqsEventHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

/** Where in the cycle an error happened. */
export type SqsPollerStage = 'receive' | 'handler' | 'delete' | 'change-visibility';

export interface SqsPollerOptions {
  client: SQSClient;
  queueUrl: string;
  /** Defaults to the ARN derived from the queue URL and the region. */
  queueArn?: string;
  /** Defaults to the region in `queueArn`, else the client's. */
  region?: string;
  /** `context.functionName`; defaults to the queue name. */
  functionName?: string;
  handler: SqsEventHandler;
  /** Records per invocation, 1–10 (default 10). */
  batchSize?: number;
  /** Parallel receive loops, each running one invocation at a time (default 1). */
  concurrency?: number;
  /** Long-poll wait, 0–20 s (default 20). Tests use 1 or less. */
  waitTimeSeconds?: number;
  /** Sent with ReceiveMessage; by default the queue's own visibility timeout applies, as in AWS. */
  visibilityTimeoutSeconds?: number;
  /**
   * When set, failed records are made visible again after this many seconds instead of after the
   * queue's visibility timeout: quick retries on a laptop. Unset, they are left as they are (AWS).
   */
  failureVisibilityTimeoutSeconds?: number;
  /** What `context.getRemainingTimeInMillis()` counts down from; not enforced (default 30). */
  timeoutSeconds?: number;
  /** First pause after an SQS error; doubles on each consecutive error up to 5 s (default 500). */
  errorBackoffMs?: number;
  logger?: Pick<Logger, 'error'>;
  onError?: (error: unknown, stage: SqsPollerStage) => void;
}

const MAX_BACKOFF_MS = 5_000;

/** Long-polls one queue and invokes a Lambda SQS handler with each batch, like an event source mapping. */
export class SqsPoller {
  private readonly options: SqsPollerOptions;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly waitTimeSeconds: number;
  private readonly logger: Pick<Logger, 'error'>;
  private abort: AbortController | undefined;
  private loops: Promise<void>[] = [];
  private region: string | undefined;

  constructor(options: SqsPollerOptions) {
    const batchSize = options.batchSize ?? 10;
    const concurrency = options.concurrency ?? 1;
    const waitTimeSeconds = options.waitTimeSeconds ?? 20;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10) {
      throw new RangeError(`batchSize must be an integer from 1 to 10, got ${batchSize}`);
    }
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    }
    if (!Number.isInteger(waitTimeSeconds) || waitTimeSeconds < 0 || waitTimeSeconds > 20) {
      throw new RangeError(`waitTimeSeconds must be an integer from 0 to 20, got ${waitTimeSeconds}`);
    }
    this.options = options;
    this.batchSize = batchSize;
    this.concurrency = concurrency;
    this.waitTimeSeconds = waitTimeSeconds;
    this.logger = options.logger ?? stderrLogger;
  }

  /** True between start() and the end of stop(). */
  get running(): boolean {
    return this.abort !== undefined;
  }

  /** Starts the receive loops; a second call while running does nothing. */
  start(): void {
    if (this.abort) return;
    const abort = new AbortController();
    // Every loop's in-flight receive listens on this one signal; Node warns of a leak past 10.
    setMaxListeners(this.concurrency + 1, abort.signal);
    this.abort = abort;
    this.loops = Array.from({ length: this.concurrency }, () =>
      this.runLoop(abort.signal).catch((error: unknown) => this.report(error, 'receive')),
    );
  }

  /**
   * Stops polling: aborts pending long polls, waits for invocations in progress to finish (their
   * successes are still deleted), then resolves. Leaves no timers behind.
   */
  async stop(): Promise<void> {
    const abort = this.abort;
    if (!abort) return;
    abort.abort();
    await Promise.all(this.loops);
    this.loops = [];
    this.abort = undefined;
  }

  private async runLoop(signal: AbortSignal): Promise<void> {
    let consecutiveErrors = 0;
    while (!signal.aborted) {
      let messages: Message[];
      try {
        messages = await this.receive(signal);
        consecutiveErrors = 0;
      } catch (error) {
        if (signal.aborted) return;
        consecutiveErrors += 1;
        this.report(error, 'receive');
        await pause(backoffMs(this.options.errorBackoffMs ?? 500, consecutiveErrors), signal);
        continue;
      }
      // Records received are processed even if stop() came meanwhile, so none wait out a timeout.
      if (messages.length === 0) continue;
      try {
        await this.invoke(messages);
      } catch (error) {
        this.report(error, 'handler');
      }
    }
  }

  private async receive(signal: AbortSignal): Promise<Message[]> {
    const { client, queueUrl, visibilityTimeoutSeconds } = this.options;
    const output = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: this.batchSize,
        WaitTimeSeconds: this.waitTimeSeconds,
        VisibilityTimeout: visibilityTimeoutSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
    return output.Messages ?? [];
  }

  private async invoke(messages: Message[]): Promise<void> {
    const region = await this.resolveRegion();
    const queueArn = this.options.queueArn ?? queueArnFromUrl(this.options.queueUrl, region);
    const event: SQSEvent = { Records: messages.map((m) => toSqsRecord(m, queueArn, region)) };
    const context = createLambdaContext(
      this.options.functionName ?? queueNameFromArn(queueArn),
      region,
      this.options.timeoutSeconds ?? 30,
    );

    let failedIds: Set<string>;
    try {
      const response = await this.options.handler(event, context);
      failedIds = failedMessageIds(response, event.Records);
    } catch (error) {
      this.report(error, 'handler', { awsRequestId: context.awsRequestId });
      failedIds = new Set(event.Records.map((r) => r.messageId));
    }

    const succeeded = event.Records.filter((r) => !failedIds.has(r.messageId));
    const failed = event.Records.filter((r) => failedIds.has(r.messageId));
    await this.deleteRecords(succeeded);
    if (this.options.failureVisibilityTimeoutSeconds !== undefined) {
      await this.changeVisibility(failed, this.options.failureVisibilityTimeoutSeconds);
    }
  }

  private async deleteRecords(records: SQSRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      const output = await this.options.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: records.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
        }),
      );
      for (const failure of output.Failed ?? []) {
        this.report(new Error(`could not delete record: ${failure.Code} ${failure.Message ?? ''}`.trim()), 'delete');
      }
    } catch (error) {
      this.report(error, 'delete');
    }
  }

  private async changeVisibility(records: SQSRecord[], seconds: number): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.options.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: records.map((r, i) => ({
            Id: String(i),
            ReceiptHandle: r.receiptHandle,
            VisibilityTimeout: seconds,
          })),
        }),
      );
    } catch (error) {
      this.report(error, 'change-visibility');
    }
  }

  private async resolveRegion(): Promise<string> {
    if (this.region) return this.region;
    const fromArn = this.options.queueArn?.split(':')[3];
    this.region =
      this.options.region ||
      fromArn ||
      (await this.options.client.config.region().catch(() => undefined)) ||
      'us-east-1';
    return this.region;
  }

  private report(error: unknown, stage: SqsPollerStage, extra: Record<string, unknown> = {}): void {
    try {
      this.options.onError?.(error, stage);
      this.logger.error(`sqs poller: ${stage} failed`, {
        queueUrl: this.options.queueUrl,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        ...extra,
      });
    } catch {
      // A failing logger must not stop the poller.
    }
  }
}

function backoffMs(baseMs: number, consecutiveErrors: number): number {
  return Math.min(baseMs * 2 ** (consecutiveErrors - 1), MAX_BACKOFF_MS);
}

/** Waits, or returns early when the signal aborts; leaves no timer behind either way. */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    // Aborted: the loop sees the signal and ends.
  }
}

const stderrLogger: Pick<Logger, 'error'> = {
  error: (message, extra) => {
    process.stderr.write(`${JSON.stringify({ level: 'ERROR', message, ...extra })}\n`);
  },
};
