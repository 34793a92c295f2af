import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { InfraConfigError, parseInfraConfig } from '../../infra/config.ts';
import { describeModelProviders } from '#lib/config';

const fromContext = (context: Record<string, unknown>) => (key: string) => context[key];

describe('parseInfraConfig', () => {
  it('fills in the defaults when no context is given', () => {
    const config = parseInfraConfig(fromContext({}));

    expect(config).toEqual({
      stackName: 'Parley',
      modelProvider: 'openai',
      chatModel: 'gpt-4o-mini',
      embeddingModel: 'text-embedding-3-small',
      bedrockChatModel: 'us.amazon.nova-lite-v1:0',
      bedrockEmbeddingModel: 'amazon.titan-embed-text-v2:0',
      webhookTargets: 'public',
      allowHttpWebhooks: false,
      generatorBatchSize: 1,
      generatorMaxConcurrency: 5,
      deliveryMaxConcurrency: 10,
      logRetentionDays: RetentionDays.ONE_MONTH,
      apiThrottleRate: 50,
      apiThrottleBurst: 100,
    });
  });

  it('reads numbers given as strings, as `-c key=value` passes them', () => {
    const config = parseInfraConfig(
      fromContext({ generatorMaxConcurrency: '3', logRetentionDays: '90', alarmEmail: 'ops@example.com' }),
    );

    expect(config.generatorMaxConcurrency).toBe(3);
    expect(config.logRetentionDays).toBe(RetentionDays.THREE_MONTHS);
    expect(config.alarmEmail).toBe('ops@example.com');
  });

  it.each([
    ['true', true],
    [true, true],
    ['false', false],
  ])('reads allowHttpWebhooks %p as %p', (value, allowed) => {
    expect(parseInfraConfig(fromContext({ allowHttpWebhooks: value })).allowHttpWebhooks).toBe(allowed);
  });

  it.each(['openai', 'bedrock', 'offline'])('takes the model provider %s', (provider) => {
    expect(parseInfraConfig(fromContext({ modelProvider: provider })).modelProvider).toBe(provider);
  });

  it('checks the Bedrock models only when the provider is bedrock', () => {
    const context = { bedrockChatModel: 'meta.llama3-70b-instruct-v1:0' };

    expect(parseInfraConfig(fromContext(context)).modelProvider).toBe('openai');
    expect(() => parseInfraConfig(fromContext({ ...context, modelProvider: 'bedrock' }))).toThrow(InfraConfigError);
  });

  it('takes the regions of an inference profile it does not know, as a comma-separated list or an array', () => {
    const profile = { modelProvider: 'bedrock', bedrockChatModel: 'us.amazon.nova-2-lite-v9:0' };

    expect(
      parseInfraConfig(fromContext({ ...profile, bedrockProfileRegions: 'us-east-1, us-west-2' }))
        .bedrockProfileRegions,
    ).toEqual(['us-east-1', 'us-west-2']);
    expect(
      parseInfraConfig(fromContext({ ...profile, bedrockProfileRegions: ['us-east-2'] })).bedrockProfileRegions,
    ).toEqual(['us-east-2']);
  });

  it('treats an empty value as not set', () => {
    expect(parseInfraConfig(fromContext({ alarmEmail: '', stackName: '' }))).toMatchObject({ stackName: 'Parley' });
  });

  it('ignores context keys that belong to CDK', () => {
    expect(() => parseInfraConfig(fromContext({ '@aws-cdk/core:checkSecretUsage': true }))).not.toThrow();
  });

  it.each([
    [{ generatorMaxConcurrency: '1' }, 'generatorMaxConcurrency must be at least 2 (got "1")'],
    [{ deliveryMaxConcurrency: 'ten' }, 'deliveryMaxConcurrency must be a number (got "ten")'],
    [{ webhookTargets: 'local' }, 'webhookTargets must be public or private (local is for the local runtime)'],
    [{ alarmEmail: 'ops' }, 'alarmEmail must be an e-mail address (got "ops")'],
    [{ modelProvider: 'gpt' }, `modelProvider must be ${describeModelProviders()} (got "gpt")`],
    [
      { modelProvider: 'bedrock', bedrockChatModel: 'meta.llama3-70b-instruct-v1:0' },
      'bedrockChatModel: the Bedrock chat model meta.llama3-70b-instruct-v1:0 cannot be made to answer through a tool (toolChoice)',
    ],
    [
      {
        modelProvider: 'bedrock',
        bedrockChatModel: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0',
      },
      'bedrockChatModel must be a model id or an inference profile id (such as us.amazon.nova-lite-v1:0), not an ARN',
    ],
    [
      { modelProvider: 'bedrock', bedrockChatModel: 'us.amazon.nova-2-lite-v9:0' },
      'bedrockChatModel us.amazon.nova-2-lite-v9:0 is an inference profile whose regions Parley does not know',
    ],
    [
      { modelProvider: 'bedrock', bedrockEmbeddingModel: 'cohere.embed-english-v3' },
      'bedrockEmbeddingModel: the Bedrock embedding model cohere.embed-english-v3 is not Amazon Titan Text Embeddings V2',
    ],
    [
      { modelProvider: 'bedrock', bedrockProfileRegions: 'us-east-1,Mars' },
      'bedrockProfileRegions must be AWS regions',
    ],
    [{ allowHttpWebhooks: 'yes' }, 'allowHttpWebhooks must be true or false (got "yes")'],
    [{ logRetentionDays: 31 }, 'logRetentionDays must be one of 1, 3, 5, 7, 14, 30'],
    [{ stackName: '1parley' }, 'stackName must start with a letter'],
    [{ generatorBatchSize: 11 }, 'generatorBatchSize must be at most 10 (got 11)'],
  ])('refuses %j with a message naming the setting', (context, message) => {
    expect(() => parseInfraConfig(fromContext(context))).toThrow(InfraConfigError);
    expect(() => parseInfraConfig(fromContext(context))).toThrow(message);
  });

  it('lists every problem at once and says how to set them', () => {
    const parse = () => parseInfraConfig(fromContext({ generatorMaxConcurrency: 0, webhookTargets: 'anything' }));

    expect(parse).toThrow('generatorMaxConcurrency must be at least 2 (got 0)');
    expect(parse).toThrow('webhookTargets must be public or private');
    expect(parse).toThrow('Set them with `-c key=value` or in cdk.json\'s "context".');
  });
});
