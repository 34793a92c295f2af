import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE } from '#functions/metrics';

/** A metric name the handlers record (functions/metrics.ts). */
export type AppMetricName = (typeof METRIC)[keyof typeof METRIC];

/**
 * A count the functions record through Powertools Metrics (CloudWatch EMF), summed per 5 minutes.
 * Namespace, name and the `service` dimension come from the code that emits them, so they agree.
 */
export function appMetric(name: AppMetricName, label?: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: METRICS_SERVICE },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
    ...(label ? { label } : {}),
  });
}

export { METRIC };
