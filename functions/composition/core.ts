/**
 * What every function needs: the stores, the queues, the event publisher, the webhook sender, time
 * and ids. The heavier parts (models, documents, timers) are in their own modules, so a function's
 * bundle holds only the SDKs it uses.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Deps, Stores } from '#lib/app/deps';
import type { Config } from '#lib/config';
import {
  type SqsSender,
  SqsDeliveryQueue,
  SqsEvaluationQueue,
  SqsGenerationQueue,
  SqsIngestionQueue,
} from '#lib/adapters/aws/sqs-queues';
import { DeferredEventPublisher } from '#lib/adapters/deferred-adapters';
import { FetchWebhookSender } from '#lib/adapters/http/webhook-sender';
import { systemClock } from '#lib/adapters/system/system-clock';
import { createUlidIds } from '#lib/adapters/system/ulid-ids';
import type { EventPublisher } from '#lib/ports/events';
import type { Logger } from '#lib/ports/system';
import { composeStores } from '#functions/composition/stores';

export type CoreDeps = Stores &
  Pick<
    Deps,
    | 'generationQueue'
    | 'deliveryQueue'
    | 'ingestionQueue'
    | 'evaluationQueue'
    | 'webhookSender'
    | 'events'
    | 'clock'
    | 'ids'
    | 'logger'
    | 'webhookTargets'
    | 'allowHttpWebhooks'
    | 'modelFaultBudgetMs'
  >;

/**
 * EventBridge where a bus is named, else nowhere (tests, tools): logged at debug. The EventBridge
 * client is built on the first publish, so a request that publishes nothing never loads it.
 */
function createEventPublisher(config: Config, logger: Logger): EventPublisher {
  const { eventBusName } = config.events;
  if (eventBusName) {
    return new DeferredEventPublisher(async () =>
      (await import('#functions/composition/deferred/eventbridge-events')).createEventBridgePublisher(
        eventBusName,
        config.region,
      ),
    );
  }
  return {
    async publish(events) {
      logger.debug('domain events not published (no bus configured)', {
        events: events.map((e) => ({ type: e.type, id: e.id })),
      });
    },
  };
}

/**
 * The adapters every function shares, built once per cold start: DynamoDB and SQS, at the
 * endpoints the config names when they are emulators'.
 */
export function composeCore(config: Config, logger: Logger): CoreDeps {
  const { region, dynamoDbEndpoint, sqsEndpoint } = config;
  return assembleCore(config, logger, {
    dynamo: new DynamoDBClient({ region, ...(dynamoDbEndpoint ? { endpoint: dynamoDbEndpoint } : {}) }),
    sqs: new SQSClient({ region, ...(sqsEndpoint ? { endpoint: sqsEndpoint } : {}) }),
    events: createEventPublisher(config, logger),
  });
}

/** The clients and the event publisher the core adapters stand on: AWS's, or the local runtime's. */
export interface CoreClients {
  dynamo: DynamoDBClient;
  sqs: SqsSender;
  events: EventPublisher;
}

/**
 * The core adapters on the given clients. The Lambda functions and the local runtime both build
 * their core here, so they differ only in the clients.
 */
export function assembleCore(config: Config, logger: Logger, clients: CoreClients): CoreDeps {
  const { sqs } = clients;
  return {
    ...composeStores(config.tableName, clients.dynamo),
    generationQueue: new SqsGenerationQueue({ queueUrl: config.generationQueueUrl, client: sqs }),
    deliveryQueue: new SqsDeliveryQueue({ queueUrl: config.deliveryQueueUrl, client: sqs }),
    ingestionQueue: new SqsIngestionQueue({ queueUrl: config.ingestionQueueUrl, client: sqs }),
    evaluationQueue: new SqsEvaluationQueue({ queueUrl: config.evaluationQueueUrl, client: sqs }),
    webhookSender: new FetchWebhookSender({
      policy: config.webhookTargets,
      allowHttp: config.allowHttpWebhooks,
    }),
    events: clients.events,
    clock: systemClock,
    ids: createUlidIds(),
    logger,
    webhookTargets: config.webhookTargets,
    allowHttpWebhooks: config.allowHttpWebhooks,
    modelFaultBudgetMs: config.modelFaultBudgetMs,
  };
}
