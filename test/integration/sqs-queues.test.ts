import { createHash } from 'node:crypto';
import {
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  INGESTION_MAX_RECEIVE_COUNT,
  MAX_SQS_DELAY_SECONDS,
  MalformedJobError,
  SqsDeliveryQueue,
  SqsGenerationQueue,
  SqsIngestionQueue,
  clampDelaySeconds,
  deliveryJobFromRecord,
  generationJobFromRecord,
  ingestionJobFromRecord,
} from '#lib/adapters/aws/sqs-queues';
import {
  INGESTION_VISIBILITY_SECONDS,
  type LocalQueueOptions,
  type LocalQueues,
  createLocalQueues,
} from '#lib/adapters/local/local-queues';
import { SqsPoller, type SqsPollerOptions } from '#lib/adapters/local/sqs-poller';
import { type TestSqs, startTestSqs, uniqueQueueName } from '#test/support/fauxqs';

let sqs: TestSqs;
const pollers: SqsPoller[] = [];

beforeAll(async () => {
  sqs = await startTestSqs();
});
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
});
afterAll(async () => {
  await sqs.stop();
});

function createQueues(options?: LocalQueueOptions): Promise<LocalQueues> {
  return createLocalQueues(sqs.client, uniqueNames(), options);
}

function uniqueNames() {
  return {
    generation: uniqueQueueName('generation', true),
    delivery: uniqueQueueName('delivery'),
    ingestion: uniqueQueueName('ingestion'),
  };
}

function startPoller(options: Omit<SqsPollerOptions, 'client'>): SqsPoller {
  const poller = new SqsPoller({ client: sqs.client, waitTimeSeconds: 1, ...options });
  pollers.push(poller);
  poller.start();
  return poller;
}

async function receive(queueUrl: string, max = 10): Promise<Message[]> {
  const { Messages } = await sqs.client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: max,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages ?? [];
}

async function countMessages(queueUrl: string): Promise<{ visible: number; inFlight: number; delayed: number }> {
  const { Attributes = {} } = await sqs.client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed),
  };
}

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('SqsGenerationQueue', () => {
  it("puts a job on the FIFO queue in its conversation's message group", async () => {
    const { generationQueueUrl } = await createQueues();
    const queue = new SqsGenerationQueue({ queueUrl: generationQueueUrl, client: sqs.client });

    await queue.enqueueGeneration({ tenantId: 'ten_1', conversationId: 'conv_1', messageId: 'msg_1' });

    const [message] = await receive(generationQueueUrl);
    expect(JSON.parse(message?.Body ?? '')).toEqual({
      tenantId: 'ten_1',
      conversationId: 'conv_1',
      messageId: 'msg_1',
    });
    expect(message?.Attributes).toMatchObject({ MessageGroupId: 'ten_1#conv_1', MessageDeduplicationId: 'msg_1' });
  });

  it('drops a second job for the same message id', async () => {
    const { generationQueueUrl } = await createQueues();
    const queue = new SqsGenerationQueue({ queueUrl: generationQueueUrl, client: sqs.client });
    const job = { tenantId: 'ten_1', conversationId: 'conv_1', messageId: 'msg_1' };

    await queue.enqueueGeneration(job);
    await queue.enqueueGeneration(job);
    await queue.enqueueGeneration({ ...job, messageId: 'msg_2' });

    expect(await countMessages(generationQueueUrl)).toMatchObject({ visible: 2 });
  });

  it('hashes a conversation id that SQS would refuse as a group id into a stable one', async () => {
    const { generationQueueUrl } = await createQueues();
    const queue = new SqsGenerationQueue({ queueUrl: generationQueueUrl, client: sqs.client });
    const conversationId = `thread with spaces, é and ${'x'.repeat(200)}`;

    await queue.enqueueGeneration({ tenantId: 'ten_1', conversationId, messageId: 'msg_1' });

    const [message] = await receive(generationQueueUrl);
    const expected = createHash('sha256').update(`ten_1#${conversationId}`).digest('hex');
    expect(message?.Attributes?.MessageGroupId).toBe(expected);
  });
});

