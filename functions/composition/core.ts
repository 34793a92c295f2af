/**
 * What every function needs: the stores, the queues, the event publisher, the webhook sender, time
 * and ids. The heavier parts (models, documents, timers) are in their own modules, so a function's
 * bundle holds only the SDKs it uses.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Deps, Stores } from '#lib/app/deps';
import type { Config } from '#lib/config';
import { createDocumentClient, createDynamoStores } from '#lib/adapters/aws/dynamo-stores';
import { SqsDeliveryQueue, SqsGenerationQueue, SqsIngestionQueue } from '#lib/adapters/aws/sqs-queues';
import { DeferredEventPublisher } from '#lib/adapters/deferred-adapters';
import { FetchWebhookSender } from '#lib/adapters/http/webhook-sender';
import { JsonlEventLog } from '#lib/adapters/local/event-log';
import {
  createDynamoClient,
  IN_PROCESS_SQS_ENDPOINT,
  inProcessSqsSender,
} from '#lib/adapters/local/in-process-registry';
import { systemClock } from '#lib/adapters/system/system-clock';
import { createUlidIds } from '#lib/adapters/system/ulid-ids';
import type { EventPublisher } from '#lib/ports/events';
import type { Logger } from '#lib/ports/system';

export type CoreDeps = Stores &
  Pick<
    Deps,
    | 'generationQueue'
    | 'deliveryQueue'
    | 'ingestionQueue'
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
 * EventBridge in AWS, the JSON-lines log locally, else nowhere (tests, tools): logged at debug.
 * The EventBridge client is built on the first publish, so a request that publishes nothing never
 * loads it.
 */
function createEventPublisher(config: Config, logger: Logger): EventPublisher {
  const { eventBusName, logFile } = config.events;
  if (eventBusName) {
    return new DeferredEventPublisher(async () =>
      (await import('#functions/composition/deferred/eventbridge-events')).createEventBridgePublisher(
        eventBusName,
        config.region,
      ),
    );
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

/** The adapters every function shares, built once per cold start. */
export function composeCore(config: Config, logger: Logger): CoreDeps {
  const region = config.region;
  // The local runtime's dynalite runs in a worker of this process: its calls skip the sockets.
  const dynamo = createDynamoClient({
    region,
    ...(config.dynamoDbEndpoint ? { endpoint: config.dynamoDbEndpoint } : {}),
  });
  // The local runtime's queues live in its own process; anywhere else, SQS (or an emulator's endpoint).
  const sqs =
    config.sqsEndpoint === IN_PROCESS_SQS_ENDPOINT
      ? inProcessSqsSender()
      : new SQSClient({ region, ...(config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}) });
  return {
    ...createDynamoStores({ tableName: config.tableName, client: createDocumentClient(dynamo) }),
    generationQueue: new SqsGenerationQueue({ queueUrl: config.generationQueueUrl, client: sqs }),
    deliveryQueue: new SqsDeliveryQueue({ queueUrl: config.deliveryQueueUrl, client: sqs }),
    ingestionQueue: new SqsIngestionQueue({ queueUrl: config.ingestionQueueUrl, client: sqs }),
    webhookSender: new FetchWebhookSender({
      policy: config.webhookTargets,
      allowHttp: config.allowHttpWebhooks,
    }),
    events: createEventPublisher(config, logger),
    clock: systemClock,
    ids: createUlidIds(),
    logger,
    webhookTargets: config.webhookTargets,
    allowHttpWebhooks: config.allowHttpWebhooks,
    modelFaultBudgetMs: config.modelFaultBudgetMs,
  };
}
