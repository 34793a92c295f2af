/** The delivery function's handler: consumes the delivery queue and POSTs signed webhooks. */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { deliveryJobFromRecord } from '#lib/adapters/aws/sqs-queues';
import { type DeliveryOutcome, deliverWebhook } from '#lib/app/deliver-webhook';
import type { LambdaHandler } from '#functions/handlers/lambda-handler';
import { logger } from '#functions/logger';
import { countMetric, METRIC, type MetricName, metrics } from '#functions/metrics';
import { logRecordFailures } from '#functions/record-failures';

/** What sending a webhook takes. */
export type DeliveryDeps = Parameters<typeof deliverWebhook>[0];

export type DeliveryHandler = LambdaHandler<SQSEvent, SQSBatchResponse>;

/**
 * Outcomes worth a metric; `deferred` (not yet due), `throttled`, `leased` (queued again for the
 * lease's end) and `skipped` (a duplicate record) are not.
 */
const OUTCOME_METRICS: Partial<Record<DeliveryOutcome, MetricName>> = {
  succeeded: METRIC.deliveriesSucceeded,
  retrying: METRIC.deliveriesRetried,
  failed: METRIC.deliveriesFailed,
};

export function createDeliveryHandler(deps: DeliveryDeps): DeliveryHandler {
  const processor = new BatchProcessor(EventType.SQS);

  async function deliver(record: SQSRecord): Promise<void> {
    const outcome = await deliverWebhook(deps, deliveryJobFromRecord(record));
    const metric = OUTCOME_METRICS[outcome];
    if (metric) countMetric(metric);
  }

  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler((event, context) =>
      processPartialResponse(event, logRecordFailures('delivery', deliver), processor, {
        context,
        throwOnFullBatchFailure: false,
      }),
    );
}
