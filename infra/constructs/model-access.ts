import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { parseBedrockModelId } from '#lib/adapters/bedrock/models';
import { ENV } from '#lib/config';
import { BEDROCK_INFERENCE_PROFILE_REGIONS } from '../bedrock-inference-profiles.ts';
import { MODEL_FUNCTIONS } from '../bundling.ts';
import type { InfraConfig } from '../config.ts';
import type { LambdaFunction } from './lambda-function.ts';
import { Secrets } from './secrets.ts';

/**
 * How the stack's functions reach the model its `modelProvider` names: the variables every
 * function is told (the provider and its model ids), and `grantUse`, the one grant a function that
 * builds a chat model or an embedder gets. OpenAI: read the key's secret (made here, as the
 * `Secrets` construct at the stack's root, so its logical id never moves). Bedrock:
 * `bedrock:InvokeModel` on exactly the configured models and inference profiles, and no secret.
 * Offline: nothing.
 */
export class ModelAccess {
  /** The OpenAI key's secret; only with modelProvider openai. */
  readonly secrets?: Secrets;
  /** The provider and its model ids, for every function (lib/config.ts reads them). */
  readonly environment: Record<string, string>;
  /** The statements of `grantUse`, made anew for each role. */
  private readonly statements: () => iam.PolicyStatement[];

  constructor(stack: Construct, config: InfraConfig) {
    if (config.modelProvider === 'openai') this.secrets = new Secrets(stack, 'Secrets');
    this.environment =
      config.modelProvider === 'bedrock'
        ? {
            [ENV.modelProvider]: config.modelProvider,
            [ENV.bedrockChatModel]: config.bedrockChatModel,
            [ENV.bedrockEmbeddingModel]: config.bedrockEmbeddingModel,
          }
        : {
            [ENV.modelProvider]: config.modelProvider,
            [ENV.chatModel]: config.chatModel,
            [ENV.embeddingModel]: config.embeddingModel,
          };
    const models = [config.bedrockChatModel, config.bedrockEmbeddingModel];
    this.statements = () =>
      config.modelProvider === 'bedrock' ? bedrockInvokeStatements(Stack.of(stack), models, config) : [];
  }

  /**
   * Lets `fn` build the chat model and the embedder: the OpenAI key's secret, or Bedrock's
   * InvokeModel on the configured models. Only for MODEL_FUNCTIONS (infra/bundling.ts), the
   * functions whose bundles carry the provider's SDK.
   */
  grantUse(fn: LambdaFunction): void {
    if (!MODEL_FUNCTIONS.has(fn.entryName as never)) {
      throw new Error(
        `the ${fn.entryName} function is not in MODEL_FUNCTIONS (infra/bundling.ts), so its bundle has no model SDK: add it there first`,
      );
    }
    this.secrets?.grantRead(fn);
    for (const statement of this.statements()) fn.addToRolePolicy(statement);
  }
}

/**
 * `bedrock:InvokeModel` (which the Converse API needs too) on each model id. A foundation model
 * id: that model in the stack's region. A cross-region inference profile: the profile in the
 * stack's region, and its foundation model in each region the profile routes to, only when called
 * through that profile (`bedrock:InferenceProfileArn`).
 */
function bedrockInvokeStatements(stack: Stack, modelIds: string[], config: InfraConfig): iam.PolicyStatement[] {
  const action = 'bedrock:InvokeModel';
  const foundationModelArn = (region: string, id: string) =>
    `arn:${Aws.PARTITION}:bedrock:${region}::foundation-model/${id}`;
  const isProfile = (id: string) => parseBedrockModelId(id).profilePrefix !== undefined;
  const direct = modelIds.filter((id) => !isProfile(id));
  const profiles = [...new Set(modelIds.filter(isProfile))];
  const statements: iam.PolicyStatement[] = [];
  if (direct.length > 0) {
    const resources = [...new Set(direct)].map((id) => foundationModelArn(Aws.REGION, id));
    statements.push(new iam.PolicyStatement({ actions: [action], resources }));
  }
  for (const profile of profiles) {
    const profileArn = stack.formatArn({ service: 'bedrock', resource: 'inference-profile', resourceName: profile });
    const regions = config.bedrockProfileRegions ?? BEDROCK_INFERENCE_PROFILE_REGIONS[profile];
    // infra/config.ts refuses a profile with no known regions; this is the backstop.
    if (!regions) throw new Error(`no regions known for the inference profile ${profile}`);
    statements.push(
      new iam.PolicyStatement({ actions: [action], resources: [profileArn] }),
      new iam.PolicyStatement({
        actions: [action],
        resources: regions.map((region) => foundationModelArn(region, parseBedrockModelId(profile).foundationModelId)),
        conditions: { StringEquals: { 'bedrock:InferenceProfileArn': profileArn } },
      }),
    );
  }
  return statements;
}
