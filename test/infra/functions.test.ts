import { Match } from 'aws-cdk-lib/assertions';
import { FUNCTION_ENTRIES, type FunctionName } from '../../infra/bundling.ts';
import { ENV } from '#lib/config';
import {
  FUNCTION_IDS,
  functionProperties,
  logicalId,
  SYNTH_TIMEOUT_MS,
  type Synthesised,
  synthParley,
} from './synth.ts';

const CONTEXT = {
  chatModel: 'gpt-test',
  embeddingModel: 'embed-test',
  webhookTargets: 'private',
  generatorBatchSize: '2',
  generatorMaxConcurrency: '3',
  deliveryMaxConcurrency: '4',
  logRetentionDays: '60',
};
const NAMES = Object.keys(FUNCTION_ENTRIES) as FunctionName[];
const SCHEDULER_VARS = [ENV.scheduleGroupName, ENV.schedulerRoleArn, ENV.schedulerDlqArn, ENV.timerTargetArn];

let synth: Synthesised;
beforeAll(() => {
  synth = synthParley({ context: CONTEXT });
}, SYNTH_TIMEOUT_MS);
afterAll(() => synth?.cleanup());

const env = (name: FunctionName): Record<string, unknown> =>
  functionProperties(synth.template, name).Environment.Variables;

describe('the Lambda functions', () => {
  it("are exactly the entries of FUNCTION_ENTRIES, and the dashboard's (web-dashboard.test.ts)", () => {
    const functions = Object.keys(synth.template.findResources('AWS::Lambda::Function'));

    expect(functions.filter((id) => !id.startsWith('WebDashboard'))).toHaveLength(NAMES.length);
    expect(functions.filter((id) => id.startsWith('WebDashboard'))).toHaveLength(1);
  });

  it.each(NAMES)('run %s on Node.js 24, arm64, with active tracing, as an ESM handler', (name) => {
    expect(functionProperties(synth.template, name)).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Handler: 'index.handler',
    });
  });

  it.each(NAMES)('give %s its own log group, kept as configured', (name) => {
    const { LoggingConfig } = functionProperties(synth.template, name);
    const logGroup = synth.template.toJSON().Resources[LoggingConfig.LogGroup.Ref];

    expect(logGroup).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 60 } });
  });

  it('keep every log group in the stack for the configured retention', () => {
    const groups = Object.values(synth.template.findResources('AWS::Logs::LogGroup'));

    expect(groups.length).toBeGreaterThan(NAMES.length);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(60);
  });

  it('have timeouts that leave room for their work', () => {
    expect(NAMES.map((name) => [name, functionProperties(synth.template, name).Timeout])).toEqual([
      ['api', 10],
      ['generator', 60],
      ['delivery', 30],
      ['sweeper', 60],
      ['ingester', 300],
      ['timer', 60],
      ['evaluator', 600],
    ]);
  });

  it.each(NAMES)('give %s the settings lib/config.ts requires, and the Powertools settings', (name) => {
    expect(env(name)).toMatchObject({
      [ENV.tableName]: { Ref: logicalId(synth.template, 'AWS::DynamoDB::Table', 'StorageTable') },
      [ENV.generationQueueUrl]: { Ref: logicalId(synth.template, 'AWS::SQS::Queue', 'MessagingGenerationQueue') },
      [ENV.deliveryQueueUrl]: { Ref: logicalId(synth.template, 'AWS::SQS::Queue', 'MessagingDeliveryQueue') },
      [ENV.ingestionQueueUrl]: { Ref: logicalId(synth.template, 'AWS::SQS::Queue', 'KnowledgeIngestionQueue') },
      [ENV.documentsBucket]: { Ref: logicalId(synth.template, 'AWS::S3::Bucket', 'KnowledgeDocuments') },
      [ENV.chatModel]: 'gpt-test',
      [ENV.embeddingModel]: 'embed-test',
      [ENV.webhookTargets]: 'private',
      [ENV.allowHttpWebhooks]: 'false',
      POWERTOOLS_SERVICE_NAME: 'parley',
      POWERTOOLS_METRICS_NAMESPACE: 'Parley',
    });
  });

  it.each(NAMES)('do not load source maps at cold start in %s (they cost a quarter of it)', (name) => {
    expect(env(name).NODE_OPTIONS).toBeUndefined();
  });

  it('tell only the api, the generator, the ingester, the timer function and the evaluator where the OpenAI key is', () => {
    const secret = { Ref: logicalId(synth.template, 'AWS::SecretsManager::Secret', 'SecretsOpenAiKey') };
    const callers = ['api', 'generator', 'ingester', 'timer', 'evaluator'];

    for (const name of callers) expect(env(name as FunctionName)[ENV.openAiSecretArn]).toEqual(secret);
    for (const name of NAMES.filter((n) => !callers.includes(n)))
      expect(env(name)[ENV.openAiSecretArn]).toBeUndefined();
  });

  it.each(NAMES)('never tell %s to log whole events, which hold message text and contact details', (name) => {
    expect(env(name).POWERTOOLS_LOGGER_LOG_EVENT).toBeUndefined();
  });

  it('give no function the OpenAI key itself in its environment', () => {
    for (const name of NAMES) expect(Object.keys(env(name))).not.toContain('OPENAI_API_KEY');
  });

  it.each(NAMES)('never give %s a documents directory: in AWS documents are in the bucket', (name) => {
    expect(env(name)[ENV.documentsDir]).toBeUndefined();
  });

  it('name the event bus to the api (erasure), the generator, delivery, the sweeper (expiry) and the timer function only', () => {
    const bus = { Ref: logicalId(synth.template, 'AWS::Events::EventBus', 'EventsBus') };
    const publishers = ['api', 'generator', 'delivery', 'sweeper', 'timer'];

    for (const name of publishers) expect(env(name as FunctionName)[ENV.eventBusName]).toEqual(bus);
    for (const name of NAMES.filter((n) => !publishers.includes(n)))
      expect(env(name)[ENV.eventBusName]).toBeUndefined();
  });

  it.each(NAMES)('give %s all four scheduler settings or none, as lib/config.ts requires', (name) => {
    const set = SCHEDULER_VARS.filter((variable) => env(name)[variable] !== undefined);

    expect([0, SCHEDULER_VARS.length]).toContain(set.length);
  });

  it('give the scheduler settings to the api, the generator, the sweeper (expiry cancels timers) and the timer function, and to no other', () => {
    const withSettings = NAMES.filter((name) => env(name)[ENV.scheduleGroupName] !== undefined);

    expect(withSettings).toEqual(['api', 'generator', 'sweeper', 'timer']);
  });

  it.each(['api', 'generator', 'sweeper', 'timer'] as const)(
    'point the timers %s sets at the timer function, through the group, role and DLQ of the scheduling construct',
    (name) => {
      const { FunctionName } = functionProperties(synth.template, 'timer');
      const group =
        synth.template.toJSON().Resources[logicalId(synth.template, 'AWS::Scheduler::ScheduleGroup', 'SchedulingGroup')]
          .Properties.Name;

      expect(Object.fromEntries(SCHEDULER_VARS.map((variable) => [variable, env(name)[variable]]))).toEqual({
        [ENV.scheduleGroupName]: group,
        [ENV.schedulerRoleArn]: {
          'Fn::GetAtt': [logicalId(synth.template, 'AWS::IAM::Role', 'SchedulingExecutionRole'), 'Arn'],
        },
        [ENV.schedulerDlqArn]: {
          'Fn::GetAtt': [logicalId(synth.template, 'AWS::SQS::Queue', 'SchedulingTimerDlq'), 'Arn'],
        },
        [ENV.timerTargetArn]: {
          'Fn::Join': ['', expect.arrayContaining([':lambda:', `:function:${FunctionName}`])],
        },
      });
    },
  );
});

