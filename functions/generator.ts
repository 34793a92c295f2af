/** The generator Lambda: consumes the FIFO generation queue and answers conversations. */
import middy from '@middy/core';
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { generationJobFromRecord } from '#lib/adapters/aws/sqs-queues';
import { generateReply } from '#lib/app/generate-reply';
import { conversationRef } from '#lib/domain/conversation-ref';
import { loadConfig } from '#lib/config';
import { composeDeps } from '#functions/composition';
import { logger } from '#functions/logger';
import { countGenerationOutcome, countMetric, METRIC, metrics } from '#functions/metrics';
import { logRecordFailures } from '#functions/record-failures';

const deps = await composeDeps(loadConfig(), logger);
// A failed record fails only the rest of its own conversation's records, so other prospects wait for nothing.
const processor = new SqsFifoPartialProcessorAsync();

async function answer(record: SQSRecord): Promise<void> {
  const job = generationJobFromRecord(record);
  const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
  const outcome = await generateReply(deps, { ...job, attempt }).catch((error: unknown) => {
    countMetric(METRIC.generationRetried);
    throw error;
  });
  countGenerationOutcome(outcome);
  logger.debug('generation record done', {
    conversationRef: conversationRef(job.tenantId, job.conversationId),
    outcome,
  });
}

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler((event, context) =>
    processPartialResponse(event, logRecordFailures('generation', answer), processor, {
      context,
      skipGroupOnError: true,
      throwOnFullBatchFailure: false,
    }),
  );
