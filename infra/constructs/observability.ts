import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeNag } from '../nag.ts';
import type { Api } from './api.ts';
import { appMetric, METRIC } from './app-metrics.ts';
import { OperationsDashboard } from './dashboard.ts';
import type { LambdaFunction } from './lambda-function.ts';

const PERIOD = Duration.minutes(5);

export interface ObservabilityProps {
  readonly api: Api;
  readonly functions: LambdaFunction[];
  readonly generator: LambdaFunction;
  /** Work queues by name, for depth and age of the oldest message on the dashboard. */
  readonly queues: Record<string, sqs.IQueue>;
  /** Dead-letter queues by name: anything in one is work Parley gave up on, so each alarms. */
  readonly deadLetterQueues: Record<string, sqs.IQueue>;
  /** Where alarms are e-mailed; without it they only show in the console and on the dashboard. */
  readonly alarmEmail?: string;
}

/**
 * Alarms on what needs a person (dead letters, failed deliveries, generator errors, throttling),
 * optionally e-mailed through an SNS topic, and one operations dashboard.
 */
export class Observability extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly topic?: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.alarm(
        `${capitalize(name)}DlqNotEmpty`,
        `Records in the ${name} dead-letter queue: work Parley gave up on.`,
        queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM }),
      );
    }
    this.alarm('DeliveriesFailed', 'Webhook deliveries failed after every retry.', appMetric(METRIC.deliveriesFailed));
    // Every answer is being escalated instead of sent: the OpenAI key is missing or refused.
    this.alarm(
      'ModelUnavailable',
      'The chat model is unavailable (its key is missing or refused): prospects get no answer until an operator sets a valid key.',
      appMetric(METRIC.modelUnavailable),
      { threshold: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD },
    );
    // The generator reports record failures to SQS rather than erroring, so an error is a crash,
    // a timeout or a failed cold start (e.g. an unreadable secret): every one matters.
    this.alarm(
      'GeneratorErrors',
      'The generator function failed invocations.',
      props.generator.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
    );
    // No such alarm for the timer function: an error there (a slow model, say) is retried by
    // Lambda, and a timer that still fails lands in the timer DLQ, which alarms above.
    for (const fn of props.functions) {
      this.alarm(
        `${capitalize(fn.entryName)}Throttles`,
        `The ${fn.entryName} function was throttled.`,
        fn.metricThrottles({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
      );
    }

    if (props.alarmEmail) {
      this.topic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Parley alarms', enforceSSL: true });
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
      const action = new SnsAction(this.topic);
      for (const alarm of this.alarms) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
      acknowledgeNag(
        this.topic,
        'SNS2',
        'Alarm notifications carry no customer data, and CloudWatch cannot publish under the AWS-managed SNS key; a customer key costs every install.',
      );
    }

    this.dashboard = new OperationsDashboard(this, 'Dashboard', {
      api: props.api,
      functions: props.functions,
      queues: props.queues,
      deadLetterQueues: props.deadLetterQueues,
    }).dashboard;
  }

  /**
   * Alarms when the metric is above zero (or as `when` says) in any period; no data (an idle
   * system) is fine.
   */
  private alarm(
    id: string,
    description: string,
    metric: cloudwatch.IMetric,
    when: { threshold: number; comparisonOperator: cloudwatch.ComparisonOperator } = {
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    },
  ): void {
    this.alarms.push(
      new cloudwatch.Alarm(this, id, {
        metric,
        alarmDescription: description,
        ...when,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}

const capitalize = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
