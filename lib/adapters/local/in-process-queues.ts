/**
 * The local runtime's queues: SQS semantics in the runtime's own process, with no SQS API between
 * the functions. A queue keeps its messages in memory; a consumer plays the Lambda event source
 * mapping (batches, ReportBatchItemFailures, concurrency) and is handed each message the moment it
 * is sent, instead of long-polling for it.
 *
 * What SQS does that Parley relies on, kept here: FIFO queues deliver a message group in order,
 * one batch at a time, and drop a deduplication id seen in the last 5 minutes; a received message
 * is invisible for the visibility timeout and comes back if it is not deleted; each receive counts,
 * and a message received more than `maxReceiveCount` times goes to the dead-letter queue; delays
 * hold a message back. The queue adapters (`Sqs*Queue`) send through `InProcessSqs`, which takes
 * the very SendMessage commands they would send to SQS.
 *
 * Why not an SQS emulator on loopback: each message would cost six SQS API calls (send, receive,
 * delete, twice) through the AWS SDK and a TCP hop, and every send woke every waiting long poll.
 * On the runtime's one event loop that was the largest share of its work (BENCHMARKS.md).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ChangeMessageVisibilityCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { createLambdaContext, failedMessageIds, LOCAL_ACCOUNT_ID } from '#lib/adapters/local/lambda-events';
import type { SqsSender } from '#lib/adapters/aws/sqs-queues';
import type { Logger } from '#lib/ports/system';

/** SQS drops a FIFO message whose deduplication id was sent within this long. */
export const FIFO_DEDUPLICATION_WINDOW_MS = 5 * 60 * 1000;
/** SQS's default receives before a message goes to its dead-letter queue, when none is given. */
const DEFAULT_MAX_RECEIVE_COUNT = 5;
const REGION = 'us-east-1';
/** Where the in-process queues' URLs point: nothing listens there, the queues are in this process. */
const IN_PROCESS_SQS_ENDPOINT = 'in-process://local';

/** The Lambda SQS handler shape; one that returns nothing succeeded for the whole batch. */
// biome-ignore lint/suspicious/noConfusingVoidType: mirrors aws-lambda's SQSHandler, so any Lambda handler fits.
export type SqsEventHandler = (event: SQSEvent, context: Context) => Promise<{ batchItemFailures: unknown } | void>;

export interface InProcessQueueOptions {
  /** A name ending in `.fifo` makes a FIFO queue, as in SQS. */
  name: string;
  visibilityTimeoutSeconds: number;
  /** Where a message goes after `maxReceiveCount` receives; without one it stays on the queue. */
  deadLetterQueue?: InProcessQueue;
  maxReceiveCount?: number;
}

export interface SendOptions {
  body: string;
  /** FIFO only: messages of one group are delivered in order, one batch at a time. */
  groupId?: string;
  /** FIFO only: a second send of this id within 5 minutes is dropped. */
  deduplicationId?: string;
  delaySeconds?: number;
}

interface StoredMessage {
  id: string;
  body: string;
  groupId?: string;
  deduplicationId?: string;
  sequenceNumber: string;
  sentAt: number;
  /** When it can next be received: after its delay, or after its visibility timeout once received. */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** Set while received and not deleted; a delete or visibility change with another handle is ignored. */
  receiptHandle?: string;
  /** Its visibility was changed (ChangeMessageVisibility) since it was last received. */
  visibilityChanged?: boolean;
}

