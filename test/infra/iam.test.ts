import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FUNCTION_ENTRIES, type FunctionName } from '../../infra/bundling.ts';
import { LambdaFunction } from '../../infra/constructs/lambda-function.ts';
import { Scheduling } from '../../infra/constructs/scheduling.ts';
import { ENV } from '#lib/config';
import {
  FUNCTION_IDS,
  functionRole,
  logicalId,
  permissionsOf,
  SYNTH_TIMEOUT_MS,
  type Synthesised,
  synthParley,
} from './synth.ts';

let synth: Synthesised;
beforeAll(() => {
  synth = synthParley();
}, SYNTH_TIMEOUT_MS);
afterAll(() => synth?.cleanup());

const roleOf = (name: FunctionName) => functionRole(synth.template, name);

const TABLE_READ = ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:Query'];
const TABLE_READ_WRITE = [
  ...TABLE_READ,
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
].sort();
const SEND = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
const CONSUME = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
];
const table = (actions: string[]) => ({ '<StorageTable>': actions, '<StorageTable>/index/gsi1': actions });
const documents = (objectActions: string[]) => ({
  '<KnowledgeDocuments>': ['s3:ListBucket'],
  '<KnowledgeDocuments>/*': objectActions.sort(),
});
const basics = (name: FunctionName) => ({
  [`<${FUNCTION_IDS[name]}LogGroup>`]: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  '*': ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
});

describe('least privilege', () => {
  it('gives the api function the table, the documents, the OpenAI key, and sending to the generation and ingestion queues, nothing more', () => {
    expect(permissionsOf(synth.template, roleOf('api'))).toEqual({
      ...basics('api'),
      ...table(TABLE_READ_WRITE),
      ...documents(['s3:GetObject', 's3:PutObject', 's3:DeleteObject']),
      '<MessagingGenerationQueue>': SEND,
      '<KnowledgeIngestionQueue>': SEND,
      '<SecretsOpenAiKey>': ['secretsmanager:GetSecretValue'],
    });
  });

  it('gives the generator the table, its queue, delivery, events, the secret, timers and reading documents', () => {
    const permissions = permissionsOf(synth.template, roleOf('generator'));
    const scheduleGroup =
      synth.template.toJSON().Resources[logicalId(synth.template, 'AWS::Scheduler::ScheduleGroup', 'SchedulingGroup')]
        .Properties.Name;

    expect(permissions).toEqual({
      ...basics('generator'),
      ...table(TABLE_READ_WRITE),
      ...documents(['s3:GetObject']),
      '<MessagingGenerationQueue>': CONSUME,
      '<MessagingDeliveryQueue>': SEND,
      '<EventsBus>': ['events:PutEvents'],
      '<SecretsOpenAiKey>': ['secretsmanager:GetSecretValue'],
      [`arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${scheduleGroup}/*`]: [
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
      ],
      '<SchedulingExecutionRole>': ['iam:PassRole'],
    });
  });

  it('lets the generator pass the scheduler role to EventBridge Scheduler only', () => {
    const statements = Object.values(synth.template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement,
    );
    const passRole = statements.filter((statement) => statement.Action === 'iam:PassRole');

    expect(passRole).toEqual([
      expect.objectContaining({ Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } } }),
    ]);
  });

  it('gives delivery the table, its queue (to consume and to re-queue retries) and events', () => {
    expect(permissionsOf(synth.template, roleOf('delivery'))).toEqual({
      ...basics('delivery'),
      ...table(TABLE_READ_WRITE),
      '<MessagingDeliveryQueue>': [...new Set([...CONSUME, ...SEND])].sort(),
      '<EventsBus>': ['events:PutEvents'],
    });
  });

  it('gives the sweeper queries on the table and index, and sending to the three queues', () => {
    expect(permissionsOf(synth.template, roleOf('sweeper'))).toEqual({
      ...basics('sweeper'),
      ...table(['dynamodb:Query']),
      '<MessagingGenerationQueue>': SEND,
      '<MessagingDeliveryQueue>': SEND,
      '<KnowledgeIngestionQueue>': SEND,
    });
  });

  it('keeps the api function away from the delivery queue', () => {
    const resources = Object.keys(permissionsOf(synth.template, roleOf('api')));

    expect(resources).not.toContain('<MessagingDeliveryQueue>');
    expect(resources).not.toContain('<MessagingDeliveryDlq>');
  });

  it('gives the ingester the table, its queue, reading and writing documents, and the secret', () => {
    expect(permissionsOf(synth.template, roleOf('ingester'))).toEqual({
      ...basics('ingester'),
      ...table(TABLE_READ_WRITE),
      ...documents(['s3:GetObject', 's3:PutObject']),
      '<KnowledgeIngestionQueue>': CONSUME,
      '<SecretsOpenAiKey>': ['secretsmanager:GetSecretValue'],
    });
  });

  it('lets only delivery and the sweeper work without documents', () => {
    const withoutDocuments = (Object.keys(FUNCTION_ENTRIES) as FunctionName[]).filter(
      (name) => !permissionsOf(synth.template, roleOf(name))['<KnowledgeDocuments>/*'],
    );

    expect(withoutDocuments.sort()).toEqual(['delivery', 'sweeper']);
  });

  it('lets only the functions that call OpenAI read its key: the api (testing responses, search), the generator and the ingester', () => {
    const readers = (Object.keys(FUNCTION_ENTRIES) as FunctionName[]).filter(
      (name) => permissionsOf(synth.template, roleOf(name))['<SecretsOpenAiKey>'],
    );

    expect(readers.sort()).toEqual(['api', 'generator', 'ingester']);
  });

  it('grants no wildcard action anywhere, and "*" resources only for X-Ray', () => {
    const statements = Object.values(synth.template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement,
    );

    for (const statement of statements) {
      for (const action of [statement.Action].flat()) expect(action).not.toContain('*');
      if ([statement.Resource].flat().includes('*'))
        expect([statement.Action].flat().every((a: string) => a.startsWith('xray:'))).toBe(true);
    }
  });

  it('uses no managed policies: each role may write only its own log group', () => {
    for (const role of Object.values(synth.template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('the scheduler execution role', () => {
  const schedulerRole = () => logicalId(synth.template, 'AWS::IAM::Role', 'SchedulingExecutionRole');

  it('can be assumed only by EventBridge Scheduler, for this account and schedule group', () => {
    const role = synth.template.toJSON().Resources[schedulerRole()];

    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: {
            'aws:SourceAccount': { Ref: 'AWS::AccountId' },
            'aws:SourceArn': {
              'Fn::GetAtt': [logicalId(synth.template, 'AWS::Scheduler::ScheduleGroup', 'SchedulingGroup'), 'Arn'],
            },
          },
        },
      },
    ]);
  });

  it('may only send failed timers to its DLQ while it has no targets: no invoke permission', () => {
    expect(permissionsOf(synth.template, schedulerRole())).toEqual({ '<SchedulingTimerDlq>': SEND });
  });
});