describe('the queue consumers', () => {
  it('feed the generator from the FIFO queue with partial batch failures and a concurrency cap', () => {
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(synth.template, 'AWS::Lambda::Function', FUNCTION_IDS.generator) },
      EventSourceArn: {
        'Fn::GetAtt': [logicalId(synth.template, 'AWS::SQS::Queue', 'MessagingGenerationQueue'), 'Arn'],
      },
      BatchSize: 2,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 3 },
    });
  });

  it('feed delivery ten records at a time with partial batch failures and a concurrency cap', () => {
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(synth.template, 'AWS::Lambda::Function', FUNCTION_IDS.delivery) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(synth.template, 'AWS::SQS::Queue', 'MessagingDeliveryQueue'), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 4 },
    });
  });

  it('are the only event source mappings, each with partial batch failures and at least two pollers', () => {
    const mappings = Object.values(synth.template.findResources('AWS::Lambda::EventSourceMapping'));

    expect(mappings).toHaveLength(4);
    for (const { Properties } of mappings) {
      expect(Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(Properties.ScalingConfig.MaximumConcurrency).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('the sweeper', () => {
  it('runs every five minutes, without retries of a failed run', () => {
    synth.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(synth.template, 'AWS::Lambda::Function', FUNCTION_IDS.sweeper), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
  });
});
