import { Aws, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '#lib/config';
import { acknowledgeNag, nagRef } from '../nag.ts';
import type { LambdaFunction } from './lambda-function.ts';
import { DLQ_RETENTION, acknowledgeDeadLetterQueue } from './messaging.ts';

export interface SchedulingProps {
  /**
   * The functions timers may invoke (follow-up, drop-off). The execution role may invoke these and
   * nothing else; with none, it has no invoke permission at all.
   */
  readonly targets: LambdaFunction[];
}

/**
 * One-time timers on EventBridge Scheduler: a schedule group that the code creates `at(T)`
 * schedules in, the execution role Scheduler invokes the targets with, and a DLQ for invocations
 * that failed after Scheduler's retries.
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
  }

  /**
   * Lets `fn` create and delete schedules in the group (their names are made at run time) and pass
   * the execution role to Scheduler. The environment variables follow lib/config.ts, which wants
   * all four scheduler settings or none: they are set only with a `target`, which must be one of
   * this construct's targets.
   */
  grantScheduleTimers(fn: LambdaFunction, target?: LambdaFunction): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
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
    if (!target) return;
    if (!this.targets.includes(target)) {
      throw new Error(`${target.node.path} is not a target of ${this.node.path}: its role could not invoke it`);
    }
    fn.addEnvironment(ENV.scheduleGroupName, this.group.scheduleGroupName);
    fn.addEnvironment(ENV.schedulerRoleArn, this.role.roleArn);
    fn.addEnvironment(ENV.schedulerDlqArn, this.deadLetterQueue.queueArn);
    fn.addEnvironment(ENV.timerTargetArn, target.functionArn);
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
