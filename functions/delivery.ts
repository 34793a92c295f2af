/** The delivery Lambda: consumes the delivery queue and POSTs signed webhooks. */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { deliveryJobFromRecord } from '#lib/adapters/aws/sqs-queues';
import { type DeliveryOutcome, deliverWebhook } from '#lib/app/deliver-webhook';
import { loadConfig } from '#lib/config';
import { composeCore } from '#functions/composition/core';
import { logger } from '#functions/logger';
import { logRecordFailures } from '#functions/record-failures';
import { countMetric, METRIC, type MetricName, metrics } from '#functions/metrics';

const deps = composeCore(loadConfig(), logger);
const processor = new BatchProcessor(EventType.SQS);

/**
 * Outcomes worth a metric; `deferred` (not yet due), `throttled`, `leased` (queued again for the
 * lease's end) and `skipped` (a duplicate record) are not.
 */
const OUTCOME_METRICS: Partial<Record<DeliveryOutcome, MetricName>> = {
  succeeded: METRIC.deliveriesSucceeded,
  retrying: METRIC.deliveriesRetried,
  failed: METRIC.deliveriesFailed,
};

async function deliver(record: SQSRecord): Promise<void> {
  const outcome = await deliverWebhook(deps, deliveryJobFromRecord(record));
  const metric = OUTCOME_METRICS[outcome];
  if (metric) countMetric(metric);
}

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler((event, context) =>
    processPartialResponse(event, logRecordFailures('delivery', deliver), processor, {
      context,
      throwOnFullBatchFailure: false,
    }),
  );
