/** The delivery Lambda: consumes the delivery queue and POSTs signed webhooks. */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { deliveryJobFromRecord } from '#lib/adapters/aws/sqs-queues';
import { deliverWebhook } from '#lib/app/deliver-webhook';
import { loadConfig } from '#lib/config';
import { composeDeps } from '#functions/composition';
import { logger } from '#functions/logger';

const deps = composeDeps(loadConfig(), logger);
const processor = new BatchProcessor(EventType.SQS);

async function deliver(record: SQSRecord): Promise<void> {
  await deliverWebhook(deps, deliveryJobFromRecord(record));
}

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event, context) =>
    processPartialResponse(event, deliver, processor, { context, throwOnFullBatchFailure: false }),
  );
