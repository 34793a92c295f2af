/**
 * `-c modelProvider=…`: the openai stack keeps its key in a secret that only the functions calling
 * OpenAI may read; a demo stack (`offline`) answers from templates and has no secret at all.
 */
import { FUNCTION_ENTRIES, type FunctionName } from '../../infra/bundling.ts';
import { InfraConfigError } from '../../infra/config.ts';
import { ENV } from '#lib/config';
import {
  functionProperties,
  type Json,
  readValidationReport,
  SYNTH_TIMEOUT_MS,
  type Synthesised,
  synthParley,
} from './synth.ts';

const NAMES = Object.keys(FUNCTION_ENTRIES) as FunctionName[];
const env = (synth: Synthesised, name: FunctionName): Record<string, unknown> =>
  functionProperties(synth.template, name).Environment.Variables;
const secretsManagerActions = (synth: Synthesised): string[] =>
  Object.values(synth.template.findResources('AWS::IAM::Policy'))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Json[])
    .flatMap((statement) => [statement.Action].flat() as string[])
    .filter((action) => action.startsWith('secretsmanager:'));

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
    expect(synth).toThrow('modelProvider must be openai, bedrock or offline (got "bedrock-ish")');
  });
});
