import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { InfraConfigError, parseInfraConfig } from '../../infra/config.ts';

const fromContext = (context: Record<string, unknown>) => (key: string) => context[key];

describe('parseInfraConfig', () => {
  it('fills in the defaults when no context is given', () => {
    const config = parseInfraConfig(fromContext({}));

    expect(config).toEqual({
      stackName: 'Parley',
      modelProvider: 'openai',
      chatModel: 'gpt-4o-mini',
      embeddingModel: 'text-embedding-3-small',
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

  it.each(['openai', 'offline'])('takes the model provider %s', (provider) => {
    expect(parseInfraConfig(fromContext({ modelProvider: provider })).modelProvider).toBe(provider);
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
    [{ modelProvider: 'gpt' }, 'modelProvider must be openai, bedrock or offline (got "gpt")'],
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
