/**
 * Runtime configuration: one schema turns `process.env` into a frozen, typed config at cold start.
 * The variable names are exported so that `infra/` sets exactly what the code reads.
 */
// A namespace import lets esbuild leave zod's ~50 locales (~350 KB) out of the bundles.
import * as z from 'zod';
import { DEFAULT_BEDROCK_CHAT_MODEL, DEFAULT_BEDROCK_EMBEDDING_MODEL } from '#lib/adapters/bedrock/models';
import { MODEL_FAULT_BUDGET_MS } from '#lib/domain/model-faults';
import type { WebhookTargetPolicy } from '#lib/domain/webhook-url';

/**
 * Where answers come from. `openai`: OpenAI or any OpenAI-compatible server (the key from
 * OPENAI_API_KEY, else the Secrets Manager secret; a base URL alone for a keyless server).
 * `bedrock`: Amazon Bedrock in the account's own region, with the AWS SDK's usual credentials
 * (the Lambda role; locally AWS_PROFILE or the environment's keys).
 * `offline`: the deterministic template model, which needs nothing (the local default, and a
 * deployed stack's only when the operator asks for a demo with `-c modelProvider=offline`).
 */
export const MODEL_PROVIDERS = ['openai', 'bedrock', 'offline'] as const;

export type ModelProvider = (typeof MODEL_PROVIDERS)[number];

/** `a or b`, `a, b or c`: the providers as a sentence names them. */
export function describeModelProviders(): string {
  return `${MODEL_PROVIDERS.slice(0, -1).join(', ')} or ${MODEL_PROVIDERS.at(-1)}`;
}

/**
 * The provider when PARLEY_MODEL_PROVIDER is not set (the local runtime): `openai` when an OpenAI
 * key, base URL or secret is configured, else `offline`. The stack always sets it.
 */
export function inferModelProvider(openAi: {
  apiKey?: string;
  baseUrl?: string;
  apiKeySecretArn?: string;
}): ModelProvider {
  return openAi.apiKey || openAi.baseUrl || openAi.apiKeySecretArn ? 'openai' : 'offline';
}

export const ENV = {
  tableName: 'PARLEY_TABLE_NAME',
  generationQueueUrl: 'PARLEY_GENERATION_QUEUE_URL',
  deliveryQueueUrl: 'PARLEY_DELIVERY_QUEUE_URL',
  /** The queue of documents waiting to be indexed. */
  ingestionQueueUrl: 'PARLEY_INGESTION_QUEUE_URL',
  /** The queue of test-set runs waiting for the evaluator; only the functions that start or continue runs get it. */
  evaluationQueueUrl: 'PARLEY_EVALUATION_QUEUE_URL',
  /** Where document originals and passages are kept: an S3 bucket (AWS) or a directory (local); exactly one. */
  documentsBucket: 'PARLEY_DOCUMENTS_BUCKET',
  documentsDir: 'PARLEY_DOCUMENTS_DIR',
  /** Overrides the DynamoDB endpoint (the local runtime's dynalite). */
  dynamoDbEndpoint: 'PARLEY_DYNAMODB_ENDPOINT',
  /** Overrides the SQS endpoint (an emulator's). */
  sqsEndpoint: 'PARLEY_SQS_ENDPOINT',
  /** One of MODEL_PROVIDERS; when unset, inferModelProvider decides (the stack always sets it). */
  modelProvider: 'PARLEY_MODEL_PROVIDER',
  openAiApiKey: 'OPENAI_API_KEY',
  /** In AWS the OpenAI key is not in the environment: this Secrets Manager secret holds it. */
  openAiSecretArn: 'PARLEY_OPENAI_SECRET_ARN',
  openAiBaseUrl: 'OPENAI_BASE_URL',
  chatModel: 'PARLEY_CHAT_MODEL',
  embeddingModel: 'PARLEY_EMBEDDING_MODEL',
  /** The Bedrock chat model: a foundation model id, a cross-region inference profile id, or an ARN. */
  bedrockChatModel: 'PARLEY_BEDROCK_CHAT_MODEL',
  /** The Bedrock embedding model (Titan Text Embeddings V2). */
  bedrockEmbeddingModel: 'PARLEY_BEDROCK_EMBEDDING_MODEL',
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
  /**
   * `true` lets webhook and document URLs use plain http under the `public` and `private` policies;
   * `false` (default) refuses them when configured and when called. The `local` policy always allows http.
   */
  allowHttpWebhooks: 'PARLEY_ALLOW_HTTP_WEBHOOKS',
  /**
   * Seconds a reply waits out a busy model (429, 5xx, timeouts) before it is escalated as
   * `model_unavailable`: MODEL_FAULT_BUDGET_MS when unset. Only shorter is accepted (tests).
   */
  modelFaultBudgetSeconds: 'PARLEY_MODEL_FAULT_BUDGET_SECONDS',
  region: 'AWS_REGION',
} as const;

