import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Api } from './api.ts';
import { appMetric, METRIC } from './app-metrics.ts';
import type { LambdaFunction } from './lambda-function.ts';

const PERIOD = Duration.minutes(5);
const WIDTH = 8;

export interface OperationsDashboardProps {
  readonly api: Api;
  readonly functions: LambdaFunction[];
  readonly queues: Record<string, sqs.IQueue>;
  readonly deadLetterQueues: Record<string, sqs.IQueue>;
}

/**
 * One CloudWatch dashboard, named after the stack, that follows a message through the system: API
 * traffic, function health, queue backlog, dead letters and webhook outcomes.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const { httpApi } = props.api;
    const byFunction = (metric: (fn: LambdaFunction) => cloudwatch.Metric) =>
      props.functions.map((fn) => metric(fn).with({ label: fn.entryName, period: PERIOD }));
    const byQueue = (queues: Record<string, sqs.IQueue>, metric: (q: sqs.IQueue) => cloudwatch.Metric) =>
      Object.entries(queues).map(([name, queue]) => metric(queue).with({ label: name, period: PERIOD }));
    const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
      new cloudwatch.GraphWidget({ title, left, right, width: WIDTH, height: 6 });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-operations`,
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          graph('API requests', [httpApi.metricCount({ period: PERIOD, label: 'requests' })]),
          graph('API latency (ms)', [
            httpApi.metricLatency({ period: PERIOD, statistic: 'p50', label: 'p50' }),
            httpApi.metricLatency({ period: PERIOD, statistic: 'p99', label: 'p99' }),
          ]),
          graph('API errors', [
            httpApi.metricClientError({ period: PERIOD, label: '4xx' }),
            httpApi.metricServerError({ period: PERIOD, label: '5xx' }),
          ]),
        ],
        [
          graph(
            'Function duration p99 (ms)',
            byFunction((fn) => fn.metricDuration({ statistic: 'p99' })),
          ),
          graph(
            'Function errors',
            byFunction((fn) => fn.metricErrors()),
          ),
          graph(
            'Function throttles',
            byFunction((fn) => fn.metricThrottles()),
          ),
        ],
        [
          graph(
            'Queue depth',
            byQueue(props.queues, (q) => q.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' })),
          ),
          graph(
            'Age of oldest message (s)',
            byQueue(props.queues, (q) => q.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum' })),
          ),
          graph(
            'Dead letters',
            byQueue(props.deadLetterQueues, (q) =>
              q.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
            ),
          ),
        ],
        [
          graph('Replies', [
            appMetric(METRIC.repliesGenerated, 'generated'),
            appMetric(METRIC.generationRetried, 'retried'),
            appMetric(METRIC.generationFailed, 'failed'),
            appMetric(METRIC.modelUnavailable, 'model unavailable'),
          ]),
          graph('Webhook deliveries', [
            appMetric(METRIC.deliveriesSucceeded, 'succeeded'),
            appMetric(METRIC.deliveriesRetried, 'retried'),
            appMetric(METRIC.deliveriesFailed, 'failed'),
          ]),
        ],
      ],
    });
  }
}
