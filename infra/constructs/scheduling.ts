import { Aws, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TIMER_MAX_EVENT_AGE_SECONDS } from '#lib/adapters/aws/scheduler';
import { ENV } from '#lib/config';
import { acknowledgeNag, nagRef } from '../nag.ts';
import type { LambdaFunction } from './lambda-function.ts';
import { DLQ_RETENTION, acknowledgeDeadLetterQueue } from './messaging.ts';

/**
 * Lambda's own retries of a timer invocation that errored, on top of Scheduler's: Scheduler invokes
 * asynchronously, so once Lambda has accepted the event, function errors are Lambda's to retry.
 */
export const TIMER_FUNCTION_RETRY_ATTEMPTS = 2;

export interface SchedulingProps {
  /**
   * The functions timers may invoke (the timer function). The execution role may invoke these and
   * nothing else; with none, it has no invoke permission at all.
   */
  readonly targets: LambdaFunction[];
}

/**
 * One-time timers on EventBridge Scheduler: a schedule group that the code creates `at(T)`
 * schedules in, the execution role Scheduler invokes the targets with, and one DLQ for timers that
 * never ran: invocations Scheduler gave up on, and events whose function failed after Lambda's retries.
 */
export class Scheduling extends Construct {
  readonly group: scheduler.ScheduleGroup;
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
  /** The functions timers may invoke. */
  readonly targets: readonly LambdaFunction[];

  constructor(scope: Construct, id: string, props: SchedulingProps) {
    super(scope, id);
    this.targets = props.targets;
    this.group = new scheduler.ScheduleGroup(this, 'Group', {
      // Pending timers are useless once the stack (and so their targets) is gone.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.deadLetterQueue = new sqs.Queue(this, 'TimerDlq', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledgeDeadLetterQueue(this.deadLetterQueue);

    // Confused-deputy guard: only Scheduler, for this account's schedules in this group (AWS wants
    // the group's ARN here, not a schedule's).
    this.role = new iam.Role(this, 'ExecutionRole', {
      description: 'Assumed by EventBridge Scheduler to fire Parley timers',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID, 'aws:SourceArn': this.group.scheduleGroupArn },
        },
      }),
    });
    // Scheduler sends a failed invocation to the DLQ with the execution role.
    this.deadLetterQueue.grantSendMessages(this.role);
    if (props.targets.length > 0) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: props.targets.map((target) => target.functionArn),
        }),
      );
    }
    // Scheduler's DLQ only sees invocations Lambda refused; an accepted event whose function kept
    // failing would otherwise be dropped silently. Both end in the one (alarmed) DLQ, within the
    // same hour a follow-up is still worth sending (lib/adapters/aws/scheduler.ts).
    for (const target of props.targets) {
      target.configureAsyncInvoke({
        retryAttempts: TIMER_FUNCTION_RETRY_ATTEMPTS,
        maxEventAge: Duration.seconds(TIMER_MAX_EVENT_AGE_SECONDS),
        onFailure: new SqsDestination(this.deadLetterQueue),
      });
    }
  }

  /**
   * Lets `fn` create, update and delete schedules in the group (their names are made at run time:
   * re-arming a timer that exists, as a retried or twice-fired invocation does, updates it) and pass
   * the execution role to Scheduler, and sets the four scheduler variables of lib/config.ts (which
   * wants all or none): the group, the execution role, the DLQ, and `target`, the function the
   * timers invoke, which must be one of this construct's targets. `fn` may be `target` itself (a
   * timer arming the next one) if the target has a fixed name: see `targetArn`.
   */
  grantScheduleTimers(fn: LambdaFunction, target: LambdaFunction): void {
    if (!this.targets.includes(target)) {
      throw new Error(`${target.node.path} is not a target of ${this.node.path}: its role could not invoke it`);
    }
    const targetArn = Scheduling.targetArn(fn, target);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
        resources: [this.scheduleArn('*')],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    // cdk-nag names the group as written in the template: a literal (generated) name, or a Ref.
    const groupName = this.group.scheduleGroupName;
    const group = Token.isUnresolved(groupName) ? nagRef(this.group) : groupName;
    acknowledgeNag(
      fn.role!,
      'IAM5',
      'Timer schedules are named at run time (one per conversation timer), so the grant covers the schedules of this group only.',
      `Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${group}/*`,
    );
    fn.addEnvironment(ENV.scheduleGroupName, this.group.scheduleGroupName);
    fn.addEnvironment(ENV.schedulerRoleArn, this.role.roleArn);
    fn.addEnvironment(ENV.schedulerDlqArn, this.deadLetterQueue.queueArn);
    fn.addEnvironment(ENV.timerTargetArn, targetArn);
  }

  /**
   * The target's ARN as `fn`'s environment gets it. In a function's own environment, its
   * `functionArn` (Fn::GetAtt of itself) would make CloudFormation reject the template as a
   * circular dependency, so a target with a fixed name is given by its put-together ARN, to every
   * caller alike; without one, only other functions can point timers at it.
   */
  private static targetArn(fn: LambdaFunction, target: LambdaFunction): string {
    if (target.knownArn) return target.knownArn;
    if (fn === target) {
      throw new Error(
        `${target.node.path} cannot point timers at itself without a fixed name (fixedName): its own ARN in its environment would be a circular dependency`,
      );
    }
    return target.functionArn;
  }

  /** arn:…:schedule/{group}/{name}: schedules are addressed by group, not by schedule-group ARN. */
  private scheduleArn(name: string): string {
    return Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.group.scheduleGroupName}/${name}`,
    });
  }
}