/** One queue with SQS semantics, in memory. */
export class InProcessQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly fifo: boolean;
  private readonly options: InProcessQueueOptions;
  /** In send order: what FIFO groups are delivered in. */
  private messages: StoredMessage[] = [];
  private readonly recentDeduplicationIds = new Map<string, number>();
  private sequence = 0;
  private readonly listeners = new Set<() => void>();
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Number.POSITIVE_INFINITY;

  constructor(options: InProcessQueueOptions) {
    this.options = options;
    this.name = options.name;
    this.fifo = options.name.endsWith('.fifo');
    this.url = `${IN_PROCESS_SQS_ENDPOINT}/${LOCAL_ACCOUNT_ID}/${options.name}`;
    this.arn = `arn:aws:sqs:${REGION}:${LOCAL_ACCOUNT_ID}:${options.name}`;
  }

  /** Messages on the queue, visible or not, as SQS's ApproximateNumberOfMessages* would add up. */
  get size(): number {
    return this.messages.length;
  }

  /** The bodies on the queue, oldest first (a dead-letter queue's contents, for a person or a test). */
  bodies(): string[] {
    return this.messages.map((m) => m.body);
  }

  /** Adds a message; returns its id (a duplicate FIFO send returns undefined and adds nothing). */
  send(options: SendOptions, now = Date.now()): string | undefined {
    if (this.fifo && !options.groupId) throw new Error(`${this.name}: a FIFO message needs a group id`);
    // As SQS: a FIFO queue delays whole queues, never one message.
    if (this.fifo && (options.delaySeconds ?? 0) > 0) throw new Error(`${this.name}: a FIFO message cannot be delayed`);
    if (this.fifo && options.deduplicationId) {
      this.forgetOldDeduplicationIds(now);
      if (this.recentDeduplicationIds.has(options.deduplicationId)) return undefined;
      this.recentDeduplicationIds.set(options.deduplicationId, now);
    }
    const message: StoredMessage = {
      id: randomUUID(),
      body: options.body,
      sequenceNumber: String(++this.sequence).padStart(20, '0'),
      sentAt: now,
      visibleAt: now + Math.max(0, options.delaySeconds ?? 0) * 1000,
      receiveCount: 0,
      ...(this.fifo && { groupId: options.groupId, deduplicationId: options.deduplicationId }),
    };
    this.messages.push(message);
    this.changed(message.visibleAt, now);
    return message.id;
  }

  /**
   * Up to `max` visible messages, now invisible for the visibility timeout. In a FIFO queue a group
   * with a message in flight gives nothing, and the messages taken from a group are its first ones.
   * A message past its receive limit goes to the dead-letter queue instead of being returned.
   */
  receive(max: number, now = Date.now()): SQSRecord[] {
    const taken: StoredMessage[] = [];
    const blockedGroups = this.fifo ? this.groupsInFlight(now) : new Set<string>();
    for (const message of [...this.messages]) {
      if (taken.length >= max) break;
      const group = message.groupId;
      // Blocked: in flight, or behind a message not yet visible. No exception for a group already
      // taken from in this call (there was one, and it let a message overtake a delayed one).
      if (group !== undefined && blockedGroups.has(group)) continue;
      if (message.visibleAt > now) {
        // A FIFO group is delivered in order: nothing behind a message that is not yet visible.
        if (group !== undefined) blockedGroups.add(group);
        continue;
      }
      if (message.receiveCount >= (this.options.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT)) {
        if (this.options.deadLetterQueue) {
          this.remove(message);
          this.options.deadLetterQueue.send({ body: message.body, groupId: message.groupId }, now);
          continue;
        }
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.receiptHandle = randomUUID();
      message.visibilityChanged = false;
      message.visibleAt = now + this.options.visibilityTimeoutSeconds * 1000;
      taken.push(message);
      this.changed(message.visibleAt, now);
    }
    return taken.map((m) => this.toRecord(m));
  }

  /** Deletes a received message; a handle from an earlier receive deletes nothing. */
  delete(receiptHandle: string): void {
    const message = this.messages.find((m) => m.receiptHandle === receiptHandle);
    if (message) {
      this.remove(message);
      // A FIFO group may now be free.
      if (this.fifo) this.changed(Date.now(), Date.now());
    }
  }

  /** Makes a received message visible again after `seconds`, as ChangeMessageVisibility does. */
  changeVisibility(receiptHandle: string, seconds: number, now = Date.now()): void {
    const message = this.messages.find((m) => m.receiptHandle === receiptHandle);
    if (!message) return;
    message.visibleAt = now + seconds * 1000;
    message.visibilityChanged = true;
    this.changed(message.visibleAt, now);
  }

  /**
   * Brings a failed message back after `seconds` (the consumer's failure visibility), unless the
   * handler already set its visibility itself: a generator waiting out a busy model hides its
   * record for the wait, which a shorter failure visibility must not cut short.
   */
  releaseFailed(receiptHandle: string, seconds: number, now = Date.now()): void {
    const message = this.messages.find((m) => m.receiptHandle === receiptHandle);
    if (!message || message.visibilityChanged) return;
    message.visibleAt = now + seconds * 1000;
    this.changed(message.visibleAt, now);
  }

  /** Calls `listener` whenever a message may have become receivable; returns the unsubscribe. */
  onReceivable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Clears the wake-up timer; the messages stay. */
  close(): void {
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeAt = Number.POSITIVE_INFINITY;
  }

  private groupsInFlight(now: number): Set<string> {
    const groups = new Set<string>();
    for (const m of this.messages) {
      if (m.groupId !== undefined && m.receiptHandle !== undefined && m.visibleAt > now) groups.add(m.groupId);
    }
    return groups;
  }

  private remove(message: StoredMessage): void {
    this.messages = this.messages.filter((m) => m !== message);
  }

  private forgetOldDeduplicationIds(now: number): void {
    for (const [id, sentAt] of this.recentDeduplicationIds) {
      // Insertion order is send order: the first recent one ends the sweep.
      if (now - sentAt < FIFO_DEDUPLICATION_WINDOW_MS) break;
      this.recentDeduplicationIds.delete(id);
    }
  }

  /** Tells the listeners now if `at` has come, else arms one timer for the earliest such moment. */
  private changed(at: number, now: number): void {
    if (at <= now) {
      for (const listener of this.listeners) queueMicrotask(listener);
      return;
    }
    if (at >= this.wakeAt) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAt = Number.POSITIVE_INFINITY;
      const later = this.messages.map((m) => m.visibleAt).filter((t) => t > Date.now());
      if (later.length > 0) this.changed(Math.min(...later), Date.now());
      this.changed(Date.now(), Date.now());
    }, at - now);
    this.wakeTimer.unref();
  }

  private toRecord(message: StoredMessage): SQSRecord {
    return {
      messageId: message.id,
      receiptHandle: message.receiptHandle ?? '',
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: LOCAL_ACCOUNT_ID,
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
        ...(this.fifo && {
          SequenceNumber: message.sequenceNumber,
          MessageGroupId: message.groupId,
          MessageDeduplicationId: message.deduplicationId,
        }),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(message.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: REGION,
    };
  }
}

