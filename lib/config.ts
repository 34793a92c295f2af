/**
 * Runtime configuration: one schema turns `process.env` into a frozen, typed config at cold start.
 * The variable names are exported so that `infra/` sets exactly what the code reads.
 */
import { z } from 'zod';
import type { WebhookTargetPolicy } from '#lib/domain/webhook-url';

export const ENV = {
  tableName: 'PARLEY_TABLE_NAME',
  generationQueueUrl: 'PARLEY_GENERATION_QUEUE_URL',
  deliveryQueueUrl: 'PARLEY_DELIVERY_QUEUE_URL',
  /** Overrides the DynamoDB endpoint (the local runtime's dynalite). */
  dynamoDbEndpoint: 'PARLEY_DYNAMODB_ENDPOINT',
  /** Overrides the SQS endpoint (the local runtime's fauxqs). */
  sqsEndpoint: 'PARLEY_SQS_ENDPOINT',
  openAiApiKey: 'OPENAI_API_KEY',
  /** In AWS the OpenAI key is not in the environment: this Secrets Manager secret holds it. */
  openAiSecretArn: 'PARLEY_OPENAI_SECRET_ARN',
  openAiBaseUrl: 'OPENAI_BASE_URL',
  chatModel: 'PARLEY_CHAT_MODEL',
  embeddingModel: 'PARLEY_EMBEDDING_MODEL',
  /** The EventBridge bus that domain events go to (AWS). */
  eventBusName: 'PARLEY_EVENT_BUS_NAME',
  /** The file domain events are appended to (local runtime), one JSON object a line. */
  eventLogFile: 'PARLEY_EVENT_LOG_FILE',
  /** EventBridge Scheduler: the group timers are made in, the role it invokes with, its DLQ, and the target function. */
  scheduleGroupName: 'PARLEY_SCHEDULE_GROUP',
  schedulerRoleArn: 'PARLEY_SCHEDULER_ROLE_ARN',
  schedulerDlqArn: 'PARLEY_SCHEDULER_DLQ_ARN',
  timerTargetArn: 'PARLEY_TIMER_TARGET_ARN',
  /**
   * `public` (default): webhooks only to public addresses. `private`: private ranges too (an
   * operator's choice for a VPC-internal receiver). `local`: loopback as well (the local runtime
   * only). Link-local and metadata addresses are refused under every setting.
   */
  webhookTargets: 'PARLEY_WEBHOOK_TARGETS',
  region: 'AWS_REGION',
} as const;

const configSchema = z.object({
  [ENV.tableName]: z.string().min(1),
  [ENV.generationQueueUrl]: z.url(),
  [ENV.deliveryQueueUrl]: z.url(),
  [ENV.dynamoDbEndpoint]: z.url().optional(),
  [ENV.sqsEndpoint]: z.url().optional(),
  [ENV.openAiApiKey]: z.string().min(1).optional(),
  [ENV.openAiBaseUrl]: z.url().optional(),
  [ENV.chatModel]: z.string().min(1).default('gpt-4o-mini'),
  [ENV.webhookTargets]: z.enum(['public', 'private', 'local']).default('public'),
  [ENV.region]: z.string().min(1).default('us-east-1'),
});

export interface Config {
  tableName: string;
  generationQueueUrl: string;
  deliveryQueueUrl: string;
  dynamoDbEndpoint?: string;
  sqsEndpoint?: string;
  region: string;
  /** Set when an OpenAI (or compatible) server should answer; otherwise the offline model does. */
  openAi?: { apiKey: string; baseUrl?: string; chatModel: string };
  webhookTargets: WebhookTargetPolicy;
}

/** Parses the environment; throws naming every missing or invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const e = result.data;
  const apiKey = e[ENV.openAiApiKey] ?? (e[ENV.openAiBaseUrl] ? 'not-needed' : undefined);
  return Object.freeze({
    tableName: e[ENV.tableName],
    generationQueueUrl: e[ENV.generationQueueUrl],
    deliveryQueueUrl: e[ENV.deliveryQueueUrl],
    dynamoDbEndpoint: e[ENV.dynamoDbEndpoint],
    sqsEndpoint: e[ENV.sqsEndpoint],
    region: e[ENV.region],
    openAi: apiKey ? { apiKey, baseUrl: e[ENV.openAiBaseUrl], chatModel: e[ENV.chatModel] } : undefined,
    webhookTargets: e[ENV.webhookTargets],
  });
}
