import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { routes } from '#functions/http/routes/index';
import { DEFAULT_BEDROCK_EMBEDDING_MODEL } from '#lib/adapters/bedrock/models';
import { ENV, embeddingModelOf } from '#lib/config';
import type { InfraConfig } from './config.ts';
import { Api } from './constructs/api.ts';
import { Events } from './constructs/events.ts';
import { Generation } from './constructs/generation.ts';
import { Knowledge } from './constructs/knowledge.ts';
import { Messaging } from './constructs/messaging.ts';
import { Observability } from './constructs/observability.ts';
import { Scheduling } from './constructs/scheduling.ts';
import { Secrets } from './constructs/secrets.ts';
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
    // Only the openai provider has a key to keep; a demo stack (`offline`) has no secret to read.
    const secrets = config.modelProvider === 'openai' ? new Secrets(this, 'Secrets') : undefined;

    // lib/config.ts reads these in every function; queue URLs, names and models are not secrets.
    const sharedEnvironment = {
      [ENV.generationQueueUrl]: messaging.generationQueue.queueUrl,
      [ENV.deliveryQueueUrl]: messaging.deliveryQueue.queueUrl,
      [ENV.modelProvider]: config.modelProvider,
      [ENV.chatModel]: config.chatModel,
      [ENV.embeddingModel]: config.embeddingModel,
      [ENV.webhookTargets]: config.webhookTargets,
      [ENV.allowHttpWebhooks]: String(config.allowHttpWebhooks),
    };
    const knowledge = new Knowledge(this, 'Knowledge', { environment: sharedEnvironment, logRetention });
    const { ingester } = knowledge;
    const environment = { ...sharedEnvironment, ...knowledge.environment };
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
    // Testing responses call the chat model, and search embeds the query: both need the OpenAI key.
    secrets?.grantRead(api.handler);
    // Handoff, resume, close and outgoing messages cancel or re-arm a conversation's timers; erasure
    // cancels them and publishes conversation.deleted.
    scheduling.grantScheduleTimers(api.handler, timer);
    events.grantPublish(api.handler);

    storage.grantReadWrite(generator);
    messaging.grantSendDelivery(generator);
    events.grantPublish(generator);
    secrets?.grantRead(generator);
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
    secrets?.grantRead(timer);
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
    // Embeddings need the OpenAI key.
    secrets?.grantRead(ingester);

    const observability = new Observability(this, 'Observability', {
      api,
      functions: [api.handler, ...generation.functions, ingester],
      generator,
      queues: {
        generation: messaging.generationQueue,
        delivery: messaging.deliveryQueue,
        ingestion: knowledge.ingestionQueue,
      },
      deadLetterQueues: {
        generation: messaging.generationDlq,
        delivery: messaging.deliveryDlq,
        ingestion: knowledge.ingestionDlq,
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
    const functionEnvironment: Record<string, string | undefined> = environment;
    const embeddingModel = embeddingModelOf({
      modelProvider: config.modelProvider,
      openAi: { embeddingModel: config.embeddingModel },
      bedrock: { embeddingModel: functionEnvironment[ENV.bedrockEmbeddingModel] ?? DEFAULT_BEDROCK_EMBEDDING_MODEL },
    });
    if (embeddingModel) new CfnOutput(this, 'EmbeddingModel', { value: embeddingModel });
    if (secrets) {
      new CfnOutput(this, 'OpenAiSecretArn', {
        value: secrets.openAiKey.ref,
        description:
          'Put the OpenAI API key here: aws secretsmanager put-secret-value --secret-id <this> --secret-string sk-…',
      });
    }
    new CfnOutput(this, 'DashboardName', { value: observability.dashboard.dashboardName });
  }
}
