/**
 * The embedded local runtime: the same Lambda handlers as in AWS (built by the same factories, from
 * local/composition.ts), with DynamoDB served by dynalite (data on disk), the queues in memory with
 * SQS semantics behind consumers that play the event source mappings, and API Gateway by a node
 * HTTP server. No AWS account and no API key needed.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startDynaliteWorker } from '#lib/adapters/local/dynalite-server';
import { InProcessConsumer, inProcessSqs } from '#lib/adapters/local/in-process-queues';
import { createLambdaContext } from '#lib/adapters/local/lambda-events';
import { LocalTimerRunner } from '#lib/adapters/local/local-scheduler';
import { expireConversations } from '#lib/app/expire-conversations';
import { type PendingKind, recoverPending, staleAfterVisibility, staleCutoffs } from '#lib/app/recover-pending';
import { ensureTenantForKey } from '#lib/app/tenants';
import { backfillInbox } from '#lib/app/backfill-inbox';
import { reindexKnowledge } from '#lib/app/knowledge/reindex-knowledge';
import { ensureCurrentTable } from '#local/upgrade-table';
import { type Config, ENV, loadConfig, type ModelProvider } from '#lib/config';
import { LOCAL_QUEUE_SETTINGS, QUEUE_SETTINGS } from '#lib/queue-settings';
import { startApiGatewayServer } from '#local/api-gateway-server';
import { composeLocal } from '#local/composition';
import { logger } from '#functions/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const LOCAL_TABLE_NAME = 'parley';
/** Later than any stored timestamp, and still a 4-digit-year ISO string so it sorts after them. */
const END_OF_TIME = new Date('9999-12-31T23:59:59.999Z');
/** Visibility, receive counts, batch sizes and concurrency of the queues (lib/queue-settings.ts says why). */
const QUEUES = LOCAL_QUEUE_SETTINGS;
/** How often the running runtime sweeps for stored work whose queue record was lost, as the stack's sweeper does. */
export const LOCAL_SWEEP_INTERVAL_SECONDS = 60;
/**
 * What the interval sweep takes for lost: work of each kind waiting a minute longer than its
 * queue's visibility timeout here, so records still in flight are left alone.
 */
export const LOCAL_STALE_AFTER_SECONDS: Readonly<Record<PendingKind, number>> = staleAfterVisibility(QUEUES);

