import { ENV, loadConfig } from '#lib/config';
import { MODEL_FAULT_BUDGET_MS } from '#lib/domain/model-faults';

const required = {
  [ENV.tableName]: 'parley',
  [ENV.generationQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/parley-generation.fifo',
  [ENV.deliveryQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/parley-delivery',
  [ENV.ingestionQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/parley-ingestion',
  [ENV.documentsBucket]: 'parley-documents',
};

describe('loadConfig', () => {
  it('names every missing required variable in its error', () => {
    expect(() => loadConfig({})).toThrow(
      new RegExp(`${ENV.tableName}.*${ENV.generationQueueUrl}.*${ENV.deliveryQueueUrl}.*${ENV.ingestionQueueUrl}`),
    );
  });

  it('names an invalid variable and what is wrong with it', () => {
    expect(() => loadConfig({ ...required, [ENV.deliveryQueueUrl]: 'not a url' })).toThrow(
      `invalid configuration: ${ENV.deliveryQueueUrl}: Invalid URL`,
    );
  });

  it('fills in the defaults and leaves every optional setting unset', () => {
    const config = loadConfig(required);

    expect(config).toEqual({
      tableName: 'parley',
      generationQueueUrl: required[ENV.generationQueueUrl],
      deliveryQueueUrl: required[ENV.deliveryQueueUrl],
      ingestionQueueUrl: required[ENV.ingestionQueueUrl],
      documents: { bucket: 'parley-documents' },
      dynamoDbEndpoint: undefined,
      sqsEndpoint: undefined,
      region: 'us-east-1',
      modelProvider: 'offline',
      openAi: {
        apiKey: undefined,
        apiKeySecretArn: undefined,
        baseUrl: undefined,
        chatModel: 'gpt-4o-mini',
        embeddingModel: 'text-embedding-3-small',
      },
      bedrock: { chatModel: 'us.amazon.nova-lite-v1:0', embeddingModel: 'amazon.titan-embed-text-v2:0' },
      events: { eventBusName: undefined, logFile: undefined },
      scheduler: undefined,
      webhookTargets: 'public',
      allowHttpWebhooks: false,
      modelFaultBudgetMs: MODEL_FAULT_BUDGET_MS,
    });
  });

  it('reads the OpenAI, event and scheduler settings', () => {
    const config = loadConfig({
      ...required,
      [ENV.openAiSecretArn]: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:parley/openai-AbCdEf',
      [ENV.openAiBaseUrl]: 'https://llm.example.com/v1',
      [ENV.chatModel]: 'gpt-4.1-mini',
      [ENV.embeddingModel]: 'text-embedding-3-large',
      [ENV.eventBusName]: 'parley-events',
      [ENV.eventLogFile]: '/tmp/parley/events.jsonl',
      [ENV.scheduleGroupName]: 'parley',
      [ENV.schedulerRoleArn]: 'arn:aws:iam::123456789012:role/parley-scheduler',
      [ENV.schedulerDlqArn]: 'arn:aws:sqs:eu-west-1:123456789012:parley-timers-dlq',
      [ENV.timerTargetArn]: 'arn:aws:lambda:eu-west-1:123456789012:function:parley-timer',
      [ENV.region]: 'eu-west-1',
    });

    expect(config.openAi).toEqual({
      apiKey: undefined,
      apiKeySecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:parley/openai-AbCdEf',
      baseUrl: 'https://llm.example.com/v1',
      chatModel: 'gpt-4.1-mini',
      embeddingModel: 'text-embedding-3-large',
    });
    expect(config.events).toEqual({ eventBusName: 'parley-events', logFile: '/tmp/parley/events.jsonl' });
    expect(config.scheduler).toEqual({
      groupName: 'parley',
      roleArn: 'arn:aws:iam::123456789012:role/parley-scheduler',
      dlqArn: 'arn:aws:sqs:eu-west-1:123456789012:parley-timers-dlq',
      targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:parley-timer',
    });
    expect(config.region).toBe('eu-west-1');
  });

  it('refuses scheduler settings given only in part, naming the missing ones', () => {
    expect(() =>
      loadConfig({ ...required, [ENV.scheduleGroupName]: 'parley', [ENV.timerTargetArn]: 'arn:aws:lambda:…' }),
    ).toThrow(`${ENV.schedulerRoleArn}, ${ENV.schedulerDlqArn} must be set`);
  });

  it.each(['public', 'private', 'local'] as const)('accepts the webhook target policy %s', (policy) => {
    expect(loadConfig({ ...required, [ENV.webhookTargets]: policy }).webhookTargets).toBe(policy);
  });

  it('allows http webhook URLs only when PARLEY_ALLOW_HTTP_WEBHOOKS is true', () => {
    expect(loadConfig({ ...required, [ENV.allowHttpWebhooks]: 'true' }).allowHttpWebhooks).toBe(true);
    expect(loadConfig({ ...required, [ENV.allowHttpWebhooks]: 'false' }).allowHttpWebhooks).toBe(false);
    expect(() => loadConfig({ ...required, [ENV.allowHttpWebhooks]: 'yes' })).toThrow(ENV.allowHttpWebhooks);
  });

  it('refuses an unknown webhook target policy', () => {
    expect(() => loadConfig({ ...required, [ENV.webhookTargets]: 'anywhere' })).toThrow(ENV.webhookTargets);
  });

  it('keeps documents in a directory when one is named instead of a bucket', () => {
    const { [ENV.documentsBucket]: _, ...withoutBucket } = required;

    const config = loadConfig({ ...withoutBucket, [ENV.documentsDir]: '/var/parley/documents' });

    expect(config.documents).toEqual({ dir: '/var/parley/documents' });
  });

  it('refuses both a documents bucket and a documents directory', () => {
    expect(() => loadConfig({ ...required, [ENV.documentsDir]: '/var/parley/documents' })).toThrow(
      `invalid configuration: set exactly one of ${ENV.documentsBucket} and ${ENV.documentsDir}`,
    );
  });

  it('refuses neither a documents bucket nor a documents directory', () => {
    const { [ENV.documentsBucket]: _, ...withoutBucket } = required;

    expect(() => loadConfig(withoutBucket)).toThrow(
      `set exactly one of ${ENV.documentsBucket} and ${ENV.documentsDir}`,
    );
  });

  it('treats an empty documents setting as an invalid one, not as unset', () => {
    expect(() => loadConfig({ ...required, [ENV.documentsBucket]: '' })).toThrow(ENV.documentsBucket);
  });

  it('refuses an ingestion queue URL that is not a URL', () => {
    expect(() => loadConfig({ ...required, [ENV.ingestionQueueUrl]: 'parley-ingestion' })).toThrow(
      `invalid configuration: ${ENV.ingestionQueueUrl}: Invalid URL`,
    );
  });

  it('returns a frozen config', () => {
    const config = loadConfig(required);

    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.openAi)).toBe(true);
    expect(Object.isFrozen(config.documents)).toBe(true);
  });
});

describe('the model provider', () => {
  const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:parley/openai-AbCdEf';

  it.each([
    ['an OpenAI key', { [ENV.openAiApiKey]: 'sk-local' }],
    ['an OpenAI-compatible base URL', { [ENV.openAiBaseUrl]: 'http://127.0.0.1:11434/v1' }],
    ['the secret that holds the key', { [ENV.openAiSecretArn]: SECRET_ARN }],
  ])('is openai when %s is set and no provider is named', (_, env) => {
    expect(loadConfig({ ...required, ...env }).modelProvider).toBe('openai');
  });

  it('is offline when nothing names a model, as `npm start` without a key has it', () => {
    expect(loadConfig(required).modelProvider).toBe('offline');
  });

  it('is the one PARLEY_MODEL_PROVIDER names, even with an OpenAI key set', () => {
    const config = loadConfig({ ...required, [ENV.modelProvider]: 'offline', [ENV.openAiApiKey]: 'sk-local' });

    expect(config.modelProvider).toBe('offline');
  });

  it('refuses a provider it does not know with a sentence naming the ones it does', () => {
    expect(() => loadConfig({ ...required, [ENV.modelProvider]: 'gpt' })).toThrow(
      `invalid configuration: ${ENV.modelProvider}: must be openai, bedrock or offline`,
    );
  });

  it('reads bedrock with its chat and embedding models', () => {
    const config = loadConfig({
      ...required,
      [ENV.modelProvider]: 'bedrock',
      [ENV.bedrockChatModel]: 'eu.anthropic.claude-3-haiku-20240307-v1:0',
      [ENV.bedrockEmbeddingModel]: 'arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0',
    });

    expect(config.modelProvider).toBe('bedrock');
    expect(config.bedrock).toEqual({
      chatModel: 'eu.anthropic.claude-3-haiku-20240307-v1:0',
      embeddingModel: 'arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0',
    });
  });

  it('accepts openai with neither a key, a base URL nor a secret: functions that build no model run without one', () => {
    expect(loadConfig({ ...required, [ENV.modelProvider]: 'openai' }).modelProvider).toBe('openai');
  });
});
