/**
 * Deployment settings: read from CDK context (`cdk synth -c key=value`, or `context` in cdk.json),
 * validated once with zod so a typo fails the synth with a sentence rather than a broken deploy.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { describeModelProviders, MODEL_PROVIDERS } from '#lib/config';
import { QUEUE_SETTINGS } from '#lib/queue-settings';
import {
  DEFAULT_BEDROCK_CHAT_MODEL,
  DEFAULT_BEDROCK_EMBEDDING_MODEL,
  embeddingModelRefusal,
  forcedToolRefusal,
  parseBedrockModelId,
  supportsEmbeddingModel,
  supportsForcedTool,
} from '#lib/adapters/bedrock/models';
import { BEDROCK_INFERENCE_PROFILE_REGIONS } from './bedrock-inference-profiles.ts';

/** The retention periods CloudWatch Logs accepts (never-expire excluded: logs hold personal data). */
const RETENTION_DAYS = Object.values(RetentionDays).filter(
  (days): days is RetentionDays => typeof days === 'number' && days !== RetentionDays.INFINITE,
);

/** Context values from `-c key=value` arrive as strings; those from cdk.json keep their JSON type. */
const count = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

/** `us-east-1`, `eu-central-2`, `us-gov-west-1`. */
const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d+$/;

const bedrockModelId = (name: string) =>
  z
    .string()
    .trim()
    .min(1, `${name} must not be empty`)
    .refine(
      (id) => !id.startsWith('arn:'),
      `${name} must be a model id or an inference profile id (such as us.amazon.nova-lite-v1:0), not an ARN`,
    );

const infraConfigSchema = z
  .object({
    // CloudFormation's rule for stack names; it also names the dashboard.
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'stackName must start with a letter and hold only letters, digits and -')
      .default('Parley'),
    // `offline` (a demo stack, answering from templates) must be asked for: nothing falls back to it.
    modelProvider: z
      .enum(MODEL_PROVIDERS, { error: `modelProvider must be ${describeModelProviders()}` })
      .default('openai'),
    chatModel: z.string().trim().min(1, 'chatModel must not be empty').default('gpt-4o-mini'),
    embeddingModel: z.string().trim().min(1, 'embeddingModel must not be empty').default('text-embedding-3-small'),
    // Read only with modelProvider bedrock: a model id or a cross-region inference profile id, not an ARN.
    bedrockChatModel: bedrockModelId('bedrockChatModel').default(DEFAULT_BEDROCK_CHAT_MODEL),
    bedrockEmbeddingModel: bedrockModelId('bedrockEmbeddingModel').default(DEFAULT_BEDROCK_EMBEDDING_MODEL),
    // The regions an inference profile missing from infra/bedrock-inference-profiles.ts routes to.
    bedrockProfileRegions: z
      .union([z.string().transform((list) => list.split(',').map((region) => region.trim())), z.array(z.string())])
      .pipe(
        z
          .array(z.string().regex(AWS_REGION, 'bedrockProfileRegions must be AWS regions, comma-separated'))
          .min(1, 'bedrockProfileRegions must name at least one region'),
      )
      .optional(),
    // `local` (loopback targets) exists only for the local runtime; a deployed stack must never allow it.
    webhookTargets: z
      .enum(['public', 'private'], {
        error: 'webhookTargets must be public or private (local is for the local runtime)',
      })
      .default('public'),
    // Plain http webhook and document URLs: off unless the operator allows them (`-c allowHttpWebhooks=true`).
    allowHttpWebhooks: z
      .union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')], {
        error: 'allowHttpWebhooks must be true or false',
      })
      .default(false),
    alarmEmail: z.email('alarmEmail must be an e-mail address').optional(),
    generatorBatchSize: count('generatorBatchSize', 1, 10).default(QUEUE_SETTINGS.generation.batchSize),
    // Lambda's SQS pollers accept 2 to 1000; the cap is what keeps OpenAI's rate limits.
    generatorMaxConcurrency: count('generatorMaxConcurrency', 2, 1000).default(
      QUEUE_SETTINGS.generation.maxConcurrency,
    ),
    deliveryMaxConcurrency: count('deliveryMaxConcurrency', 2, 1000).default(QUEUE_SETTINGS.delivery.maxConcurrency),
    logRetentionDays: count('logRetentionDays', 1, 3653)
      .refine((days) => RETENTION_DAYS.includes(days), `logRetentionDays must be one of ${RETENTION_DAYS.join(', ')}`)
      .transform((days) => days as RetentionDays)
      .default(RetentionDays.ONE_MONTH),
    apiThrottleRate: count('apiThrottleRate', 1, 10_000).default(50),
    apiThrottleBurst: count('apiThrottleBurst', 1, 5000).default(100),
  })
  .superRefine((config, context) => {
    if (config.modelProvider === 'bedrock') checkBedrockModels(config, context);
  });

