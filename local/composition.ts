/**
 * The local runtime's composition root: the same handler factories as the Lambda functions, given
 * the local stand-ins for what AWS would provide. DynamoDB is dynalite in a worker of this process
 * (reached without sockets), the queues are the in-process ones, timers are records in the store
 * that the runtime's runner fires, domain events go to a JSON-lines file and documents to a directory.
 */
import type { Deps } from '#lib/app/deps';
import { KnowledgeIndexCache } from '#lib/app/knowledge/knowledge-index';
import type { Config } from '#lib/config';
import { JsonlEventLog } from '#lib/adapters/local/event-log';
import { FileBlobStore } from '#lib/adapters/local/file-blob-store';
import { inProcessSqs } from '#lib/adapters/local/in-process-queues';
import { createDynamoClient } from '#lib/adapters/local/in-process-registry';
import { LocalTimerScheduler } from '#lib/adapters/local/local-scheduler';
import type { Logger } from '#lib/ports/system';
import { assembleCore } from '#functions/composition/core';
import { composeDocumentTools } from '#functions/composition/documents';
import { composeModels } from '#functions/composition/models';
import { type ApiHandler, createApiHandler } from '#functions/handlers/api';
import { createDeliveryHandler, type DeliveryHandler } from '#functions/handlers/delivery';
import { createEvaluatorHandler, type EvaluatorHandler } from '#functions/handlers/evaluator';
import { createGeneratorHandler, type GeneratorHandler } from '#functions/handlers/generator';
import { createIngesterHandler, type IngesterHandler } from '#functions/handlers/ingester';
import { createTimerHandler, type TimerHandler } from '#functions/handlers/timer';

/** dynalite checks that a request is signed but not the signature: any credentials will do. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** What the runtime serves, each function's handler as the factories build it. */
export interface LocalHandlers {
  api: ApiHandler;
  generator: GeneratorHandler;
  delivery: DeliveryHandler;
  ingester: IngesterHandler;
  timer: TimerHandler;
  evaluator: EvaluatorHandler;
}

export interface LocalComposition {
  /** Every adapter, for what the runtime does itself (the local tenant, recovery, the timer runner). */
  deps: Deps;
  handlers: LocalHandlers;
}

/**
 * Builds the local adapters once and hands them to every handler factory. `config` must name the
 * documents directory, the event log file and dynalite's endpoint, which local/runtime.ts sets.
 */
export async function composeLocal(config: Config, logger: Logger): Promise<LocalComposition> {
  const { documents, events } = config;
  if (!('dir' in documents) || !events.logFile || !config.dynamoDbEndpoint) {
    throw new Error('the local runtime needs a documents directory, an event log file and a DynamoDB endpoint');
  }
  const core = assembleCore(config, logger, {
    dynamo: createDynamoClient({
      region: config.region,
      endpoint: config.dynamoDbEndpoint,
      credentials: LOCAL_CREDENTIALS,
    }),
    sqs: inProcessSqs,
    events: new JsonlEventLog({ file: events.logFile }),
  });
  const deps: Deps = {
    ...core,
    ...(await composeModels(config, logger)),
    blobs: new FileBlobStore({ dir: documents.dir }),
    knowledgeIndex: new KnowledgeIndexCache(),
    timers: new LocalTimerScheduler({ store: core.timerStore }),
  };
  return {
    deps,
    handlers: {
      api: createApiHandler(deps),
      generator: createGeneratorHandler(deps),
      delivery: createDeliveryHandler(deps),
      ingester: createIngesterHandler({ ...deps, ...composeDocumentTools(config) }),
      timer: createTimerHandler(deps),
      evaluator: createEvaluatorHandler(deps),
    },
  };
}
