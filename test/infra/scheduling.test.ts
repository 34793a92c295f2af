import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FUNCTION_ENTRIES, type FunctionName } from '../../infra/bundling.ts';
import { LambdaFunction } from '../../infra/constructs/lambda-function.ts';
import { Scheduling, TIMER_FUNCTION_RETRY_ATTEMPTS } from '../../infra/constructs/scheduling.ts';
import { TIMER_MAX_EVENT_AGE_SECONDS } from '#lib/adapters/aws/scheduler';
import { ENV } from '#lib/config';
import {
  FUNCTION_IDS,
  functionRole,
  type Json,
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

const SEND = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
const NAMES = Object.keys(FUNCTION_ENTRIES) as FunctionName[];
/** The functions that create and cancel timers (the sweeper cancels those of expired conversations). */
const SCHEDULERS: FunctionName[] = ['api', 'generator', 'sweeper', 'timer'];

const schedulerRole = () => logicalId(synth.template, 'AWS::IAM::Role', 'SchedulingExecutionRole');
const timerFunction = () => logicalId(synth.template, 'AWS::Lambda::Function', FUNCTION_IDS.timer);

/** The statements of the policies attached to one role. */
function statementsOf(template: Template, roleId: string): Json[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => policy.Properties.Roles.some((role: { Ref?: string }) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

describe('the scheduler execution role', () => {
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

  it('may invoke the timer function and nothing else, and send failed timers to its DLQ', () => {
    expect(permissionsOf(synth.template, schedulerRole())).toEqual({
      '<GenerationTimer>': ['lambda:InvokeFunction'],
      '<SchedulingTimerDlq>': SEND,
    });
  });
});

describe('creating timers', () => {
  it('is allowed to the api, the generator, the sweeper and the timer function only', () => {
    const creators = NAMES.filter((name) =>
      statementsOf(synth.template, functionRole(synth.template, name)).some((s) =>
        [s.Action].flat().includes('scheduler:CreateSchedule'),
      ),
    );

    expect(creators).toEqual(SCHEDULERS);
  });

  it.each(SCHEDULERS)('lets %s pass the execution role, and only to EventBridge Scheduler', (name) => {
    const passRole = statementsOf(synth.template, functionRole(synth.template, name)).filter((s) =>
      [s.Action].flat().includes('iam:PassRole'),
    );

    expect(passRole).toEqual([
      {
        Action: 'iam:PassRole',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [schedulerRole(), 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
  });

  it('lets no other role pass any role', () => {
    const passers = Object.values(synth.template.findResources('AWS::IAM::Policy'))
      .filter((policy) =>
        policy.Properties.PolicyDocument.Statement.some((s: Json) => [s.Action].flat().includes('iam:PassRole')),
      )
      .flatMap((policy) => policy.Properties.Roles.map((role: { Ref: string }) => role.Ref));

    expect(passers.sort()).toEqual(SCHEDULERS.map((name) => functionRole(synth.template, name)).sort());
  });
});

describe('the timer function', () => {
  it('names its own ARN in its environment without referring to itself, which would be a circular dependency', () => {
    const { FunctionName, Environment } = synth.template.toJSON().Resources[timerFunction()].Properties;

    expect(typeof FunctionName).toBe('string');
    expect(FunctionName.length).toBeLessThanOrEqual(64);
    expect(Environment.Variables[ENV.timerTargetArn]).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':lambda:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          `:function:${FunctionName}`,
        ],
      ],
    });
    expect(JSON.stringify(Environment)).not.toContain(timerFunction());
  });

  it('sends an invocation that kept failing after Lambda’s retries to the timer DLQ, within the hour', () => {
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: timerFunction() },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: TIMER_FUNCTION_RETRY_ATTEMPTS,
      MaximumEventAgeInSeconds: TIMER_MAX_EVENT_AGE_SECONDS,
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [logicalId(synth.template, 'AWS::SQS::Queue', 'SchedulingTimerDlq'), 'Arn'] },
        },
      },
    });
    synth.template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
  });
});

describe('Scheduling, on stand-in functions', () => {
  function buildWithTarget(options: { fixedName?: boolean } = {}) {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'SchedulingTest');
    // Which handlers they run does not matter here: only the wiring does. Both build a model, so
    // they are told a provider, as the stack tells every function.
    const environment = { [ENV.modelProvider]: 'offline' };
    const target = new LambdaFunction(stack, 'Target', { entryName: 'timer', environment, ...options });
    const caller = new LambdaFunction(stack, 'Caller', { entryName: 'generator', environment });
    const scheduling = new Scheduling(stack, 'Scheduling', { targets: [target] });
    return { stack, target, caller, scheduling };
  }

  it('lets the execution role invoke exactly its targets, and gives the caller all four settings', () => {
    const { stack, target, caller, scheduling } = buildWithTarget();
    scheduling.grantScheduleTimers(caller, target);
    const template = Template.fromStack(stack);
    const callerEnv =
      template.toJSON().Resources[logicalId(template, 'AWS::Lambda::Function', 'Caller')].Properties.Environment
        .Variables;

    expect(permissionsOf(template, logicalId(template, 'AWS::IAM::Role', 'SchedulingExecutionRole'))).toEqual({
      '<SchedulingTimerDlq>': SEND,
      '<Target>': ['lambda:InvokeFunction'],
    });
    expect(callerEnv[ENV.timerTargetArn]).toEqual({
      'Fn::GetAtt': [logicalId(template, 'AWS::Lambda::Function', 'Target'), 'Arn'],
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

  it('refuses to let a target without a fixed name point timers at itself', () => {
    const { target, scheduling } = buildWithTarget();

    expect(() => scheduling.grantScheduleTimers(target, target)).toThrow(/circular dependency/);
  });

  it('lets a target with a fixed name point timers at itself, in a deployable template', () => {
    const { stack, target, scheduling } = buildWithTarget({ fixedName: true });
    scheduling.grantScheduleTimers(target, target);

    // Template.fromStack refuses a template with a dependency cycle.
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'SchedulingTestTarget',
      Environment: { Variables: { [ENV.timerTargetArn]: stack.resolve(target.knownArn) } },
    });
  });
});
