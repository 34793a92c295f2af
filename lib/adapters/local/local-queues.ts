/**
 * An SQS API served in-process by fauxqs on loopback, and the queue layout the stack deploys (a
 * FIFO generation queue, and standard delivery and ingestion queues, each with a dead-letter queue
 * and a redrive policy) created on it. It serves the SQS adapters' integration tests and the cost
 * benchmark; the local runtime's own queues are in-process, with no SQS API (in-process-queues.ts).
 */
import type { AddressInfo } from 'node:net';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SQSClient,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { DEAD_LETTER_RETENTION_SECONDS, QUEUE_SETTINGS } from '#lib/queue-settings';

export interface LocalQueues {
  generationQueueUrl: string;
  generationDlqUrl: string;
  deliveryQueueUrl: string;
  deliveryDlqUrl: string;
  ingestionQueueUrl: string;
  ingestionDlqUrl: string;
  generationQueueArn: string;
  deliveryQueueArn: string;
  ingestionQueueArn: string;
}

export interface LocalQueueNames {
  /** Must end in `.fifo`. */
  generation: string;
  delivery: string;
  /** @default 'parley-ingestion' */
  ingestion?: string;
}

export interface LocalQueueOptions {
  /** The generation and delivery queues' visibility timeout; SQS's default (30 s) when unset. */
  visibilityTimeoutSeconds?: number;
  /** Receives before a generation or delivery record moves to its DLQ (default: the deployed delivery queue's). */
  maxReceiveCount?: number;
  /** The ingestion queue's visibility timeout (default: the deployed stack's, QUEUE_SETTINGS.ingestion). */
  ingestionVisibilityTimeoutSeconds?: number;
}

/**
 * Creates the generation queue (FIFO, name ending in `.fifo`), the delivery queue and the ingestion
 * queue, each with a dead-letter queue named `<name>-dlq` (`<name>-dlq.fifo` for the FIFO one).
 * The ingestion queue's visibility and receive count are the deployed stack's (QUEUE_SETTINGS).
 * Safe to call again: existing queues are kept and their attributes brought in line with `options`.
 */
export async function createLocalQueues(
  client: SQSClient,
  names: LocalQueueNames,
  options: LocalQueueOptions = {},
): Promise<LocalQueues> {
  const ingestionName = names.ingestion ?? 'parley-ingestion';
  if (!names.generation.endsWith('.fifo')) {
    throw new Error(`the generation queue must be FIFO: its name must end in .fifo, got "${names.generation}"`);
  }
  if (names.delivery.endsWith('.fifo')) {
    throw new Error(`the delivery queue is a standard queue: its name must not end in .fifo, got "${names.delivery}"`);
  }
  if (ingestionName.endsWith('.fifo')) {
    throw new Error(`the ingestion queue is a standard queue: its name must not end in .fifo, got "${ingestionName}"`);
  }
  const maxReceiveCount = options.maxReceiveCount ?? QUEUE_SETTINGS.delivery.maxReceiveCount;
  const common: Record<string, string> = {};
  if (options.visibilityTimeoutSeconds !== undefined) {
    common.VisibilityTimeout = String(options.visibilityTimeoutSeconds);
  }
  const dlqAttributes = { MessageRetentionPeriod: String(DEAD_LETTER_RETENTION_SECONDS) };
  const generationBase = names.generation.slice(0, -'.fifo'.length);

  const generationDlq = await ensureQueue(client, `${generationBase}-dlq.fifo`, {
    FifoQueue: 'true',
    ...dlqAttributes,
  });
  const deliveryDlq = await ensureQueue(client, `${names.delivery}-dlq`, dlqAttributes);
  const generation = await ensureQueue(client, names.generation, {
    FifoQueue: 'true',
    ...common,
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: generationDlq.arn, maxReceiveCount }),
  });
  const delivery = await ensureQueue(client, names.delivery, {
    ...common,
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deliveryDlq.arn, maxReceiveCount }),
  });
  const ingestionDlq = await ensureQueue(client, `${ingestionName}-dlq`, dlqAttributes);
  const ingestion = await ensureQueue(client, ingestionName, {
    VisibilityTimeout: String(
      options.ingestionVisibilityTimeoutSeconds ?? QUEUE_SETTINGS.ingestion.visibilityTimeoutSeconds,
    ),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: ingestionDlq.arn,
      maxReceiveCount: QUEUE_SETTINGS.ingestion.maxReceiveCount,
    }),
  });

  return {
    generationQueueUrl: generation.url,
    generationDlqUrl: generationDlq.url,
    deliveryQueueUrl: delivery.url,
    deliveryDlqUrl: deliveryDlq.url,
    ingestionQueueUrl: ingestion.url,
    ingestionDlqUrl: ingestionDlq.url,
    generationQueueArn: generation.arn,
    deliveryQueueArn: delivery.arn,
    ingestionQueueArn: ingestion.arn,
  };
}

async function ensureQueue(
  client: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<{ url: string; arn: string }> {
  let url: string | undefined;
  try {
    ({ QueueUrl: url } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes })));
  } catch (error) {
    // The queue exists with other attributes (an earlier run with other options): align them.
    if (!isQueueNameExists(error)) throw error;
    ({ QueueUrl: url } = await client.send(new GetQueueUrlCommand({ QueueName: name })));
    // FifoQueue cannot be changed after creation, and SetQueueAttributes rejects it.
    const settable = Object.fromEntries(Object.entries(attributes).filter(([key]) => key !== 'FifoQueue'));
    await client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: settable }));
  }
  if (!url) throw new Error(`SQS returned no URL for queue "${name}"`);
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`SQS returned no ARN for queue "${name}"`);
  return { url, arn };
}

/**
 * Matched on the name, not the class: the SDK derives it from the legacy query error code when
 * the server sends one, so AWS gives `QueueNameExists` (code `QueueAlreadyExists`) and fauxqs
 * `AWS.SimpleQueueService.QueueNameExists`, which is no instance of the SDK's class.
 */
function isQueueNameExists(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, Code } = error as { name?: unknown; Code?: unknown };
  return [name, Code].some((value) => typeof value === 'string' && /QueueNameExists|QueueAlreadyExists/.test(value));
}

export interface LocalSqs {
  /** `http://127.0.0.1:<port>`: the SQS endpoint to give clients (PARLEY_SQS_ENDPOINT). */
  endpoint: string;
  /** A client for `endpoint` with dummy credentials. */
  client: SQSClient;
  /** Closes the server (ending pending long polls) and the client. */
  stop(): Promise<void>;
}

/**
 * Serves the SQS API in-process with fauxqs, state in memory. Listens on loopback only
 * (`startFauxqs` always binds 0.0.0.0, which would expose the queues to the network, so its app is
 * built and bound here). Port 0, the default, picks a free port.
 */
export async function startLocalSqs(options: { port?: number; host?: string } = {}): Promise<LocalSqs> {
  const region = 'us-east-1';
  const app = buildApp({ logger: false, defaultRegion: region });
  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const { address, port } = app.server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  const endpoint = `http://${host}:${port}`;
  const client = new SQSClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    endpoint,
    client,
    async stop() {
      client.destroy();
      await app.close();
    },
  };
}
