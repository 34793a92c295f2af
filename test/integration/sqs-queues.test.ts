import { createHash } from 'node:crypto';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  MAX_SQS_DELAY_SECONDS,
  MalformedJobError,
  SqsDeliveryQueue,
  SqsGenerationQueue,
  SqsEvaluationQueue,
  SqsIngestionQueue,
  clampDelaySeconds,
  deliveryJobFromRecord,
  generationJobFromRecord,
  evaluationJobFromRecord,
  ingestionJobFromRecord,
} from '#lib/adapters/aws/sqs-queues';
import { type LocalQueueOptions, type LocalQueues, createLocalQueues } from '#lib/adapters/local/local-queues';
import { INGESTION_MAX_RECEIVE_COUNT, QUEUE_SETTINGS } from '#lib/queue-settings';
import { type TestSqs, startTestSqs, uniqueQueueName } from '#test/support/fauxqs';

let sqs: TestSqs;

beforeAll(async () => {
  sqs = await startTestSqs();
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

/** Receives without waiting; `visibilityTimeoutSeconds: 0` leaves the messages visible, as a failed receive would. */
async function receive(queueUrl: string, max = 10, visibilityTimeoutSeconds?: number): Promise<Message[]> {
  const { Messages } = await sqs.client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: max,
      WaitTimeSeconds: 0,
      VisibilityTimeout: visibilityTimeoutSeconds,
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

  it('defers a received record: hidden for the wait, then received again with its receive count raised', async () => {
    const { generationQueueUrl } = await createQueues({ visibilityTimeoutSeconds: 300 });
    const queue = new SqsGenerationQueue({ queueUrl: generationQueueUrl, client: sqs.client });
    await queue.enqueueGeneration({ tenantId: 'ten_1', conversationId: 'conv_1', messageId: 'msg_1' });
    const [first] = await receive(generationQueueUrl);

    await queue.deferRecord(first?.ReceiptHandle ?? '', 1);
    const whileWaiting = await receive(generationQueueUrl);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const [again] = await receive(generationQueueUrl);

    expect(whileWaiting).toEqual([]);
    expect(again?.MessageId).toBe(first?.MessageId);
    expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  it('defers a record past the queue visibility timeout, so a wait is as long as asked', async () => {
    const { generationQueueUrl } = await createQueues({ visibilityTimeoutSeconds: 1 });
    const queue = new SqsGenerationQueue({ queueUrl: generationQueueUrl, client: sqs.client });
    await queue.enqueueGeneration({ tenantId: 'ten_1', conversationId: 'conv_1', messageId: 'msg_1' });
    const [first] = await receive(generationQueueUrl);

    await queue.deferRecord(first?.ReceiptHandle ?? '', 3);
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    expect(await receive(generationQueueUrl)).toEqual([]);
    expect(await countMessages(generationQueueUrl)).toMatchObject({ inFlight: 1 });
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

describe('SqsEvaluationQueue', () => {
  it('puts the run’s job on a standard queue as JSON, with nothing but its four ids', async () => {
    const { QueueUrl: queueUrl = '' } = await sqs.client.send(
      new CreateQueueCommand({ QueueName: uniqueQueueName('evaluation') }),
    );
    const queue = new SqsEvaluationQueue({ queueUrl, client: sqs.client });
    const job = { tenantId: 'ten_1', aiId: 'ai_1', setId: 'set_1', runId: 'run_1' };

    await queue.enqueueEvaluation({ ...job, extra: 'not sent' } as typeof job);

    const [message] = await receive(queueUrl);
    expect(JSON.parse(message?.Body ?? '')).toEqual(job);
    expect(evaluationJobFromRecord({ messageId: message?.MessageId ?? '', body: message?.Body ?? '' })).toEqual(job);
    expect(() => evaluationJobFromRecord({ messageId: 'rec-3', body: '{"tenantId":"t"}' })).toThrow(MalformedJobError);
  });

  it('refuses to send, saying why, in a function given no evaluation queue', async () => {
    const queue = new SqsEvaluationQueue({ queueUrl: undefined, client: sqs.client });

    await expect(queue.enqueueEvaluation({ tenantId: 't', aiId: 'a', setId: 's', runId: 'r' })).rejects.toThrow(
      'PARLEY_EVALUATION_QUEUE_URL is not set',
    );
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
      VisibilityTimeout: String(QUEUE_SETTINGS.ingestion.visibilityTimeoutSeconds),
      QueueArn: queues.ingestionQueueArn,
    });
    expect(JSON.parse(ingestion.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: ingestionDlq.QueueArn,
      maxReceiveCount: INGESTION_MAX_RECEIVE_COUNT,
    });
    expect(ingestionDlq).toMatchObject({ MessageRetentionPeriod: String(14 * 24 * 60 * 60) });
  });

  it('moves an ingestion job that keeps failing to its DLQ after three receives', async () => {
    const queues = await createQueues();
    await new SqsIngestionQueue({ queueUrl: queues.ingestionQueueUrl, client: sqs.client }).enqueueIngestion({
      tenantId: 't',
      knowledgeBaseId: 'kb',
      documentId: 'd',
      uploadId: 'u',
    });

    let attempts = 0;
    // Each receive that is not followed by a delete is a failed attempt; the one after the last moves it.
    for (let i = 0; i <= INGESTION_MAX_RECEIVE_COUNT; i++) {
      attempts += (await receive(queues.ingestionQueueUrl, 10, 0)).length;
    }
    const deadLettered = await receive(queues.ingestionDlqUrl);

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
