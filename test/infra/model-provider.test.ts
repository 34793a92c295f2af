/**
 * `-c modelProvider=…`: the openai stack keeps its key in a secret that only the functions calling
 * OpenAI may read; the bedrock stack has no secret, and those functions may invoke exactly the
 * configured models; a demo stack (`offline`) answers from templates and has neither.
 */
import { FUNCTION_ENTRIES, type FunctionName, MODEL_FUNCTIONS } from '../../infra/bundling.ts';
import { InfraConfigError } from '../../infra/config.ts';
import { describeModelProviders, ENV } from '#lib/config';
import {
  functionProperties,
  functionRole,
  type Json,
  readValidationReport,
  SYNTH_TIMEOUT_MS,
  type Synthesised,
  synthParley,
} from './synth.ts';

const NAMES = Object.keys(FUNCTION_ENTRIES) as FunctionName[];
const env = (synth: Synthesised, name: FunctionName): Record<string, unknown> =>
  functionProperties(synth.template, name).Environment.Variables;
const statements = (synth: Synthesised): Json[] =>
  Object.values(synth.template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Json[],
  );
const actionsOf = (synth: Synthesised, service: string): string[] =>
  statements(synth)
    .flatMap((statement) => [statement.Action].flat() as string[])
    .filter((action) => action.startsWith(`${service}:`));
const secretsManagerActions = (synth: Synthesised): string[] => actionsOf(synth, 'secretsmanager');

/** `{ Ref: 'AWS::Region' }` → `<AWS::Region>`, so ARNs read as text. */
const arnText = (value: Json): string =>
  typeof value === 'string'
    ? value
    : value.Ref
      ? `<${value.Ref}>`
      : value['Fn::Join'][1].map(arnText).join(value['Fn::Join'][0]);