const optionalName = z.string().min(1).optional();

const configSchema = z.object({
  [ENV.tableName]: z.string().min(1),
  [ENV.generationQueueUrl]: z.url(),
  [ENV.deliveryQueueUrl]: z.url(),
  [ENV.ingestionQueueUrl]: z.url(),
  [ENV.evaluationQueueUrl]: z.url().optional(),
  [ENV.documentsBucket]: optionalName,
  [ENV.documentsDir]: optionalName,
  [ENV.dynamoDbEndpoint]: z.url().optional(),
  [ENV.sqsEndpoint]: z.url().optional(),
  [ENV.modelProvider]: z.enum(MODEL_PROVIDERS, { error: `must be ${describeModelProviders()}` }).optional(),
  [ENV.openAiApiKey]: optionalName,
  [ENV.openAiSecretArn]: optionalName,
  [ENV.openAiBaseUrl]: z.url().optional(),
  [ENV.chatModel]: z.string().min(1).default('gpt-4o-mini'),
  [ENV.embeddingModel]: z.string().min(1).default('text-embedding-3-small'),
  [ENV.bedrockChatModel]: z.string().min(1).default(DEFAULT_BEDROCK_CHAT_MODEL),
  [ENV.bedrockEmbeddingModel]: z.string().min(1).default(DEFAULT_BEDROCK_EMBEDDING_MODEL),
  [ENV.eventBusName]: optionalName,
  [ENV.eventLogFile]: optionalName,
  [ENV.scheduleGroupName]: optionalName,
  [ENV.schedulerRoleArn]: optionalName,
  [ENV.schedulerDlqArn]: optionalName,
  [ENV.timerTargetArn]: optionalName,
  [ENV.webhookTargets]: z.enum(['public', 'private', 'local']).default('public'),
  [ENV.allowHttpWebhooks]: z.enum(['true', 'false']).default('false'),
  [ENV.modelFaultBudgetSeconds]: z.coerce
    .number()
    .int()
    .min(1)
    .max(MODEL_FAULT_BUDGET_MS / 1000)
    .optional(),
  [ENV.region]: z.string().min(1).default('us-east-1'),
});

/** The four settings EventBridge Scheduler timers need; all or none must be set. */
const SCHEDULER_VARS = [ENV.scheduleGroupName, ENV.schedulerRoleArn, ENV.schedulerDlqArn, ENV.timerTargetArn] as const;

export interface Config {
  tableName: string;
  generationQueueUrl: string;
  deliveryQueueUrl: string;
  ingestionQueueUrl: string;
  /** Absent in functions that neither start nor continue test-set runs. */
  evaluationQueueUrl?: string;
  /** Where document originals and passages are kept. */
  documents: { bucket: string } | { dir: string };
  dynamoDbEndpoint?: string;
  sqsEndpoint?: string;
  region: string;
  /** Where answers come from (see MODEL_PROVIDERS). */
  modelProvider: ModelProvider;
  /**
   * The OpenAI (or compatible) settings. Where the key comes from is decided at cold start by the
   * composition root: `apiKey` (the environment, locally), else the secret `apiKeySecretArn` (AWS);
   * with neither, a `baseUrl` alone means a keyless compatible server. Used only under `openai`.
   */
  openAi: {
    apiKey?: string;
    apiKeySecretArn?: string;
    baseUrl?: string;
    chatModel: string;
    embeddingModel: string;
  };
  /**
   * The Bedrock models, used only under `bedrock`. The client's region and credentials are the
   * SDK's default chain, not `region` above (which the local runtime points at dynalite).
   */
  bedrock: { chatModel: string; embeddingModel: string };
  /** Where domain events go: an EventBridge bus (AWS), else a JSON-lines file (local), else nowhere. */
  events: { eventBusName?: string; logFile?: string };
  /** EventBridge Scheduler settings for one-time timers; absent where timers run elsewhere (locally). */
  scheduler?: { groupName: string; roleArn: string; dlqArn: string; targetArn: string };
  webhookTargets: WebhookTargetPolicy;
  /** Whether http (not https) webhook and document URLs are allowed outside the local runtime. */
  allowHttpWebhooks: boolean;
  /** How long a busy model is waited out before `model_unavailable` (MODEL_FAULT_BUDGET_MS unless shortened). */
  modelFaultBudgetMs: number;
}

