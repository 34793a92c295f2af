/**
 * The embedded local runtime: the same Lambda handler modules as in AWS, with DynamoDB served by
 * dynalite (data on disk), the queues in memory with SQS semantics behind consumers that play the
 * event source mappings, and API Gateway by a node HTTP server. No AWS account and no API key needed.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ensureTable } from '#lib/adapters/aws/table-definition';
import { startDynaliteWorker } from '#lib/adapters/local/dynalite-server';
import { GENERATION_MAX_RECEIVE_COUNT, INGESTION_MAX_RECEIVE_COUNT } from '#lib/adapters/aws/sqs-queues';
import { InProcessConsumer, inProcessSqs, type SqsEventHandler } from '#lib/adapters/local/in-process-queues';
import { IN_PROCESS_SQS_ENDPOINT } from '#lib/adapters/local/in-process-registry';
import { createLambdaContext } from '#lib/adapters/local/lambda-events';
import { INGESTION_VISIBILITY_SECONDS } from '#lib/adapters/local/local-queues';
import { LocalTimerRunner } from '#lib/adapters/local/local-scheduler';
import type { TimerPayload } from '#lib/ports/timers';
import { type PendingKind, recoverPending, staleCutoffs } from '#lib/app/recover-pending';
import { ensureTenantForKey } from '#lib/app/tenants';
import { ENV, loadConfig } from '#lib/config';
import { startApiGatewayServer } from '#local/api-gateway-server';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const LOCAL_TABLE_NAME = 'parley';
/** Later than any stored timestamp, and still a 4-digit-year ISO string so it sorts after them. */
const END_OF_TIME = new Date('9999-12-31T23:59:59.999Z');
/** Generation can wait on a slow model; the queue hides a record this long while it is worked on. */
const GENERATION_VISIBILITY_SECONDS = 120;
/** Longer than a delivery's send lease, so a record is never worked on twice at once. */
const DELIVERY_VISIBILITY_SECONDS = 90;
/** Receives of a delivery record before its DLQ, as in the deployed stack (generation: GENERATION_MAX_RECEIVE_COUNT). */
const MAX_RECEIVE_COUNT = 5;
/** A failed record comes back this soon (rather than after its visibility timeout): quick retries on a laptop. */
const FAILURE_VISIBILITY_SECONDS = 5;
/** How often the running runtime sweeps for stored work whose queue record was lost, as the stack's sweeper does. */
export const LOCAL_SWEEP_INTERVAL_SECONDS = 60;
/**
 * What the interval sweep takes for lost: work of each kind waiting a minute longer than its
 * queue's visibility timeout here, so records still in flight are left alone.
 */
export const LOCAL_STALE_AFTER_SECONDS: Readonly<Record<PendingKind, number>> = Object.freeze({
  message: GENERATION_VISIBILITY_SECONDS + 60,
  delivery: DELIVERY_VISIBILITY_SECONDS + 60,
  document: INGESTION_VISIBILITY_SECONDS + 60,
});
/** Parallel generator "invocations": conversations answered at once. */
// Lambda scales out per conversation (one FIFO group each). An invocation here is a pending
// promise, mostly waiting on the model, so 100 costs nothing idle and lets 100 conversations wait
// on a slow model together instead of queueing behind each other.
const GENERATION_CONCURRENCY = 100;
const DELIVERY_CONCURRENCY = 4;
/** Documents indexed at once: parsing is CPU-bound and the machine has few cores. */
const INGESTION_CONCURRENCY = 2;

