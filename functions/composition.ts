/**
 * The composition root for the Lambda functions (and the local runtime, which runs the same
 * modules): builds every client and adapter once per cold start from the parsed config.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Deps } from '#lib/app/deps';
import type { Config } from '#lib/config';
import { DynamoStore } from '#lib/adapters/aws/dynamo-store';
import { SqsDeliveryQueue, SqsGenerationQueue } from '#lib/adapters/aws/sqs-queues';
import { FetchWebhookSender } from '#lib/adapters/http/webhook-sender';
import { OfflineChatModel } from '#lib/adapters/offline/offline-chat-model';
import { OpenAiChatModel } from '#lib/adapters/openai/openai-chat-model';
import { systemClock } from '#lib/adapters/system/system-clock';
import { createUlidIds } from '#lib/adapters/system/ulid-ids';
import type { ChatModel, Logger } from '#lib/ports';

function createChatModel(config: Config): ChatModel {
  if (!config.openAi) return new OfflineChatModel();
  return new OpenAiChatModel({
    model: config.openAi.chatModel,
    apiKey: config.openAi.apiKey,
    ...(config.openAi.baseUrl ? { baseUrl: config.openAi.baseUrl } : {}),
  });
}

export function composeDeps(config: Config, logger: Logger): Deps {
  const region = config.region;
  const dynamo = new DynamoDBClient({
    region,
    ...(config.dynamoDbEndpoint ? { endpoint: config.dynamoDbEndpoint } : {}),
  });
  const sqs = new SQSClient({ region, ...(config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}) });
  return {
    store: new DynamoStore({
      tableName: config.tableName,
      client: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    }),
    generationQueue: new SqsGenerationQueue({ queueUrl: config.generationQueueUrl, client: sqs }),
    deliveryQueue: new SqsDeliveryQueue({ queueUrl: config.deliveryQueueUrl, client: sqs }),
    chatModel: createChatModel(config),
    webhookSender: new FetchWebhookSender(),
    clock: systemClock,
    ids: createUlidIds(),
    logger,
    webhookTargets: config.webhookTargets,
  };
}
