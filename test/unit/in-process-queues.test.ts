import { createHash } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { Context, SQSEvent } from 'aws-lambda';
import {
  SqsDeliveryQueue,
  SqsGenerationQueue,
  deliveryJobFromRecord,
  generationJobFromRecord,
} from '#lib/adapters/aws/sqs-queues';
import {
  type ConsumerOptions,
  FIFO_DEDUPLICATION_WINDOW_MS,
  InProcessConsumer,
  type InProcessQueue,
  InProcessSqs,
} from '#lib/adapters/local/in-process-queues';

let sqs: InProcessSqs;
const consumers: InProcessConsumer[] = [];

afterEach(async () => {
  jest.useRealTimers();
  await Promise.all(consumers.splice(0).map((c) => c.stop()));
  sqs?.close();
});

/** A fresh set of queues per test, never the runtime's singleton. */
function createQueue(options: { name: string; visibilityTimeoutSeconds?: number; maxReceiveCount?: number }) {
  sqs = new InProcessSqs();
  return sqs.createQueue({ visibilityTimeoutSeconds: 30, ...options });
}

function startConsumer(queue: InProcessQueue, options: Partial<ConsumerOptions>): InProcessConsumer {
  const consumer = new InProcessConsumer(queue, {
    functionName: 'parley-test',
    handler: async () => undefined,
    batchSize: 10,
    concurrency: 1,
    logger: { error: () => undefined },
    ...options,
  });
  consumers.push(consumer);
  consumer.start();
  return consumer;
}