export interface LocalRuntimeOptions {
  dataDir: string;
  host: string;
  port: number;
  apiKey: string;
  /** Extra environment for the functions (e.g. OPENAI_BASE_URL); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface LocalRuntime {
  url: string;
  tenantId: string;
  stop(): Promise<void>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  await mkdir(options.dataDir, { recursive: true });
  // On its own thread: the runtime's one event loop is otherwise the bottleneck (BENCHMARKS.md).
  const dynalite = await startDynaliteWorker({ path: join(options.dataDir, 'dynamodb') });
  const region = 'us-east-1';
  const dynamoClient = new DynamoDBClient({
    endpoint: dynalite.endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTable(dynamoClient, LOCAL_TABLE_NAME);
  dynamoClient.destroy();
  const generationQueue = inProcessSqs.createQueue({
    name: 'parley-generation.fifo',
    visibilityTimeoutSeconds: GENERATION_VISIBILITY_SECONDS,
    maxReceiveCount: GENERATION_MAX_RECEIVE_COUNT,
  }).queue;
  const deliveryQueue = inProcessSqs.createQueue({
    name: 'parley-delivery',
    visibilityTimeoutSeconds: DELIVERY_VISIBILITY_SECONDS,
    maxReceiveCount: MAX_RECEIVE_COUNT,
  }).queue;
  const ingestionQueue = inProcessSqs.createQueue({
    name: 'parley-ingestion',
    visibilityTimeoutSeconds: INGESTION_VISIBILITY_SECONDS,
    maxReceiveCount: INGESTION_MAX_RECEIVE_COUNT,
  }).queue;

  // The functions read their configuration from the environment at import, exactly as in Lambda
  // (each handler module composes its dependencies at the top level, so importing it awaits that).
  Object.assign(process.env, options.env ?? {}, {
    [ENV.tableName]: LOCAL_TABLE_NAME,
    [ENV.generationQueueUrl]: generationQueue.url,
    [ENV.deliveryQueueUrl]: deliveryQueue.url,
    [ENV.ingestionQueueUrl]: ingestionQueue.url,
    [ENV.documentsDir]: join(options.dataDir, 'documents'),
    [ENV.dynamoDbEndpoint]: dynalite.endpoint,
    [ENV.sqsEndpoint]: IN_PROCESS_SQS_ENDPOINT,
    [ENV.webhookTargets]: 'local',
    [ENV.eventLogFile]: join(options.dataDir, 'events.jsonl'),
    [ENV.region]: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  // CloudWatch metrics (EMF lines on stdout) mean nothing on a laptop and would flood the terminal.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const [api, generator, delivery, ingester, timer, composition, logging] = await Promise.all([
    import('#functions/api'),
    import('#functions/generator'),
    import('#functions/delivery'),
    import('#functions/ingester'),
    import('#functions/timer'),
    import('#functions/composition'),
    import('#functions/logger'),
  ]);
  const deps = await composition.composeDeps(loadConfig(), logging.logger);
  const tenantId = await ensureTenantForKey(deps, { apiKey: options.apiKey, tenantName: 'Local' });

  const consumers = [
    new InProcessConsumer(generationQueue, {
      functionName: 'parley-generator',
      handler: generator.handler as unknown as SqsEventHandler,
      batchSize: 1,
      concurrency: GENERATION_CONCURRENCY,
      failureVisibilityTimeoutSeconds: FAILURE_VISIBILITY_SECONDS,
      logger: logging.logger,
    }),
    new InProcessConsumer(deliveryQueue, {
      functionName: 'parley-delivery',
      handler: delivery.handler as unknown as SqsEventHandler,
      batchSize: 10,
      concurrency: DELIVERY_CONCURRENCY,
      logger: logging.logger,
    }),
    new InProcessConsumer(ingestionQueue, {
      functionName: 'parley-ingester',
      handler: ingester.handler as unknown as SqsEventHandler,
      batchSize: 1,
      concurrency: INGESTION_CONCURRENCY,
      failureVisibilityTimeoutSeconds: FAILURE_VISIBILITY_SECONDS,
      logger: logging.logger,
    }),
  ];
  for (const consumer of consumers) consumer.start();
  // Timers live in the store; the runner fires each at its time through the timer handler, as
  // EventBridge Scheduler invokes the timer function, and fires those missed while stopped at once.
  const timerHandler = timer.handler as unknown as (payload: TimerPayload, context: Context) => Promise<void>;
  const timers = new LocalTimerRunner({
    store: deps.timerStore,
    logger: logging.logger,
    fire: (payload) => timerHandler(payload, createLambdaContext('parley-timer', region, 60)),
  });
  await timers.start();
  // The queues live in memory: whatever was stored but not finished before a stop is queued again.
  await recoverPending(deps, { olderThan: END_OF_TIME, limit: 10_000 });
  // While running, a record can still be lost (a dead-lettered record, a crash of one invocation):
  // sweep for it on an interval, as the stack's sweeper does.
  const sweeping = setInterval(() => {
    const olderThan = staleCutoffs(new Date(), LOCAL_STALE_AFTER_SECONDS);
    recoverPending(deps, { olderThan, limit: 10_000 }).catch((error: unknown) =>
      logging.logger.error('the recovery sweep failed', { error: String(error) }),
    );
  }, LOCAL_SWEEP_INTERVAL_SECONDS * 1000);
  sweeping.unref();

  const apiHandler = api.handler as unknown as (
    e: APIGatewayProxyEventV2,
    c: Context,
  ) => Promise<APIGatewayProxyStructuredResultV2>;
  const http = await startApiGatewayServer({ handler: apiHandler, host: options.host, port: options.port });
  return {
    url: http.url,
    tenantId,
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
