import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { routes } from '#functions/http/routes/index';
import { ENV, embeddingModelOf } from '#lib/config';
import type { InfraConfig } from './config.ts';
import { Api } from './constructs/api.ts';
import { Evaluations } from './constructs/evaluations.ts';
import { Events } from './constructs/events.ts';
import { Generation } from './constructs/generation.ts';
import { Knowledge } from './constructs/knowledge.ts';
import { Messaging } from './constructs/messaging.ts';
import { ModelAccess } from './constructs/model-access.ts';
import { Observability } from './constructs/observability.ts';
import { Scheduling } from './constructs/scheduling.ts';
import { Storage } from './constructs/storage.ts';
import { WebDashboard } from './constructs/web-dashboard.ts';

export interface ParleyStackProps extends StackProps {
  readonly config: InfraConfig;
}

/**
 * Everything one Parley installation runs on, in one environment-agnostic stack (no lookups, so
 * it synthesises offline). The constructs own their resources; this class wires them, and every
 * permission a function has is granted here, where it can be read at a glance.
 */
export class ParleyStack extends Stack {
  constructor(scope: Construct, id: string, props: ParleyStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = config.logRetentionDays;

    const storage = new Storage(this, 'Storage');
    const messaging = new Messaging(this, 'Messaging');
    const events = new Events(this, 'Events');
    // Only the openai provider has a key to keep (its secret); bedrock is reached with the
    // functions' own roles, and a demo stack (`offline`) needs nothing.
    const models = new ModelAccess(this, config);

    // lib/config.ts reads these in every function; queue URLs, names and models are not secrets.
    const sharedEnvironment = {
      [ENV.generationQueueUrl]: messaging.generationQueue.queueUrl,
      [ENV.deliveryQueueUrl]: messaging.deliveryQueue.queueUrl,
      ...models.environment,
      [ENV.webhookTargets]: config.webhookTargets,
      [ENV.allowHttpWebhooks]: String(config.allowHttpWebhooks),
    };
    const knowledge = new Knowledge(this, 'Knowledge', { environment: sharedEnvironment, logRetention });
    const { ingester } = knowledge;
    const environment = { ...sharedEnvironment, ...knowledge.environment };
    const evaluations = new Evaluations(this, 'Evaluations', { environment, logRetention });
    const { evaluator } = evaluations;
    const api = new Api(this, 'Api', {
      routes,
      environment,
      logRetention,
      throttleRate: config.apiThrottleRate,
      throttleBurst: config.apiThrottleBurst,
    });
    // The browser dashboard, on the API's own origin: it calls the public API and nothing else.
    new WebDashboard(this, 'WebDashboard', { httpApi: api.httpApi, logRetention });
    const generation = new Generation(this, 'Generation', {
      messaging,
      environment,
      logRetention,
      generatorBatchSize: config.generatorBatchSize,
      generatorMaxConcurrency: config.generatorMaxConcurrency,
      deliveryMaxConcurrency: config.deliveryMaxConcurrency,
    });
    const { generator, delivery, sweeper, timer } = generation;
    // Follow-ups and drop-off nudges: every timer invokes the timer function, and nothing else.
    const scheduling = new Scheduling(this, 'Scheduling', { targets: [timer] });

    // Least privilege, function by function. Consuming a queue is granted by its event source.
    storage.grantReadWrite(api.handler);
    messaging.grantSendGeneration(api.handler);
    // It stores uploaded originals, deletes documents and bases, and searches passages.
    knowledge.grantReadWriteDelete(api.handler);
    knowledge.grantSendIngestion(api.handler);
    // Testing responses call the chat model, and search embeds the query.
    models.grantUse(api.handler);
    // Handoff, resume, close and outgoing messages cancel or re-arm a conversation's timers; erasure
    // cancels them and publishes conversation.deleted.
    scheduling.grantScheduleTimers(api.handler, timer);
    events.grantPublish(api.handler);
    // Starting a test-set run queues its job.
    evaluations.grantSendEvaluation(api.handler);

    storage.grantReadWrite(generator);
    messaging.grantSendDelivery(generator);
    events.grantPublish(generator);
    models.grantUse(generator);
    // Each answer arms the requested follow-up and (re)arms the drop-off timer.
    scheduling.grantScheduleTimers(generator, timer);
    // Passages for grounding replies.
    knowledge.grantRead(generator);

    storage.grantReadWrite(delivery);
    // A failed delivery is queued again, with a delay, for its next attempt.
    messaging.grantSendDelivery(delivery);
    events.grantPublish(delivery);

    // Writes the follow-up or nudge with the chat model, grounded in the knowledge base, queues
    // its webhook, and arms the next nudge (a timer of its own). Invoked by the scheduler's role.
    storage.grantReadWrite(timer);
    messaging.grantSendDelivery(timer);
    events.grantPublish(timer);
    models.grantUse(timer);
    knowledge.grantRead(timer);
    scheduling.grantScheduleTimers(timer, timer);

    // Expiry erases conversations: item reads and deletes, their schedules, conversation.deleted.
    storage.grantReadWrite(sweeper);
    scheduling.grantScheduleTimers(sweeper, timer);
    events.grantPublish(sweeper);
    // It also runs the one-off migrations (the inbox backfill, the knowledge re-index after an
    // embedding model change), a bounded slice per run, until each is done: the only Scans.
    storage.grantInboxBackfill(sweeper);
    messaging.grantSendGeneration(sweeper);
    messaging.grantSendDelivery(sweeper);
    // Documents whose ingestion record was lost are queued again too, and so are those embedded by
    // another model after a switch (the knowledge re-index reads their chunk sets to tell).
    knowledge.grantSendIngestion(sweeper);
    knowledge.grantRead(sweeper);

    storage.grantReadWrite(ingester);
    // Reads the original (or stores a fetched page), writes the passages.
    knowledge.grantReadWrite(ingester);
    // Passages are embedded.
    models.grantUse(ingester);

    // Test-set runs answer as testing responses do (the same model access and knowledge reads as
    // the api function's), and write only the runs' results: no queue but their own, no event, no timer.
    storage.grantReadWrite(evaluator);
    knowledge.grantRead(evaluator);
    models.grantUse(evaluator);

    const observability = new Observability(this, 'Observability', {
      api,
      functions: [api.handler, ...generation.functions, ingester, evaluator],
      generator,
      queues: {
        generation: messaging.generationQueue,
        delivery: messaging.deliveryQueue,
        ingestion: knowledge.ingestionQueue,
        evaluation: evaluations.evaluationQueue,
      },
      deadLetterQueues: {
        generation: messaging.generationDlq,
        delivery: messaging.deliveryDlq,
        ingestion: knowledge.ingestionDlq,
        evaluation: evaluations.evaluationDlq,
        timer: scheduling.deadLetterQueue,
      },
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
    });

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Base URL of the Parley API' });
    new CfnOutput(this, 'WebDashboardUrl', {
      value: api.url,
      description: 'The dashboard: open it in a browser and sign in with an API key',
    });
    new CfnOutput(this, 'TableName', { value: storage.table.tableName });
    new CfnOutput(this, 'DocumentsBucketName', { value: knowledge.bucket.bucketName });
    new CfnOutput(this, 'EventBusName', { value: events.bus.eventBusName });
    // What `parley reindex-knowledge` needs: where ingestion is queued, and the model the functions
    // embed with (as lib/config.ts reads it from their environment); none offline.
    new CfnOutput(this, 'IngestionQueueUrl', { value: knowledge.ingestionQueue.queueUrl });
    const embeddingModel = embeddingModelOf({
      modelProvider: config.modelProvider,
      openAi: { embeddingModel: config.embeddingModel },
      bedrock: { embeddingModel: config.bedrockEmbeddingModel },
    });
    if (embeddingModel) new CfnOutput(this, 'EmbeddingModel', { value: embeddingModel });
    if (models.secrets) {
      new CfnOutput(this, 'OpenAiSecretArn', {
        value: models.secrets.openAiKey.ref,
        description:
          'Put the OpenAI API key here: aws secretsmanager put-secret-value --secret-id <this> --secret-string sk-…',
      });
    }
    new CfnOutput(this, 'DashboardName', { value: observability.dashboard.dashboardName });
  }
}