export type InfraConfig = Readonly<z.output<typeof infraConfigSchema>>;

/** The context keys Parley reads; every other context key belongs to CDK and is ignored. */
export const INFRA_CONFIG_KEYS = Object.keys(infraConfigSchema.shape) as (keyof InfraConfig)[];

/** A deployment setting is invalid; the message names each problem and how to set it. */
export class InfraConfigError extends Error {
  override readonly name = 'InfraConfigError';
}

/**
 * Validates the settings and fills in the defaults. `readContext` is `node.tryGetContext` in the
 * app; tests pass a plain lookup.
 */
export function parseInfraConfig(readContext: (key: string) => unknown): InfraConfig {
  // An empty value (`-c alarmEmail=`) means "not set", so the default applies.
  const raw = Object.fromEntries(
    INFRA_CONFIG_KEYS.map((key) => [key, readContext(key)]).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = infraConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `  - ${issue.message} (got ${JSON.stringify(raw[issue.path.join('.')])})`,
    );
    throw new InfraConfigError(
      `Invalid Parley deployment settings:\n${problems.join('\n')}\nSet them with \`-c key=value\` or in cdk.json's "context".`,
    );
  }
  return Object.freeze(result.data);
}

/**
 * With Bedrock: the chat model must be able to be forced to call a tool, since the reply's schema
 * is a tool's input schema; the embedding model must be one the embedder speaks to (the functions
 * would refuse it at start); and an inference profile's regions must be known, since the policy
 * names its foundation model in each of them.
 */
function checkBedrockModels(
  config: { bedrockChatModel: string; bedrockEmbeddingModel: string; bedrockProfileRegions?: string[] | undefined },
  context: z.RefinementCtx,
): void {
  const chat = config.bedrockChatModel;
  if (!supportsForcedTool(chat)) {
    context.addIssue({
      code: 'custom',
      path: ['bedrockChatModel'],
      message: `bedrockChatModel: ${forcedToolRefusal(chat)}`,
    });
  }
  const embedding = config.bedrockEmbeddingModel;
  if (!supportsEmbeddingModel(embedding)) {
    context.addIssue({
      code: 'custom',
      path: ['bedrockEmbeddingModel'],
      message: `bedrockEmbeddingModel: ${embeddingModelRefusal(embedding)}`,
    });
  }
  if (config.bedrockProfileRegions) return;
  for (const key of ['bedrockChatModel', 'bedrockEmbeddingModel'] as const) {
    const id = config[key];
    if (parseBedrockModelId(id).profilePrefix && !BEDROCK_INFERENCE_PROFILE_REGIONS[id]) {
      context.addIssue({
        code: 'custom',
        path: [key],
        message:
          `${key} ${id} is an inference profile whose regions Parley does not know (infra/bedrock-inference-profiles.ts), ` +
          'so it cannot scope the functions’ policy to them: name them with -c bedrockProfileRegions=us-east-1,us-west-2',
      });
    }
  }
}
