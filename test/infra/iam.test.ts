import { FUNCTION_ENTRIES, type FunctionName } from '../../infra/bundling.ts';
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
const table = (actions: string[]) => ({
  '<StorageTable>': actions,
  '<StorageTable>/index/gsi1': actions,
  '<StorageTable>/index/gsi2': actions,
});
const documents = (objectActions: string[]) => ({
  '<KnowledgeDocuments>': ['s3:ListBucket'],
  '<KnowledgeDocuments>/*': objectActions.sort(),
});
const basics = (name: FunctionName) => ({
  [`<${FUNCTION_IDS[name]}LogGroup>`]: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  '*': ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
});
/** Creating, updating (a timer armed again) and deleting schedules of the timer group, and passing the scheduler's role. */
const timers = () => {
  const group =
    synth.template.toJSON().Resources[logicalId(synth.template, 'AWS::Scheduler::ScheduleGroup', 'SchedulingGroup')]
      .Properties.Name;
  return {
    [`arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${group}/*`]: [
      'scheduler:CreateSchedule',
      'scheduler:DeleteSchedule',
      'scheduler:UpdateSchedule',
    ],
    '<SchedulingExecutionRole>': ['iam:PassRole'],
  };
};

describe('least privilege', () => {
  it('gives the api function the table, the documents, the OpenAI key, timers, events (erasure), and sending to the generation, ingestion and evaluation queues, nothing more', () => {
    expect(permissionsOf(synth.template, roleOf('api'))).toEqual({
      ...basics('api'),
      ...table(TABLE_READ_WRITE),
      ...documents(['s3:GetObject', 's3:PutObject', 's3:DeleteObject']),
      '<MessagingGenerationQueue>': SEND,
      '<KnowledgeIngestionQueue>': SEND,
      '<EvaluationsEvaluationQueue>': SEND,
      '<SecretsOpenAiKey>': ['secretsmanager:GetSecretValue'],
      '<EventsBus>': ['events:PutEvents'],
      ...timers(),
    });
  });

  it('gives the evaluator the table, its queue (to consume, and to continue a long run), reading documents and the secret: no delivery, no events, no timers', () => {
    expect(permissionsOf(synth.template, roleOf('evaluator'))).toEqual({
      ...basics('evaluator'),
      ...table(TABLE_READ_WRITE),
      ...documents(['s3:GetObject']),
      '<EvaluationsEvaluationQueue>': [...new Set([...CONSUME, ...SEND])].sort(),
      '<SecretsOpenAiKey>': ['secretsmanager:GetSecretValue'],
    });
  });

  it('lets the generator hide a generation record for a wait (ChangeMessageVisibility), which is how it waits out a busy model', () => {
    expect(permissionsOf(synth.template, roleOf('generator'))['<MessagingGenerationQueue>']).toContain(
      'sqs:ChangeMessageVisibility',
    );
  });

  it('gives the generator the table, its queue, delivery, events, the secret, timers and reading documents', () => {
    expect(permissionsOf(synth.template, roleOf('generator'))).toEqual({
      ...basics('generator'),
      ...table(TABLE_READ_WRITE),
      ...documents(['s3:GetObject']),
      '<MessagingGenerationQueue>': CONSUME,
      '<MessagingDeliveryQueue>': SEND,
      '<EventsBus>': ['events:PutEvents'],
      '<SecretsOpenAiKey>': ['secretsmanager:GetSecretValue'],
      ...timers(),
    });
  });

  it('gives the timer function the table, delivery, events, the secret, reading documents, timers, and its failures to the timer DLQ', () => {
    expect(permissionsOf(synth.template, roleOf('timer'))).toEqual({
      ...basics('timer'),
      ...table(TABLE_READ_WRITE),
      ...documents(['s3:GetObject']),
      '<MessagingDeliveryQueue>': SEND,
      '<EventsBus>': ['events:PutEvents'],
      '<SecretsOpenAiKey>': ['secretsmanager:GetSecretValue'],
      ...timers(),
      // Lambda's on-failure destination for its asynchronous (Scheduler) invocations.
      '<SchedulingTimerDlq>': SEND,
    });
  });

  it('gives delivery the table, its queue (to consume and to re-queue retries) and events', () => {
    expect(permissionsOf(synth.template, roleOf('delivery'))).toEqual({
      ...basics('delivery'),
      ...table(TABLE_READ_WRITE),
      '<MessagingDeliveryQueue>': [...new Set([...CONSUME, ...SEND])].sort(),
      '<EventsBus>': ['events:PutEvents'],
    });
  });

  it('gives the sweeper the table (expiry erases) with the Scan of the migrations, reading documents (the knowledge re-index), timers and events, and sending to the three queues', () => {
    expect(permissionsOf(synth.template, roleOf('sweeper'))).toEqual({
      ...basics('sweeper'),
      ...table([...TABLE_READ_WRITE, 'dynamodb:Scan'].sort()),
      ...documents(['s3:GetObject']),
      '<MessagingGenerationQueue>': SEND,
      '<MessagingDeliveryQueue>': SEND,
      '<KnowledgeIngestionQueue>': SEND,
      '<EventsBus>': ['events:PutEvents'],
      ...timers(),
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

  it('lets only delivery work without documents', () => {
    const withoutDocuments = (Object.keys(FUNCTION_ENTRIES) as FunctionName[]).filter(
      (name) => !permissionsOf(synth.template, roleOf(name))['<KnowledgeDocuments>/*'],
    );

    expect(withoutDocuments.sort()).toEqual(['delivery']);
  });

  it('lets only the functions that call OpenAI read its key: the api (testing responses, search), the generator, the ingester, the timer function and the evaluator', () => {
    const readers = (Object.keys(FUNCTION_ENTRIES) as FunctionName[]).filter(
      (name) => permissionsOf(synth.template, roleOf(name))['<SecretsOpenAiKey>'],
    );

    expect(readers.sort()).toEqual(['api', 'evaluator', 'generator', 'ingester', 'timer']);
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