export interface ConsumerOptions {
  handler: SqsEventHandler;
  /** `context.functionName`. */
  functionName: string;
  /** Records per invocation, 1–10. */
  batchSize: number;
  /** Invocations at once: Lambda's concurrency for this function. */
  concurrency: number;
  /** When set, failed records come back after this many seconds rather than the visibility timeout. */
  failureVisibilityTimeoutSeconds?: number;
  /** What `context.getRemainingTimeInMillis()` counts down from; not enforced. */
  timeoutSeconds?: number;
  logger: Pick<Logger, 'error'>;
}

/**
 * Plays the Lambda event source mapping for one in-process queue: invokes the handler with each
 * batch as soon as a message is receivable and an invocation is free, deletes what succeeded and
 * leaves the failures to come back (ReportBatchItemFailures).
 */
export class InProcessConsumer {
  private readonly queue: InProcessQueue;
  private readonly options: ConsumerOptions;
  private readonly running = new Set<Promise<void>>();
  private unsubscribe: (() => void) | undefined;

  constructor(queue: InProcessQueue, options: ConsumerOptions) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1 || options.batchSize > 10) {
      throw new RangeError(`batchSize must be an integer from 1 to 10, got ${options.batchSize}`);
    }
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
    }
    this.queue = queue;
    this.options = options;
  }

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.queue.onReceivable(() => this.dispatch());
    this.dispatch();
  }

  /** Stops taking messages and waits for the invocations in progress (their successes are deleted). */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    while (this.running.size > 0) await Promise.all(this.running);
  }

  private dispatch(): void {
    while (this.unsubscribe && this.running.size < this.options.concurrency) {
      const records = this.queue.receive(this.options.batchSize);
      if (records.length === 0) return;
      const invocation = this.invoke(records).finally(() => {
        this.running.delete(invocation);
        this.dispatch();
      });
      this.running.add(invocation);
    }
  }

  private async invoke(records: SQSRecord[]): Promise<void> {
    const context = createLambdaContext(this.options.functionName, REGION, this.options.timeoutSeconds ?? 30);
    let failed: Set<string>;
    try {
      const response = await this.options.handler({ Records: records }, context);
      failed = failedMessageIds(response, records);
    } catch (error) {
      failed = new Set(records.map((r) => r.messageId));
      try {
        this.options.logger.error(`${this.options.functionName}: invocation failed`, {
          queue: this.queue.name,
          awsRequestId: context.awsRequestId,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
      } catch {
        // A failing logger must not keep the batch from being settled.
      }
    }
    for (const record of records) {
      if (!failed.has(record.messageId)) this.queue.delete(record.receiptHandle);
      else if (this.options.failureVisibilityTimeoutSeconds !== undefined) {
        this.queue.releaseFailed(record.receiptHandle, this.options.failureVisibilityTimeoutSeconds);
      }
    }
  }
}

/**
 * The SendMessage half of an SQS client, over in-process queues: what the `Sqs*Queue` adapters are
 * given in the local runtime. Queues are registered by the runtime and found by their URL.
 */
export class InProcessSqs implements SqsSender {
  private readonly queues = new Map<string, InProcessQueue>();

  /** Creates a queue (with `<name>-dlq` as its dead-letter queue when `maxReceiveCount` is set). */
  createQueue(options: { name: string; visibilityTimeoutSeconds: number; maxReceiveCount?: number }): {
    queue: InProcessQueue;
    deadLetterQueue: InProcessQueue | undefined;
  } {
    const fifo = options.name.endsWith('.fifo');
    const base = fifo ? options.name.slice(0, -'.fifo'.length) : options.name;
    const deadLetterQueue =
      options.maxReceiveCount === undefined
        ? undefined
        : this.register(
            new InProcessQueue({ name: `${base}-dlq${fifo ? '.fifo' : ''}`, visibilityTimeoutSeconds: 30 }),
          );
    const queue = this.register(
      new InProcessQueue({
        name: options.name,
        visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
        ...(deadLetterQueue && { deadLetterQueue, maxReceiveCount: options.maxReceiveCount }),
      }),
    );
    return { queue, deadLetterQueue };
  }

  async send(command: SendMessageCommand | ChangeMessageVisibilityCommand): Promise<{ MessageId?: string }> {
    const queue = command.input.QueueUrl === undefined ? undefined : this.queues.get(command.input.QueueUrl);
    if (!queue) throw new Error(`no in-process queue at ${String(command.input.QueueUrl)}`);
    if ('ReceiptHandle' in command.input) {
      const { ReceiptHandle, VisibilityTimeout } = command.input;
      if (ReceiptHandle !== undefined) queue.changeVisibility(ReceiptHandle, VisibilityTimeout ?? 0);
      return {};
    }
    const input = command.input;
    const id = queue.send({
      body: input.MessageBody ?? '',
      ...(input.MessageGroupId !== undefined && { groupId: input.MessageGroupId }),
      ...(input.MessageDeduplicationId !== undefined && { deduplicationId: input.MessageDeduplicationId }),
      ...(input.DelaySeconds !== undefined && { delaySeconds: input.DelaySeconds }),
    });
    return id === undefined ? {} : { MessageId: id };
  }

  /** Stops every queue's timer and forgets the queues (and what is on them), so a runtime can start again. */
  close(): void {
    for (const queue of this.queues.values()) queue.close();
    this.queues.clear();
  }

  private register(queue: InProcessQueue): InProcessQueue {
    if (this.queues.has(queue.url)) throw new Error(`queue ${queue.name} exists`);
    this.queues.set(queue.url, queue);
    return queue;
  }
}

/**
 * The one set of in-process queues of this process: the local runtime creates its queues here, and
 * its composition (local/composition.ts) gives it to the queue adapters as their SQS client.
 */
export const inProcessSqs = new InProcessSqs();
