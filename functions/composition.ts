/**
 * The composition root for the Lambda functions (and the local runtime, which runs the same
 * modules): builds every client and adapter once per cold start from the parsed config. Async
 * because in AWS the OpenAI key is read from Secrets Manager first; each handler module awaits it
 * at the top level, which Lambda runs during init.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Deps } from '#lib/app/deps';
import type { Config } from '#lib/config';
import { DynamoStore } from '#lib/adapters/aws/dynamo-store';
import { EventBridgePublisher } from '#lib/adapters/aws/eventbridge-publisher';
import { readSecretString } from '#lib/adapters/aws/secrets';
import { S3BlobStore } from '#lib/adapters/aws/s3-blob-store';
import { EventBridgeTimerScheduler } from '#lib/adapters/aws/scheduler';
import { SqsDeliveryQueue, SqsGenerationQueue, SqsIngestionQueue } from '#lib/adapters/aws/sqs-queues';
import { FetchWebhookSender } from '#lib/adapters/http/webhook-sender';
import { JsonlEventLog } from '#lib/adapters/local/event-log';
import { FileBlobStore } from '#lib/adapters/local/file-blob-store';
import { LocalTimerScheduler } from '#lib/adapters/local/local-scheduler';
import { OfflineChatModel } from '#lib/adapters/offline/offline-chat-model';
import { OpenAiChatModel } from '#lib/adapters/openai/openai-chat-model';
import { OpenAiEmbedder } from '#lib/adapters/openai/openai-embedder';
import { systemClock } from '#lib/adapters/system/system-clock';
import { createUlidIds } from '#lib/adapters/system/ulid-ids';
import type { BlobStore, ChatModel, Embedder, EventPublisher, Logger, Store, TimerScheduler } from '#lib/ports';
import { KnowledgeIndexCache } from '#lib/app/knowledge/knowledge-index';

/**
 * The OpenAI key: from the environment (local), else from the secret (AWS). The stack creates the
 * secret empty; until the operator puts the key in, the offline model answers, with a warning once
 * per cold start. A keyless base URL (a local OpenAI-compatible server) needs no key.
 */
async function resolveOpenAiKey(config: Config, logger: Logger): Promise<string | undefined> {
  const { apiKey, apiKeySecretArn, baseUrl } = config.openAi;
  if (apiKey) return apiKey;
  if (apiKeySecretArn) {
    const secrets = new SecretsManagerClient({ region: config.region });
    const stored = await readSecretString(apiKeySecretArn, secrets).finally(() => secrets.destroy());
    if (stored) return stored;
    logger.warn(
      'The OpenAI key is not set, so the offline model answers. Set the OpenAI key with: ' +
        `aws secretsmanager put-secret-value --secret-id ${apiKeySecretArn} --secret-string 'sk-…'` +
        ' (functions read it when they start).',
    );
  }
  return baseUrl ? 'not-needed' : undefined;
}

/** OpenAI's chat model and embedder when a key (or a compatible server) is set, else the offline model and no embedder. */
async function createModels(config: Config, logger: Logger): Promise<{ chatModel: ChatModel; embedder?: Embedder }> {
  const apiKey = await resolveOpenAiKey(config, logger);
  if (!apiKey) return { chatModel: new OfflineChatModel() };
  const connection = { apiKey, ...(config.openAi.baseUrl ? { baseUrl: config.openAi.baseUrl } : {}) };
  return {
    chatModel: new OpenAiChatModel({ model: config.openAi.chatModel, ...connection }),
    embedder: new OpenAiEmbedder({ model: config.openAi.embeddingModel, ...connection }),
  };
}

function createBlobStore(config: Config): BlobStore {
  if ('bucket' in config.documents) {
    return new S3BlobStore({ bucket: config.documents.bucket, client: new S3Client({ region: config.region }) });
  }
  return new FileBlobStore({ dir: config.documents.dir });
}

/** EventBridge in AWS, the JSON-lines log locally, else nowhere (tests, tools): logged at debug. */
function createEventPublisher(config: Config, logger: Logger): EventPublisher {
  const { eventBusName, logFile } = config.events;
  if (eventBusName) {
    return new EventBridgePublisher({ eventBusName, client: new EventBridgeClient({ region: config.region }) });
  }
  if (logFile) return new JsonlEventLog({ file: logFile });
  return {
    async publish(events) {
      logger.debug('domain events not published (no bus or log configured)', {
        events: events.map((e) => ({ type: e.type, id: e.id })),
      });
    },
  };
}

/** EventBridge Scheduler in AWS; locally the timers are records in the store that the runtime fires. */
function createTimerScheduler(config: Config, store: Store): TimerScheduler {
  const { scheduler } = config;
  if (!scheduler) return new LocalTimerScheduler({ store });
  return new EventBridgeTimerScheduler({ ...scheduler, client: new SchedulerClient({ region: config.region }) });
}

/** Every adapter the use cases need, built once; awaited at the top level of each handler module. */
export async function composeDeps(config: Config, logger: Logger): Promise<Deps> {
  const region = config.region;
  const dynamo = new DynamoDBClient({
    region,
    ...(config.dynamoDbEndpoint ? { endpoint: config.dynamoDbEndpoint } : {}),
  });
  const sqs = new SQSClient({ region, ...(config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}) });
  const store = new DynamoStore({
    tableName: config.tableName,
    client: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
  });
  return {
    store,
    timers: createTimerScheduler(config, store),
    generationQueue: new SqsGenerationQueue({ queueUrl: config.generationQueueUrl, client: sqs }),
    deliveryQueue: new SqsDeliveryQueue({ queueUrl: config.deliveryQueueUrl, client: sqs }),
    ingestionQueue: new SqsIngestionQueue({ queueUrl: config.ingestionQueueUrl, client: sqs }),
    ...(await createModels(config, logger)),
    blobs: createBlobStore(config),
    knowledgeIndex: new KnowledgeIndexCache(),
    webhookSender: new FetchWebhookSender(),
    events: createEventPublisher(config, logger),
    clock: systemClock,
    ids: createUlidIds(),
    logger,
    webhookTargets: config.webhookTargets,
  };
}