describe('SqsDeliveryQueue', () => {
  it('sends a job at once when no delay is asked for', async () => {
    const { deliveryQueueUrl } = await createQueues();
    const queue = new SqsDeliveryQueue({ queueUrl: deliveryQueueUrl, client: sqs.client });

    await queue.enqueueDelivery({ tenantId: 'ten_1', deliveryId: 'dlv_1' });

    const [message] = await receive(deliveryQueueUrl);
    expect(JSON.parse(message?.Body ?? '')).toEqual({ tenantId: 'ten_1', deliveryId: 'dlv_1' });
  });

  it('caps the delay at 900 seconds', async () => {
    const { deliveryQueueUrl } = await createQueues();
    const sent: unknown[] = [];
    const client = new SQSClient({
      endpoint: sqs.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    client.middlewareStack.add(
      (next) => async (args) => {
        sent.push(args.input);
        return next(args);
      },
      { step: 'initialize' },
    );
    const queue = new SqsDeliveryQueue({ queueUrl: deliveryQueueUrl, client });

    await queue.enqueueDelivery({ tenantId: 'ten_1', deliveryId: 'dlv_1' }, 3_600);

    client.destroy();
    expect(sent).toEqual([expect.objectContaining({ DelaySeconds: MAX_SQS_DELAY_SECONDS })]);
    expect(await countMessages(deliveryQueueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 1 });
  });

  it.each([
    [-5, 0],
    [0.4, 0],
    [2.5, 3],
    [900, 900],
    [900.4, 900],
    [86_400, 900],
    [Number.POSITIVE_INFINITY, 900],
    [Number.NaN, 0],
  ])('turns a delay of %p seconds into %p', (asked, sent) => {
    expect(clampDelaySeconds(asked)).toBe(sent);
  });
});

describe('SqsIngestionQueue', () => {
  it('puts the job on the standard queue as JSON, with nothing but its four ids', async () => {
    const { ingestionQueueUrl } = await createQueues();
    const queue = new SqsIngestionQueue({ queueUrl: ingestionQueueUrl, client: sqs.client });
    const job = { tenantId: 'ten_1', knowledgeBaseId: 'kb_1', documentId: 'doc_1', uploadId: 'up_1' };

    await queue.enqueueIngestion({ ...job, extra: 'not sent' } as typeof job);

    const [message] = await receive(ingestionQueueUrl);
    expect(JSON.parse(message?.Body ?? '')).toEqual(job);
    expect(message?.Attributes?.MessageGroupId).toBeUndefined();
    expect(ingestionJobFromRecord({ messageId: message?.MessageId ?? '', body: message?.Body ?? '' })).toEqual(job);
  });

  it('keeps two jobs for the same upload: the ingester, not the queue, makes a repeat harmless', async () => {
    const { ingestionQueueUrl } = await createQueues();
    const queue = new SqsIngestionQueue({ queueUrl: ingestionQueueUrl, client: sqs.client });
    const job = { tenantId: 'ten_1', knowledgeBaseId: 'kb_1', documentId: 'doc_1', uploadId: 'up_1' };

    await queue.enqueueIngestion(job);
    await queue.enqueueIngestion(job);

    expect(await countMessages(ingestionQueueUrl)).toMatchObject({ visible: 2 });
  });
});

describe('job readers', () => {
  it('read the job a queue adapter wrote', () => {
    const generation = { tenantId: 't', conversationId: 'c', messageId: 'm' };

    expect(generationJobFromRecord({ messageId: 'r1', body: JSON.stringify({ ...generation, extra: 1 }) })).toEqual(
      generation,
    );
    expect(deliveryJobFromRecord({ messageId: 'r2', body: '{"tenantId":"t","deliveryId":"d"}' })).toEqual({
      tenantId: 't',
      deliveryId: 'd',
    });
  });

  it('refuse an ingestion job without its upload id', () => {
    const body = '{"tenantId":"t","knowledgeBaseId":"kb","documentId":"d"}';

    expect(() => ingestionJobFromRecord({ messageId: 'rec-2', body })).toThrow(
      new MalformedJobError('queue record rec-2: field "uploadId" must be a non-empty string'),
    );
  });

  it.each([
    ['not json', 'body is not JSON'],
    ['[1]', 'body is not a JSON object'],
    ['{"tenantId":"t"}', 'field "deliveryId" must be a non-empty string'],
    ['{"tenantId":"t","deliveryId":42}', 'field "deliveryId" must be a non-empty string'],
  ])('refuse the body %p', (body, problem) => {
    expect(() => deliveryJobFromRecord({ messageId: 'rec-1', body })).toThrow(
      new MalformedJobError(`queue record rec-1: ${problem}`),
    );
  });
});

describe('createLocalQueues', () => {
  it('returns the same queues when called again', async () => {
    const names = uniqueNames();

    const first = await createLocalQueues(sqs.client, names);
    const second = await createLocalQueues(sqs.client, names);

    expect(second).toEqual(first);
  });

  it('gives each queue a redrive policy to its own dead-letter queue', async () => {
    const queues = await createQueues({ maxReceiveCount: 3, visibilityTimeoutSeconds: 45 });

    const attributesOf = async (queueUrl: string) =>
      (await sqs.client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] })))
        .Attributes ?? {};
    const generation = await attributesOf(queues.generationQueueUrl);
    const generationDlq = await attributesOf(queues.generationDlqUrl);
    const delivery = await attributesOf(queues.deliveryQueueUrl);
    const deliveryDlq = await attributesOf(queues.deliveryDlqUrl);

    expect(generation).toMatchObject({
      FifoQueue: 'true',
      VisibilityTimeout: '45',
      QueueArn: queues.generationQueueArn,
    });
    expect(generationDlq).toMatchObject({ FifoQueue: 'true' });
    expect(JSON.parse(generation.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: generationDlq.QueueArn,
      maxReceiveCount: 3,
    });
    expect(delivery).not.toHaveProperty('FifoQueue');
    expect(delivery).toMatchObject({ VisibilityTimeout: '45', QueueArn: queues.deliveryQueueArn });
    expect(JSON.parse(delivery.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: deliveryDlq.QueueArn,
      maxReceiveCount: 3,
    });
  });

  it('makes the ingestion queue standard, with its own DLQ and visibility, as the stack does', async () => {
    const queues = await createQueues({ maxReceiveCount: 7, visibilityTimeoutSeconds: 45 });

    const attributesOf = async (queueUrl: string) =>
      (await sqs.client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] })))
        .Attributes ?? {};
    const ingestion = await attributesOf(queues.ingestionQueueUrl);
    const ingestionDlq = await attributesOf(queues.ingestionDlqUrl);

    expect(ingestion).not.toHaveProperty('FifoQueue');
    expect(ingestion).toMatchObject({
      VisibilityTimeout: String(INGESTION_VISIBILITY_SECONDS),
      QueueArn: queues.ingestionQueueArn,
    });
    expect(JSON.parse(ingestion.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: ingestionDlq.QueueArn,
      maxReceiveCount: INGESTION_MAX_RECEIVE_COUNT,
    });
    expect(ingestionDlq).toMatchObject({ MessageRetentionPeriod: String(14 * 24 * 60 * 60) });
  });

  it('moves an ingestion job that keeps failing to its DLQ after three receives', async () => {
    const queues = await createQueues({ ingestionVisibilityTimeoutSeconds: 1 });
    await new SqsIngestionQueue({ queueUrl: queues.ingestionQueueUrl, client: sqs.client }).enqueueIngestion({
      tenantId: 't',
      knowledgeBaseId: 'kb',
      documentId: 'd',
      uploadId: 'u',
    });
    let attempts = 0;

    startPoller({
      queueUrl: queues.ingestionQueueUrl,
      batchSize: 1,
      failureVisibilityTimeoutSeconds: 0,
      handler: async (event) => {
        attempts += event.Records.length;
        return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });
    let deadLettered: Message[] = [];
    await waitUntil(async () => {
      deadLettered = await receive(queues.ingestionDlqUrl);
      return deadLettered.length > 0;
    });

    expect(attempts).toBe(INGESTION_MAX_RECEIVE_COUNT);
    expect(ingestionJobFromRecord({ messageId: 'x', body: deadLettered[0]?.Body ?? '' })).toMatchObject({
      uploadId: 'u',
    });
  });

  it('brings existing queues in line with new options', async () => {
    const names = uniqueNames();
    await createLocalQueues(sqs.client, names, { maxReceiveCount: 5 });

    const queues = await createLocalQueues(sqs.client, names, { maxReceiveCount: 2 });

    const { Attributes = {} } = await sqs.client.send(
      new GetQueueAttributesCommand({ QueueUrl: queues.deliveryQueueUrl, AttributeNames: ['RedrivePolicy'] }),
    );
    expect(JSON.parse(Attributes.RedrivePolicy ?? '{}')).toMatchObject({ maxReceiveCount: 2 });
  });

  it('refuses a generation queue whose name does not end in .fifo', async () => {
    await expect(createLocalQueues(sqs.client, { generation: 'generation', delivery: 'delivery' })).rejects.toThrow(
      /must end in \.fifo/,
    );
  });

  it('refuses an ingestion queue whose name ends in .fifo', async () => {
    const names = { ...uniqueNames(), ingestion: uniqueQueueName('ingestion', true) };

    await expect(createLocalQueues(sqs.client, names)).rejects.toThrow(/ingestion queue is a standard queue/);
  });
});

