/**
 * Runtime configuration: one schema turns `process.env` into a frozen, typed config at cold start.
 * The variable names are exported so that `infra/` sets exactly what the code reads.
 */
import { z } from 'zod';

export const ENV = {
  tableName: 'PARLEY_TABLE_NAME',
  generationQueueUrl: 'PARLEY_GENERATION_QUEUE_URL',
  deliveryQueueUrl: 'PARLEY_DELIVERY_QUEUE_URL',
  /** Overrides the DynamoDB endpoint (the local runtime's dynalite). */
  dynamoDbEndpoint: 'PARLEY_DYNAMODB_ENDPOINT',
  /** Overrides the SQS endpoint (the local runtime's fauxqs). */
  sqsEndpoint: 'PARLEY_SQS_ENDPOINT',
  openAiApiKey: 'OPENAI_API_KEY',
  openAiBaseUrl: 'OPENAI_BASE_URL',
  chatModel: 'PARLEY_CHAT_MODEL',
  /** `local` lets webhooks target loopback addresses (never link-local or metadata ones). */
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
  [ENV.webhookTargets]: z.enum(['public', 'local']).default('public'),
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
  webhookTargets: 'public' | 'local';
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