async function waitUntil(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Lets queued microtasks (a consumer's wake-up, an invocation's end) run. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

function failAll(event: SQSEvent) {
  return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
}

describe('InProcessSqs', () => {
  it('refuses a send to a queue it does not know', async () => {
    sqs = new InProcessSqs();

    const sending = new SqsDeliveryQueue({ queueUrl: 'in-process://local/000000000000/nowhere', client: sqs });

    await expect(sending.enqueueDelivery({ tenantId: 't', deliveryId: 'd' })).rejects.toThrow(/no in-process queue/);
  });

  it('names the dead-letter queue <name>-dlq, and <base>-dlq.fifo for a FIFO queue', () => {
    sqs = new InProcessSqs();

    const standard = sqs.createQueue({ name: 'parley-delivery', visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    const fifo = sqs.createQueue({ name: 'parley-generation.fifo', visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    const withoutDlq = sqs.createQueue({ name: 'parley-other', visibilityTimeoutSeconds: 30 });

    expect(standard.deadLetterQueue?.name).toBe('parley-delivery-dlq');
    expect(standard.deadLetterQueue?.fifo).toBe(false);
    expect(fifo.deadLetterQueue?.name).toBe('parley-generation-dlq.fifo');
    expect(fifo.deadLetterQueue?.fifo).toBe(true);
    expect(withoutDlq.deadLetterQueue).toBeUndefined();
  });

  it('refuses a FIFO send without a message group id', async () => {
    const { queue } = createQueue({ name: 'generation.fifo' });

    expect(() => queue.send({ body: '{}' })).toThrow(/needs a group id/);
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{}' }))).rejects.toThrow(
      /needs a group id/,
    );
  });
});

describe('InProcessQueue', () => {
  it('drops a second FIFO send of a deduplication id within the window, and accepts it after', () => {
    const { queue } = createQueue({ name: 'generation.fifo' });
    const start = Date.now();

    const first = queue.send({ body: 'a', groupId: 'g', deduplicationId: 'm1' }, start);
    const duplicate = queue.send({ body: 'a', groupId: 'g', deduplicationId: 'm1' }, start + 1_000);
    const lastDuplicate = queue.send(
      { body: 'a', groupId: 'g', deduplicationId: 'm1' },
      start + FIFO_DEDUPLICATION_WINDOW_MS - 1,
    );
    const afterWindow = queue.send(
      { body: 'a', groupId: 'g', deduplicationId: 'm1' },
      start + FIFO_DEDUPLICATION_WINDOW_MS,
    );

    expect(first).toEqual(expect.any(String));
    expect(duplicate).toBeUndefined();
    expect(lastDuplicate).toBeUndefined();
    expect(afterWindow).toEqual(expect.any(String));
    expect(queue.size).toBe(2);
  });

  it('drops a second job for the same message id sent through the generation adapter', async () => {
    const { queue } = createQueue({ name: 'generation.fifo' });
    const adapter = new SqsGenerationQueue({ queueUrl: queue.url, client: sqs });
    const job = { tenantId: 't', conversationId: 'c', messageId: 'm1' };

    await adapter.enqueueGeneration(job);
    await adapter.enqueueGeneration(job);
    await adapter.enqueueGeneration({ ...job, messageId: 'm2' });

    expect(queue.bodies().map((body) => JSON.parse(body).messageId)).toEqual(['m1', 'm2']);
  });

  it('refuses to delay a single FIFO message, as SQS does', () => {
    const { queue } = createQueue({ name: 'generation.fifo' });

    expect(() => queue.send({ body: 'm1', groupId: 'g', delaySeconds: 1 })).toThrow(/cannot be delayed/);
  });

  it("keeps a FIFO group's later messages behind a failed one until it comes back", () => {
    const { queue } = createQueue({ name: 'generation.fifo' });
    const start = Date.now();
    queue.send({ body: 'm1', groupId: 'g' }, start);
    queue.send({ body: 'm2', groupId: 'g' }, start);

    const [first] = queue.receive(1, start);
    queue.changeVisibility(first?.receiptHandle ?? '', 5, start);
    const meanwhile = queue.receive(10, start + 4_999);
    const again = queue.receive(1, start + 5_000).map((r) => r.body);

    expect(first?.body).toBe('m1');
    expect(meanwhile).toEqual([]);
    expect(again).toEqual(['m1']);
  });

  it('keeps a message invisible for the visibility timeout once received', () => {
    const { queue } = createQueue({ name: 'delivery', visibilityTimeoutSeconds: 30 });
    const start = Date.now();
    queue.send({ body: 'x' }, start);

    const [first] = queue.receive(10, start);
    const during = queue.receive(10, start + 29_999);
    const [again] = queue.receive(10, start + 30_000);

    expect(first?.attributes.ApproximateReceiveCount).toBe('1');
    expect(during).toEqual([]);
    expect(again?.attributes.ApproximateReceiveCount).toBe('2');
    expect(again?.receiptHandle).not.toBe(first?.receiptHandle);
  });
});

describe('InProcessConsumer', () => {
  it('hands a batch to the handler as an SQSEvent, as Lambda would', async () => {
    const { queue } = createQueue({ name: 'parley-delivery' });
    const adapter = new SqsDeliveryQueue({ queueUrl: queue.url, client: sqs });
    const sentAfter = Date.now();
    await adapter.enqueueDelivery({ tenantId: 'ten_1', deliveryId: 'dlv_1' });
    await adapter.enqueueDelivery({ tenantId: 'ten_1', deliveryId: 'dlv_2' });
    const invocations: Array<{ event: SQSEvent; context: Context; remainingMs: number }> = [];

    startConsumer(queue, {
      functionName: 'parley-delivery',
      timeoutSeconds: 30,
      handler: async (event, context) => {
        invocations.push({ event, context, remainingMs: context.getRemainingTimeInMillis() });
      },
    });
    await waitUntil(() => invocations.length === 1);

    const records = invocations[0]?.event.Records ?? [];
    expect(records.map((r) => deliveryJobFromRecord(r).deliveryId)).toEqual(['dlv_1', 'dlv_2']);
    for (const record of records) {
      expect(record).toMatchObject({
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:parley-delivery`,
        awsRegion: 'us-east-1',
        md5OfBody: createHash('md5').update(record.body).digest('hex'),
        attributes: { ApproximateReceiveCount: '1', SenderId: expect.any(String) },
      });
      expect(Number(record.attributes.SentTimestamp)).toBeGreaterThanOrEqual(sentAfter);
      expect(Number(record.attributes.SentTimestamp)).toBeLessThanOrEqual(Date.now());
      expect(record.receiptHandle).not.toBe('');
    }
    expect(queue.arn).toBe(records[0]?.eventSourceARN);
    const first = invocations[0];
    expect(first?.context.functionName).toBe('parley-delivery');
    expect(first?.context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first?.remainingMs).toBeGreaterThan(25_000);
    expect(first?.remainingMs).toBeLessThanOrEqual(30_000);
  });

  it('gives FIFO records their group, deduplication id and sequence number', async () => {
    const { queue } = createQueue({ name: 'parley-generation.fifo' });
    await new SqsGenerationQueue({ queueUrl: queue.url, client: sqs }).enqueueGeneration({
      tenantId: 'ten_1',
      conversationId: 'conv_1',
      messageId: 'msg_1',
    });
    const events: SQSEvent[] = [];

    startConsumer(queue, { handler: async (event) => void events.push(event) });
    await waitUntil(() => events.length === 1);

    expect(events[0]?.Records[0]?.attributes).toMatchObject({
      MessageGroupId: 'ten_1#conv_1',
      MessageDeduplicationId: 'msg_1',
      SequenceNumber: expect.stringMatching(/^\d{20}$/),
    });
  });

  it('deletes the records the handler did not report as failed', async () => {
    const { queue } = createQueue({ name: 'delivery' });
    const adapter = new SqsDeliveryQueue({ queueUrl: queue.url, client: sqs });
    for (const deliveryId of ['dlv_1', 'dlv_2', 'dlv_3']) await adapter.enqueueDelivery({ tenantId: 't', deliveryId });
    let handled = 0;

    const consumer = startConsumer(queue, {
      handler: async (event) => {
        handled += event.Records.length;
        return {
          batchItemFailures: event.Records.filter((r) => r.body.includes('dlv_2')).map((r) => ({
            itemIdentifier: r.messageId,
          })),
        };
      },
    });
    await waitUntil(() => handled === 3);
    await consumer.stop();

    expect(queue.bodies().map((body) => JSON.parse(body).deliveryId)).toEqual(['dlv_2']);
    expect(queue.receive(10)).toEqual([]);
  });

  it('keeps the whole batch when the handler reports a failure for an unknown record, as Lambda does', async () => {
    const { queue } = createQueue({ name: 'delivery' });
    const adapter = new SqsDeliveryQueue({ queueUrl: queue.url, client: sqs });
    await adapter.enqueueDelivery({ tenantId: 't', deliveryId: 'dlv_1' });
    await adapter.enqueueDelivery({ tenantId: 't', deliveryId: 'dlv_2' });
    let handled = 0;

    const consumer = startConsumer(queue, {
      handler: async (event) => {
        handled += event.Records.length;
        return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
      },
    });
    await waitUntil(() => handled === 2);
    await consumer.stop();

    expect(queue.size).toBe(2);
    expect(queue.receive(10)).toEqual([]);
  });

  it('brings a reported failure back after failureVisibilityTimeoutSeconds with its receive count raised', async () => {
    const { queue } = createQueue({ name: 'delivery', visibilityTimeoutSeconds: 300 });
    await new SqsDeliveryQueue({ queueUrl: queue.url, client: sqs }).enqueueDelivery({
      tenantId: 't',
      deliveryId: 'd',
    });
    const receiveCounts: string[] = [];

    startConsumer(queue, {
      failureVisibilityTimeoutSeconds: 0,
      handler: async (event) => {
        receiveCounts.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
        return receiveCounts.length === 1 ? failAll(event) : undefined;
      },
    });
    await waitUntil(() => receiveCounts.length === 2);
    await waitUntil(() => queue.size === 0);

    expect(receiveCounts).toEqual(['1', '2']);
  });

  it('keeps a failed record hidden for as long as the handler deferred it (ChangeMessageVisibility), not the failure timeout', async () => {
    const { queue } = createQueue({ name: 'parley-generation.fifo', visibilityTimeoutSeconds: 300 });
    const generation = new SqsGenerationQueue({ queueUrl: queue.url, client: sqs });
    await generation.enqueueGeneration({ tenantId: 't', conversationId: 'c', messageId: 'm1' });
    const receivedAt: number[] = [];

    startConsumer(queue, {
      failureVisibilityTimeoutSeconds: 0,
      handler: async (event) => {
        receivedAt.push(Date.now());
        if (receivedAt.length > 1) return undefined;
        for (const record of event.Records) await generation.deferRecord(record.receiptHandle, 1);
        return failAll(event);
      },
    });
    await waitUntil(() => receivedAt.length === 2, 3_000);
    await waitUntil(() => queue.size === 0);

    const [first = 0, second = 0] = receivedAt;
    expect(second - first).toBeGreaterThanOrEqual(1_000);
  });

  it('keeps the rest of a FIFO group behind a deferred record until it comes back', () => {
    const { queue } = createQueue({ name: 'parley-generation.fifo', visibilityTimeoutSeconds: 300 });
    queue.send({ body: 'first', groupId: 'c', deduplicationId: '1' }, 0);
    queue.send({ body: 'second', groupId: 'c', deduplicationId: '2' }, 0);
    const [first] = queue.receive(1, 0);
    queue.changeVisibility(first?.receiptHandle ?? '', 30, 0);
    queue.releaseFailed(first?.receiptHandle ?? '', 0, 0);

    const whileWaiting = queue.receive(10, 29_999);
    const after = queue.receive(10, 30_000);

    expect(whileWaiting).toEqual([]);
    expect(after.map((r) => [r.body, r.attributes.ApproximateReceiveCount])).toEqual([
      ['first', '2'],
      ['second', '1'],
    ]);
  });

  it('brings a reported failure back after the visibility timeout when no failure timeout is set', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    const { queue } = createQueue({ name: 'delivery', visibilityTimeoutSeconds: 30 });
    await new SqsDeliveryQueue({ queueUrl: queue.url, client: sqs }).enqueueDelivery({
      tenantId: 't',
      deliveryId: 'd',
    });
    const receiveCounts: string[] = [];
    startConsumer(queue, {
      handler: async (event) => {
        receiveCounts.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
        return receiveCounts.length === 1 ? failAll(event) : undefined;
      },
    });
    await settle();

    await jest.advanceTimersByTimeAsync(29_999);
    const beforeTimeout = [...receiveCounts];
    await jest.advanceTimersByTimeAsync(1);
    await settle();

    expect(beforeTimeout).toEqual(['1']);
    expect(receiveCounts).toEqual(['1', '2']);
    expect(queue.size).toBe(0);
  });

  it('treats a handler that throws as a failure of the whole batch, and logs it', async () => {
    const { queue } = createQueue({ name: 'delivery' });
    const adapter = new SqsDeliveryQueue({ queueUrl: queue.url, client: sqs });
    await adapter.enqueueDelivery({ tenantId: 't', deliveryId: 'dlv_1' });
    await adapter.enqueueDelivery({ tenantId: 't', deliveryId: 'dlv_2' });
    const seen: string[] = [];
    const error = jest.fn();

    startConsumer(queue, {
      functionName: 'parley-delivery',
      failureVisibilityTimeoutSeconds: 0,
      logger: { error },
      handler: async (event) => {
        seen.push(
          ...event.Records.map((r) => `${deliveryJobFromRecord(r).deliveryId}#${r.attributes.ApproximateReceiveCount}`),
        );
        if (event.Records.some((r) => r.attributes.ApproximateReceiveCount === '1')) {
          throw new Error('model unavailable');
        }
      },
    });
    await waitUntil(() => queue.size === 0);

    expect(seen).toEqual(['dlv_1#1', 'dlv_2#1', 'dlv_1#2', 'dlv_2#2']);
    expect(error).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledWith(
      'parley-delivery: invocation failed',
      expect.objectContaining({ queue: 'delivery', error: 'Error: model unavailable' }),
    );
  });

  it('moves a record that keeps failing to the dead-letter queue after maxReceiveCount receives', async () => {
    const { queue, deadLetterQueue } = createQueue({ name: 'generation.fifo', maxReceiveCount: 2 });
    await new SqsGenerationQueue({ queueUrl: queue.url, client: sqs }).enqueueGeneration({
      tenantId: 't',
      conversationId: 'c',
      messageId: 'm',
    });
    let attempts = 0;

    startConsumer(queue, {
      batchSize: 1,
      failureVisibilityTimeoutSeconds: 0,
      handler: async (event) => {
        attempts += event.Records.length;
        return failAll(event);
      },
    });
    await waitUntil(() => (deadLetterQueue?.size ?? 0) > 0);

    expect(attempts).toBe(2);
    expect(queue.size).toBe(0);
    const bodies = deadLetterQueue?.bodies() ?? [];
    expect(bodies.map((body) => generationJobFromRecord({ messageId: 'x', body }))).toEqual([
      { tenantId: 't', conversationId: 'c', messageId: 'm' },
    ]);
  });

  it('keeps FIFO order within each conversation with three invocations at once', async () => {
    const { queue } = createQueue({ name: 'generation.fifo' });
    const adapter = new SqsGenerationQueue({ queueUrl: queue.url, client: sqs });
    for (let i = 1; i <= 5; i++) {
      await adapter.enqueueGeneration({ tenantId: 't', conversationId: 'a', messageId: `a${i}` });
      await adapter.enqueueGeneration({ tenantId: 't', conversationId: 'b', messageId: `b${i}` });
    }
    const handled: string[] = [];
    let running = 0;
    let mostAtOnce = 0;

    startConsumer(queue, {
      batchSize: 1,
      concurrency: 3,
      handler: async (event) => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        for (const record of event.Records) {
          // Uneven times, so a group that is not held back would overtake itself.
          await new Promise((resolve) => setTimeout(resolve, record.body.includes('"a') ? 3 : 1));
          handled.push(generationJobFromRecord(record).messageId);
        }
        running -= 1;
      },
    });
    await waitUntil(() => handled.length === 10);

    expect(handled.filter((id) => id.startsWith('a'))).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(handled.filter((id) => id.startsWith('b'))).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
    // One invocation per group at a time: the third is never used with two groups.
    expect(mostAtOnce).toBe(2);
  });

  it('does not hand over a delayed delivery before its delay', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    const { queue } = createQueue({ name: 'delivery' });
    const handled: string[] = [];
    startConsumer(queue, {
      handler: async (event) => void handled.push(...event.Records.map((r) => deliveryJobFromRecord(r).deliveryId)),
    });

    await new SqsDeliveryQueue({ queueUrl: queue.url, client: sqs }).enqueueDelivery(
      { tenantId: 't', deliveryId: 'later' },
      2,
    );
    await settle();
    await jest.advanceTimersByTimeAsync(1_999);
    const beforeDelay = [...handled];
    await jest.advanceTimersByTimeAsync(1);
    await settle();

    expect(beforeDelay).toEqual([]);
    expect(handled).toEqual(['later']);
  });

  it('waits for an invocation in progress, and deletes its records, before stop resolves', async () => {
    const { queue } = createQueue({ name: 'delivery' });
    const adapter = new SqsDeliveryQueue({ queueUrl: queue.url, client: sqs });
    await adapter.enqueueDelivery({ tenantId: 't', deliveryId: 'd' });
    let release = (): void => undefined;
    let started = false;
    let finished = false;
    const consumer = startConsumer(queue, {
      handler: async () => {
        started = true;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        finished = true;
      },
    });
    await waitUntil(() => started);

    const stopping = consumer.stop();
    await settle();
    const finishedBeforeRelease = finished;
    release();
    await stopping;

    expect(finishedBeforeRelease).toBe(false);
    expect(finished).toBe(true);
    expect(queue.size).toBe(0);
  });

  it('hands nothing over after stop', async () => {
    const { queue } = createQueue({ name: 'delivery' });
    const adapter = new SqsDeliveryQueue({ queueUrl: queue.url, client: sqs });
    const handler = jest.fn(async () => undefined);
    const consumer = startConsumer(queue, { handler });

    await consumer.stop();
    await adapter.enqueueDelivery({ tenantId: 't', deliveryId: 'd' });
    await settle();

    expect(handler).not.toHaveBeenCalled();
    expect(queue.size).toBe(1);
  });

  it('never runs more invocations at once than its concurrency', async () => {
    const { queue } = createQueue({ name: 'delivery' });
    const adapter = new SqsDeliveryQueue({ queueUrl: queue.url, client: sqs });
    for (let i = 0; i < 12; i++) await adapter.enqueueDelivery({ tenantId: 't', deliveryId: `d${i}` });
    let running = 0;
    let mostAtOnce = 0;
    let handled = 0;

    startConsumer(queue, {
      batchSize: 1,
      concurrency: 3,
      handler: async () => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise((resolve) => setTimeout(resolve, 2));
        running -= 1;
        handled += 1;
      },
    });
    await waitUntil(() => handled === 12);

    expect(mostAtOnce).toBe(3);
    expect(queue.size).toBe(0);
  });

  it('hands a message to a consumer started before it arrived as soon as it is sent', async () => {
    const { queue } = createQueue({ name: 'delivery' });
    const handled: string[] = [];
    startConsumer(queue, {
      handler: async (event) => void handled.push(...event.Records.map((r) => deliveryJobFromRecord(r).deliveryId)),
    });
    await settle();

    await new SqsDeliveryQueue({ queueUrl: queue.url, client: sqs }).enqueueDelivery({
      tenantId: 't',
      deliveryId: 'd',
    });
    // No timer runs between the send and the check: only the microtasks the send queued.
    await settle();

    expect(handled).toEqual(['d']);
  });

  it('refuses a batch size outside 1–10 and a concurrency below 1', () => {
    const { queue } = createQueue({ name: 'delivery' });
    const options = { functionName: 'f', handler: async () => undefined, logger: { error: () => undefined } };

    expect(() => new InProcessConsumer(queue, { ...options, batchSize: 11, concurrency: 1 })).toThrow(RangeError);
    expect(() => new InProcessConsumer(queue, { ...options, batchSize: 0, concurrency: 1 })).toThrow(RangeError);
    expect(() => new InProcessConsumer(queue, { ...options, batchSize: 1, concurrency: 0 })).toThrow(RangeError);
  });
});