describe('SqsPoller', () => {
  it('hands a batch to the handler as an SQSEvent, as Lambda would', async () => {
    const queues = await createQueues();
    await new SqsDeliveryQueue({ queueUrl: queues.deliveryQueueUrl, client: sqs.client }).enqueueDelivery({
      tenantId: 'ten_1',
      deliveryId: 'dlv_1',
    });
    await sqs.client.send(
      new SendMessageCommand({
        QueueUrl: queues.deliveryQueueUrl,
        MessageBody: '{"tenantId":"ten_1","deliveryId":"dlv_2"}',
        MessageAttributes: { source: { DataType: 'String', StringValue: 'sweep' } },
      }),
    );
    const invocations: Array<{ event: SQSEvent; context: Context; remainingMs: number }> = [];

    startPoller({
      queueUrl: queues.deliveryQueueUrl,
      functionName: 'parley-delivery',
      handler: async (event, context) => {
        invocations.push({ event, context, remainingMs: context.getRemainingTimeInMillis() });
      },
    });
    await waitUntil(() => invocations.flatMap((i) => i.event.Records).length === 2);

    const records = invocations.flatMap((i) => i.event.Records);
    expect(records.map((r) => deliveryJobFromRecord(r).deliveryId).sort()).toEqual(['dlv_1', 'dlv_2']);
    for (const record of records) {
      expect(record).toMatchObject({
        eventSource: 'aws:sqs',
        eventSourceARN: queues.deliveryQueueArn,
        awsRegion: 'us-east-1',
        md5OfBody: createHash('md5').update(record.body).digest('hex'),
        attributes: { ApproximateReceiveCount: '1', SenderId: expect.any(String) },
      });
      expect(Number(record.attributes.SentTimestamp)).toBeGreaterThan(Date.now() - 60_000);
      expect(record.receiptHandle).not.toBe('');
    }
    expect(records.find((r) => r.body.includes('dlv_2'))?.messageAttributes).toEqual({
      source: { dataType: 'String', stringValue: 'sweep', stringListValues: [], binaryListValues: [] },
    });
    const first = invocations[0];
    expect(first?.context.functionName).toBe('parley-delivery');
    expect(first?.context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first?.remainingMs).toBeGreaterThan(25_000);
  });

  it('deletes the records the handler did not report as failed', async () => {
    const queues = await createQueues();
    const queue = new SqsDeliveryQueue({ queueUrl: queues.deliveryQueueUrl, client: sqs.client });
    await Promise.all(
      ['dlv_1', 'dlv_2', 'dlv_3'].map((deliveryId) => queue.enqueueDelivery({ tenantId: 't', deliveryId })),
    );
    let handled = 0;

    const poller = startPoller({
      queueUrl: queues.deliveryQueueUrl,
      handler: async (event): Promise<SQSBatchResponse> => {
        handled += event.Records.length;
        return {
          batchItemFailures: event.Records.filter((r) => r.body.includes('dlv_2')).map((r) => ({
            itemIdentifier: r.messageId,
          })),
        };
      },
    });
    await waitUntil(() => handled === 3);
    await poller.stop();

    expect(await countMessages(queues.deliveryQueueUrl)).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
  });

  it('keeps the whole batch when the handler reports a failure for an unknown record, as Lambda does', async () => {
    const queues = await createQueues();
    const queue = new SqsDeliveryQueue({ queueUrl: queues.deliveryQueueUrl, client: sqs.client });
    await queue.enqueueDelivery({ tenantId: 't', deliveryId: 'dlv_1' });
    await queue.enqueueDelivery({ tenantId: 't', deliveryId: 'dlv_2' });
    let handled = 0;

    const poller = startPoller({
      queueUrl: queues.deliveryQueueUrl,
      handler: async (event) => {
        handled += event.Records.length;
        return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
      },
    });
    await waitUntil(() => handled === 2);
    await poller.stop();

    expect(await countMessages(queues.deliveryQueueUrl)).toEqual({ visible: 0, inFlight: 2, delayed: 0 });
  });

  it('lets a reported failure come back after the visibility timeout with its receive count raised', async () => {
    const queues = await createQueues({ visibilityTimeoutSeconds: 1 });
    await new SqsDeliveryQueue({ queueUrl: queues.deliveryQueueUrl, client: sqs.client }).enqueueDelivery({
      tenantId: 't',
      deliveryId: 'd',
    });
    const receiveCounts: string[] = [];

    startPoller({
      queueUrl: queues.deliveryQueueUrl,
      handler: async (event) => {
        receiveCounts.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
        return receiveCounts.length === 1
          ? { batchItemFailures: [{ itemIdentifier: event.Records[0]?.messageId ?? '' }] }
          : undefined;
      },
    });
    await waitUntil(() => receiveCounts.length === 2);

    expect(receiveCounts).toEqual(['1', '2']);
    await waitUntil(async () => (await countMessages(queues.deliveryQueueUrl)).inFlight === 0);
  });

  it('treats a handler that throws as a failure of the whole batch', async () => {
    const queues = await createQueues();
    const queue = new SqsDeliveryQueue({ queueUrl: queues.deliveryQueueUrl, client: sqs.client });
    await queue.enqueueDelivery({ tenantId: 't', deliveryId: 'dlv_1' });
    await queue.enqueueDelivery({ tenantId: 't', deliveryId: 'dlv_2' });
    const seen: string[] = [];
    const errors: string[] = [];

    startPoller({
      queueUrl: queues.deliveryQueueUrl,
      failureVisibilityTimeoutSeconds: 0,
      logger: { error: () => undefined },
      onError: (_error, stage) => errors.push(stage),
      handler: async (event) => {
        seen.push(
          ...event.Records.map((r) => `${deliveryJobFromRecord(r).deliveryId}#${r.attributes.ApproximateReceiveCount}`),
        );
        if (event.Records.some((r) => r.attributes.ApproximateReceiveCount === '1'))
          throw new Error('model unavailable');
      },
    });
    await waitUntil(() => seen.filter((s) => s.endsWith('#2')).length === 2);

    expect(seen.sort()).toEqual(['dlv_1#1', 'dlv_1#2', 'dlv_2#1', 'dlv_2#2']);
    expect(errors).toContain('handler');
  });

  it('moves a record that keeps failing to the dead-letter queue after maxReceiveCount receives', async () => {
    const queues = await createQueues({ maxReceiveCount: 2 });
    await new SqsGenerationQueue({ queueUrl: queues.generationQueueUrl, client: sqs.client }).enqueueGeneration({
      tenantId: 't',
      conversationId: 'c',
      messageId: 'm',
    });
    let attempts = 0;

    startPoller({
      queueUrl: queues.generationQueueUrl,
      failureVisibilityTimeoutSeconds: 0,
      handler: async (event) => {
        attempts += event.Records.length;
        return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });
    let deadLettered: Message[] = [];
    await waitUntil(async () => {
      deadLettered = await receive(queues.generationDlqUrl);
      return deadLettered.length > 0;
    });

    expect(attempts).toBe(2);
    expect(generationJobFromRecord({ messageId: 'x', body: deadLettered[0]?.Body ?? '' })).toEqual({
      tenantId: 't',
      conversationId: 'c',
      messageId: 'm',
    });
  });

  it('keeps FIFO order within each conversation when several loops poll', async () => {
    const queues = await createQueues();
    const queue = new SqsGenerationQueue({ queueUrl: queues.generationQueueUrl, client: sqs.client });
    for (let i = 1; i <= 5; i++) {
      await queue.enqueueGeneration({ tenantId: 't', conversationId: 'a', messageId: `a${i}` });
      await queue.enqueueGeneration({ tenantId: 't', conversationId: 'b', messageId: `b${i}` });
    }
    const handled: string[] = [];

    startPoller({
      queueUrl: queues.generationQueueUrl,
      concurrency: 3,
      handler: async (event) => {
        for (const record of event.Records) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          handled.push(generationJobFromRecord(record).messageId);
        }
      },
    });
    await waitUntil(() => handled.length === 10);

    expect(handled.filter((id) => id.startsWith('a'))).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(handled.filter((id) => id.startsWith('b'))).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
  });

  it('stops promptly in the middle of a long poll', async () => {
    const queues = await createQueues();
    const poller = startPoller({
      queueUrl: queues.deliveryQueueUrl,
      waitTimeSeconds: 20,
      handler: async () => undefined,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();

    await poller.stop();

    expect(Date.now() - started).toBeLessThan(500);
    expect(poller.running).toBe(false);
  });

  it('lets an invocation in progress finish, and deletes its records, before stop resolves', async () => {
    const queues = await createQueues();
    await new SqsDeliveryQueue({ queueUrl: queues.deliveryQueueUrl, client: sqs.client }).enqueueDelivery({
      tenantId: 't',
      deliveryId: 'd',
    });
    let started = false;
    let finished = false;
    const poller = startPoller({
      queueUrl: queues.deliveryQueueUrl,
      handler: async () => {
        started = true;
        await new Promise((resolve) => setTimeout(resolve, 200));
        finished = true;
      },
    });
    await waitUntil(() => started);

    await poller.stop();

    expect(finished).toBe(true);
    expect(await countMessages(queues.deliveryQueueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('keeps polling, with backoff, when SQS fails', async () => {
    const errors: string[] = [];
    const poller = startPoller({
      queueUrl: `${sqs.endpoint}/000000000000/no-such-queue`,
      errorBackoffMs: 10,
      logger: { error: () => undefined },
      onError: (_error, stage) => errors.push(stage),
      handler: async () => undefined,
    });

    await waitUntil(() => errors.length >= 3);
    await poller.stop();

    expect(new Set(errors)).toEqual(new Set(['receive']));
  });
});