describe('Scheduling with timer targets (the follow-up functions to come)', () => {
  function buildWithTarget() {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'SchedulingTest');
    // Stand-ins: any two Parley functions show the wiring; which handlers they run does not matter here.
    const target = new LambdaFunction(stack, 'Target', { entryName: 'sweeper' });
    const caller = new LambdaFunction(stack, 'Caller', { entryName: 'generator' });
    const scheduling = new Scheduling(stack, 'Scheduling', { targets: [target] });
    return { stack, target, caller, scheduling };
  }

  it('lets the execution role invoke exactly its targets, and gives the caller all four settings', () => {
    const { stack, target, caller, scheduling } = buildWithTarget();
    scheduling.grantScheduleTimers(caller, target);
    const template = Template.fromStack(stack);
    const roleId = logicalId(template, 'AWS::IAM::Role', 'SchedulingExecutionRole');
    const callerEnv =
      template.toJSON().Resources[logicalId(template, 'AWS::Lambda::Function', 'Caller')].Properties.Environment
        .Variables;

    expect(permissionsOf(template, roleId)).toEqual({
      '<SchedulingTimerDlq>': SEND,
      '<Target>': ['lambda:InvokeFunction'],
    });
    expect(Object.keys(callerEnv)).toEqual(
      expect.arrayContaining([ENV.scheduleGroupName, ENV.schedulerRoleArn, ENV.schedulerDlqArn, ENV.timerTargetArn]),
    );
  });

  it('refuses to point timers at a function its role may not invoke', () => {
    const { stack, caller, scheduling } = buildWithTarget();
    const stranger = new LambdaFunction(stack, 'Stranger', { entryName: 'delivery' });

    expect(() => scheduling.grantScheduleTimers(caller, stranger)).toThrow(/is not a target/);
  });
});