export interface LocalRuntimeOptions {
  dataDir: string;
  host: string;
  port: number;
  apiKey: string;
  /** Extra environment for the functions' configuration (e.g. OPENAI_BASE_URL), over process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface LocalRuntime {
  url: string;
  tenantId: string;
  /** The model provider the configuration resolved to. */
  modelProvider: ModelProvider;
  /** Which model answers, for the banner: e.g. `Amazon Bedrock us.amazon.nova-lite-v1:0 (eu-west-1)`. */
  modelDescription: string;
  stop(): Promise<void>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  await mkdir(options.dataDir, { recursive: true });
  // On its own thread: the runtime's one event loop is otherwise the bottleneck (BENCHMARKS.md).
  const dynalite = await startDynaliteWorker({ path: join(options.dataDir, 'dynamodb') });
  // dynalite's region and credentials: they go to the DynamoDB client and the config's `region`
  // only. A Bedrock model is reached with the operator's own (AWS_REGION, AWS_PROFILE: the SDK's
  // default chain), which nothing here touches.
  const region = 'us-east-1';
  const dynamoClient = new DynamoDBClient({
    endpoint: dynalite.endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureCurrentTable(dynamoClient, LOCAL_TABLE_NAME);
  dynamoClient.destroy();
  const generationQueue = inProcessSqs.createQueue({
    name: 'parley-generation.fifo',
    visibilityTimeoutSeconds: QUEUES.generation.visibilityTimeoutSeconds,
    maxReceiveCount: QUEUES.generation.maxReceiveCount,
  }).queue;
  const deliveryQueue = inProcessSqs.createQueue({
    name: 'parley-delivery',
    visibilityTimeoutSeconds: QUEUES.delivery.visibilityTimeoutSeconds,
    maxReceiveCount: QUEUES.delivery.maxReceiveCount,
  }).queue;
  const ingestionQueue = inProcessSqs.createQueue({
    name: 'parley-ingestion',
    visibilityTimeoutSeconds: QUEUES.ingestion.visibilityTimeoutSeconds,
    maxReceiveCount: QUEUES.ingestion.maxReceiveCount,
  }).queue;
  const evaluationQueue = inProcessSqs.createQueue({
    name: 'parley-evaluation',
    visibilityTimeoutSeconds: QUEUES.evaluation.visibilityTimeoutSeconds,
    maxReceiveCount: QUEUES.evaluation.maxReceiveCount,
  }).queue;

  // The functions' configuration, parsed by the same schema as in Lambda, from the environment
  // with the local runtime's own settings over it.
  const env = { ...process.env, ...options.env };
  const config = loadConfig({
    ...env,
    [ENV.tableName]: LOCAL_TABLE_NAME,
    [ENV.generationQueueUrl]: generationQueue.url,
    [ENV.deliveryQueueUrl]: deliveryQueue.url,
    [ENV.ingestionQueueUrl]: ingestionQueue.url,
    [ENV.evaluationQueueUrl]: evaluationQueue.url,
    [ENV.documentsDir]: join(options.dataDir, 'documents'),
    [ENV.dynamoDbEndpoint]: dynalite.endpoint,
    [ENV.webhookTargets]: 'local',
    [ENV.eventLogFile]: join(options.dataDir, 'events.jsonl'),
    [ENV.region]: region,
  });
  const { deps, handlers } = await composeLocal(config, logger);
  const tenantId = await ensureTenantForKey(deps, { apiKey: options.apiKey, tenantName: 'Local' });

  const consumers = [
    new InProcessConsumer(generationQueue, {
      functionName: 'parley-generator',
      handler: handlers.generator,
      batchSize: QUEUES.generation.batchSize,
      concurrency: QUEUES.generation.concurrency,
      failureVisibilityTimeoutSeconds: QUEUES.generation.failureVisibilityTimeoutSeconds,
      logger,
    }),
    new InProcessConsumer(deliveryQueue, {
      functionName: 'parley-delivery',
      handler: handlers.delivery,
      batchSize: QUEUES.delivery.batchSize,
      concurrency: QUEUES.delivery.concurrency,
      logger,
    }),
    new InProcessConsumer(ingestionQueue, {
      functionName: 'parley-ingester',
      handler: handlers.ingester,
      batchSize: QUEUES.ingestion.batchSize,
      concurrency: QUEUES.ingestion.concurrency,
      failureVisibilityTimeoutSeconds: QUEUES.ingestion.failureVisibilityTimeoutSeconds,
      logger,
    }),
    new InProcessConsumer(evaluationQueue, {
      functionName: 'parley-evaluator',
      handler: handlers.evaluator,
      batchSize: QUEUES.evaluation.batchSize,
      concurrency: QUEUES.evaluation.concurrency,
      failureVisibilityTimeoutSeconds: QUEUES.evaluation.failureVisibilityTimeoutSeconds,
      // The evaluator's deadline, as in Lambda: a long run continues in a new job before it.
      timeoutSeconds: QUEUE_SETTINGS.evaluation.lambdaTimeoutSeconds,
      logger,
    }),
  ];
  for (const consumer of consumers) consumer.start();
  // Timers live in the store; the runner fires each at its time through the timer handler, as
  // EventBridge Scheduler invokes the timer function, and fires those missed while stopped at once.
  const timers = new LocalTimerRunner({
    store: deps.timerStore,
    logger,
    fire: (payload) => handlers.timer(payload, createLambdaContext('parley-timer', region, 60)),
  });
  await timers.start();
  // Conversations stored before the inbox existed are put in it (once: then it reads one item).
  await backfillInbox(deps);
  // The queues live in memory: whatever was stored but not finished before a stop is queued again.
  await recoverPending(deps, { olderThan: END_OF_TIME, limit: 10_000 });
  // Documents embedded by another model (the provider changed since) are indexed again with this one.
  const reindexing = await reindexKnowledge(deps, tenantId, deps.embedder?.model).catch((error: unknown) => {
    logger.error('looking for knowledge to re-index failed', { error: String(error) });
    return 0;
  });
  if (reindexing > 0) {
    logger.warn('re-indexing knowledge embedded by another model', {
      documents: reindexing,
      model: deps.embedder?.model,
    });
  }
  // Conversations whose retention ran out while the runtime was stopped go now, not a sweep later.
  await expireConversations(deps).catch((error: unknown) =>
    logger.error('the expiry sweep failed', { error: String(error) }),
  );
  // While running, a record can still be lost (a dead-lettered record, a crash of one invocation):
  // sweep for it on an interval, as the stack's sweeper does.
  const sweeping = setInterval(() => {
    const olderThan = staleCutoffs(new Date(), LOCAL_STALE_AFTER_SECONDS);
    recoverPending(deps, { olderThan, limit: 10_000 }).catch((error: unknown) =>
      logger.error('the recovery sweep failed', { error: String(error) }),
    );
    // dynalite has no TTL: expiry is this sweep, locally as in AWS.
    expireConversations(deps).catch((error: unknown) =>
      logger.error('the expiry sweep failed', { error: String(error) }),
    );
  }, LOCAL_SWEEP_INTERVAL_SECONDS * 1000);
  sweeping.unref();

  const http = await startApiGatewayServer({ handler: handlers.api, host: options.host, port: options.port });
  return {
    url: http.url,
    tenantId,
    modelProvider: config.modelProvider,
    modelDescription: describeModel(config, env),
    async stop() {
      await http.close();
      clearInterval(sweeping);
      await timers.stop();
      await Promise.all(consumers.map((c) => c.stop()));
      inProcessSqs.close();
      await dynalite.close();
    },
  };
}

/**
 * The model that answers, as the banner names it. For Bedrock, the region is the SDK's (AWS_REGION,
 * else AWS_DEFAULT_REGION, else the profile's), not the runtime's dynalite region.
 */
export function describeModel(config: Config, env: NodeJS.ProcessEnv): string {
  switch (config.modelProvider) {
    case 'offline':
      return 'offline';
    case 'openai':
      return `OpenAI-compatible ${config.openAi.chatModel}`;
    case 'bedrock': {
      const region =
        env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? `the region of AWS profile ${env.AWS_PROFILE ?? 'default'}`;
      return `Amazon Bedrock ${config.bedrock.chatModel} (${region})`;
    }
  }
}