/** A role's Bedrock statements: actions, resources and conditions, as text. */
function bedrockStatementsOf(synth: Synthesised, name: FunctionName): Json[] {
  const roleId = functionRole(synth.template, name);
  return Object.values(synth.template.findResources('AWS::IAM::Policy'))
    .filter((policy) => policy.Properties.Roles.some((role: Json) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Json[])
    .filter((statement) => [statement.Action].flat().some((action: string) => action.startsWith('bedrock:')))
    .map((statement) => ({
      Action: statement.Action,
      Resource: [statement.Resource].flat().map(arnText),
      ...(statement.Condition
        ? {
            Condition: {
              StringEquals: {
                'bedrock:InferenceProfileArn': arnText(statement.Condition.StringEquals['bedrock:InferenceProfileArn']),
              },
            },
          }
        : {}),
    }));
}

const MODEL_BUILDERS = [...MODEL_FUNCTIONS].sort();
const NOT_MODEL_BUILDERS = NAMES.filter((name) => !MODEL_FUNCTIONS.has(name));
const PROFILE = (id: string) => `arn:<AWS::Partition>:bedrock:<AWS::Region>:<AWS::AccountId>:inference-profile/${id}`;
const MODEL_IN = (region: string, id: string) => `arn:<AWS::Partition>:bedrock:${region}::foundation-model/${id}`;
const HERE = '<AWS::Region>';
const TITAN_V2 = 'amazon.titan-embed-text-v2:0';

function synthBedrock(context: Record<string, unknown>): Synthesised {
  return synthParley({ context: { modelProvider: 'bedrock', stackName: 'ParleyBedrock', ...context } });
}

describe('a demo stack (-c modelProvider=offline)', () => {
  let synth: Synthesised;
  beforeAll(() => {
    synth = synthParley({ context: { modelProvider: 'offline', stackName: 'ParleyDemo' } });
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synth?.cleanup());

  it('creates no OpenAI secret and no output pointing at one', () => {
    synth.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(Object.keys(synth.template.toJSON().Outputs)).not.toContain('OpenAiSecretArn');
  });

  it('names no embedding model in its outputs: `parley reindex-knowledge` has nothing to re-index', () => {
    expect(Object.keys(synth.template.toJSON().Outputs)).not.toContain('EmbeddingModel');
  });

  it('grants no function any Secrets Manager action', () => {
    expect(secretsManagerActions(synth)).toEqual([]);
  });

  it.each(NAMES)('tells %s that the provider is offline, and names no secret', (name) => {
    expect(env(synth, name)[ENV.modelProvider]).toBe('offline');
    expect(env(synth, name)[ENV.openAiSecretArn]).toBeUndefined();
  });

  it('still passes the cdk-nag checks', () => {
    const report = readValidationReport(synth.assembly);

    expect(report.pluginReports.flatMap((plugin) => plugin.violations ?? [])).toEqual([]);
  });
});

describe('the default stack (modelProvider openai)', () => {
  let synth: Synthesised;
  beforeAll(() => {
    synth = synthParley();
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synth?.cleanup());

  it('keeps the OpenAI key in one secret, read only with GetSecretValue', () => {
    synth.template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    synth.template.hasOutput('OpenAiSecretArn', {});
    expect([...new Set(secretsManagerActions(synth))]).toEqual(['secretsmanager:GetSecretValue']);
  });

  it('says in the secret that an empty key escalates every message rather than answering from templates', () => {
    const [secret] = Object.values(synth.template.findResources('AWS::SecretsManager::Secret'));

    expect(secret?.Properties.Description).toContain('model_unavailable');
    expect(secret?.Properties.Description).not.toContain('offline');
  });

  it('outputs its embedding model and ingestion queue, for `parley reindex-knowledge`', () => {
    synth.template.hasOutput('EmbeddingModel', { Value: 'text-embedding-3-small' });
    synth.template.hasOutput('IngestionQueueUrl', {});
  });

  it.each(NAMES)('tells %s that the provider is openai', (name) => {
    expect(env(synth, name)[ENV.modelProvider]).toBe('openai');
  });
});

describe('an unknown model provider', () => {
  it('fails the synth with a sentence naming the providers', () => {
    const synth = () => synthParley({ context: { modelProvider: 'bedrock-ish' } });

    expect(synth).toThrow(InfraConfigError);
    expect(synth).toThrow(`modelProvider must be ${describeModelProviders()} (got "bedrock-ish")`);
  });
});

describe('a Bedrock stack (-c modelProvider=bedrock, the default models)', () => {
  let synth: Synthesised;
  beforeAll(() => {
    synth = synthBedrock({});
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synth?.cleanup());

  it('creates no OpenAI secret, no output pointing at one, and grants no Secrets Manager action', () => {
    synth.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(Object.keys(synth.template.toJSON().Outputs)).not.toContain('OpenAiSecretArn');
    expect(secretsManagerActions(synth)).toEqual([]);
  });

  it.each(NAMES)('tells %s the provider and the Bedrock model ids, and names no secret and no OpenAI model', (name) => {
    expect(env(synth, name)).toMatchObject({
      [ENV.modelProvider]: 'bedrock',
      [ENV.bedrockChatModel]: 'us.amazon.nova-lite-v1:0',
      [ENV.bedrockEmbeddingModel]: TITAN_V2,
    });
    expect(env(synth, name)[ENV.openAiSecretArn]).toBeUndefined();
    expect(env(synth, name)[ENV.chatModel]).toBeUndefined();
  });

  it.each(MODEL_BUILDERS)(
    'lets %s invoke Nova Lite through its US profile (the profile here, the model in its three regions only through it) and Titan V2 here, nothing else',
    (name) => {
      expect(bedrockStatementsOf(synth, name)).toEqual([
        { Action: 'bedrock:InvokeModel', Resource: [MODEL_IN(HERE, TITAN_V2)] },
        { Action: 'bedrock:InvokeModel', Resource: [PROFILE('us.amazon.nova-lite-v1:0')] },
        {
          Action: 'bedrock:InvokeModel',
          Resource: ['us-east-1', 'us-east-2', 'us-west-2'].map((region) => MODEL_IN(region, 'amazon.nova-lite-v1:0')),
          Condition: { StringEquals: { 'bedrock:InferenceProfileArn': PROFILE('us.amazon.nova-lite-v1:0') } },
        },
      ]);
    },
  );

  it.each(NOT_MODEL_BUILDERS)('gives %s, which builds no model, no Bedrock action', (name) => {
    expect(bedrockStatementsOf(synth, name)).toEqual([]);
  });

  it('grants only bedrock:InvokeModel, and only to the functions that build a model', () => {
    expect([...new Set(actionsOf(synth, 'bedrock'))]).toEqual(['bedrock:InvokeModel']);
    const withBedrock = statements(synth).filter((statement) =>
      [statement.Action].flat().includes('bedrock:InvokeModel'),
    );
    expect(withBedrock).toHaveLength(3 * MODEL_BUILDERS.length);
  });

  it('still passes the cdk-nag checks', () => {
    const report = readValidationReport(synth.assembly);

    expect(report.pluginReports.flatMap((plugin) => plugin.violations ?? [])).toEqual([]);
  });
});

describe('a Bedrock stack with a foundation model and a European profile', () => {
  it(
    'grants a foundation model id in the stack’s region only, with no profile',
    () => {
      const synth = synthBedrock({ bedrockChatModel: 'anthropic.claude-3-haiku-20240307-v1:0' });
      try {
        expect(bedrockStatementsOf(synth, 'generator')).toEqual([
          {
            Action: 'bedrock:InvokeModel',
            Resource: [MODEL_IN(HERE, 'anthropic.claude-3-haiku-20240307-v1:0'), MODEL_IN(HERE, TITAN_V2)],
          },
        ]);
      } finally {
        synth.cleanup();
      }
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'grants a European cross-region profile its model in each region the profile routes to',
    () => {
      const profile = 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0';
      const synth = synthBedrock({ bedrockChatModel: profile });
      try {
        expect(bedrockStatementsOf(synth, 'timer')).toContainEqual({
          Action: 'bedrock:InvokeModel',
          Resource: ['eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-3'].map((region) =>
            MODEL_IN(region, 'anthropic.claude-3-7-sonnet-20250219-v1:0'),
          ),
          Condition: { StringEquals: { 'bedrock:InferenceProfileArn': PROFILE(profile) } },
        });
      } finally {
        synth.cleanup();
      }
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'grants a profile it does not know in the regions the operator names',
    () => {
      const profile = 'us.amazon.nova-2-lite-v1:0';
      const synth = synthBedrock({ bedrockChatModel: profile, bedrockProfileRegions: 'us-east-1,us-west-2' });
      try {
        expect(bedrockStatementsOf(synth, 'api')).toContainEqual(
          expect.objectContaining({
            Resource: ['us-east-1', 'us-west-2'].map((region) => MODEL_IN(region, 'amazon.nova-2-lite-v1:0')),
          }),
        );
      } finally {
        synth.cleanup();
      }
    },
    SYNTH_TIMEOUT_MS,
  );
});

describe('a Bedrock chat model that cannot be forced to call a tool', () => {
  it('fails the synth with a sentence saying why and what to pick', () => {
    const synth = () => synthBedrock({ bedrockChatModel: 'amazon.titan-text-express-v1' });

    expect(synth).toThrow(InfraConfigError);
    expect(synth).toThrow(
      'bedrockChatModel: the Bedrock chat model amazon.titan-text-express-v1 cannot be made to answer through a tool (toolChoice)',
    );
  });

  it('fails the synth for an inference profile whose regions are not known, saying how to name them', () => {
    const synth = () => synthBedrock({ bedrockChatModel: 'us.amazon.nova-2-lite-v1:0' });

    expect(synth).toThrow('-c bedrockProfileRegions=');
  });
});

describe('the OpenAI and demo stacks', () => {
  it.each(['openai', 'offline'])(
    'grant no Bedrock action with modelProvider %s',
    (modelProvider) => {
      const synth = synthParley({ context: { modelProvider } });
      try {
        expect(actionsOf(synth, 'bedrock')).toEqual([]);
      } finally {
        synth.cleanup();
      }
    },
    SYNTH_TIMEOUT_MS,
  );
});