/**
 * The id of the embedding model `config.modelProvider` embeds with, as its embedder names it; none
 * offline. What the re-index migration is keyed by, for functions that build no embedder.
 */
export function embeddingModelOf(config: {
  modelProvider: ModelProvider;
  openAi: { embeddingModel: string };
  bedrock: { embeddingModel: string };
}): string | undefined {
  switch (config.modelProvider) {
    case 'openai':
      return config.openAi.embeddingModel;
    case 'bedrock':
      return config.bedrock.embeddingModel;
    default:
      return undefined;
  }
}

/** Parses the environment; throws naming every missing or invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const e = result.data;
  const missingSchedulerVars = SCHEDULER_VARS.filter((name) => !e[name]);
  if (missingSchedulerVars.length > 0 && missingSchedulerVars.length < SCHEDULER_VARS.length) {
    throw new Error(
      `invalid configuration: ${missingSchedulerVars.join(', ')} must be set along with the other scheduler settings`,
    );
  }
  const bucket = e[ENV.documentsBucket];
  const dir = e[ENV.documentsDir];
  if ((bucket === undefined) === (dir === undefined)) {
    throw new Error(`invalid configuration: set exactly one of ${ENV.documentsBucket} and ${ENV.documentsDir}`);
  }
  const openAi = {
    apiKey: e[ENV.openAiApiKey],
    apiKeySecretArn: e[ENV.openAiSecretArn],
    baseUrl: e[ENV.openAiBaseUrl],
    chatModel: e[ENV.chatModel],
    embeddingModel: e[ENV.embeddingModel],
  };
  const modelProvider = e[ENV.modelProvider] ?? inferModelProvider(openAi);
  const [groupName, roleArn, dlqArn, targetArn] = SCHEDULER_VARS.map((name) => e[name]);
  return Object.freeze({
    tableName: e[ENV.tableName],
    generationQueueUrl: e[ENV.generationQueueUrl],
    deliveryQueueUrl: e[ENV.deliveryQueueUrl],
    ingestionQueueUrl: e[ENV.ingestionQueueUrl],
    evaluationQueueUrl: e[ENV.evaluationQueueUrl],
    documents: Object.freeze(bucket ? { bucket } : { dir: dir as string }),
    dynamoDbEndpoint: e[ENV.dynamoDbEndpoint],
    sqsEndpoint: e[ENV.sqsEndpoint],
    region: e[ENV.region],
    modelProvider,
    openAi: Object.freeze(openAi),
    bedrock: Object.freeze({ chatModel: e[ENV.bedrockChatModel], embeddingModel: e[ENV.bedrockEmbeddingModel] }),
    events: Object.freeze({ eventBusName: e[ENV.eventBusName], logFile: e[ENV.eventLogFile] }),
    scheduler:
      groupName && roleArn && dlqArn && targetArn
        ? Object.freeze({ groupName, roleArn, dlqArn, targetArn })
        : undefined,
    webhookTargets: e[ENV.webhookTargets],
    allowHttpWebhooks: e[ENV.allowHttpWebhooks] === 'true',
    modelFaultBudgetMs: (e[ENV.modelFaultBudgetSeconds] ?? MODEL_FAULT_BUDGET_MS / 1000) * 1000,
  });
}
