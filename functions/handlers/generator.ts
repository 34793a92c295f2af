/** The generator function's handler: consumes the FIFO generation queue and answers conversations. */
import middy from '@middy/core';
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { generationJobFromRecord, MalformedJobError } from '#lib/adapters/aws/sqs-queues';
import type { Deps } from '#lib/app/deps';
import { generateReply, ReplyDeferredError } from '#lib/app/generate-reply';
import { conversationRef } from '#lib/domain/conversation-ref';
import { deferSkippedRecords } from '#functions/deferred-records';
import type { LambdaHandler } from '#functions/handlers/lambda-handler';
import { logger } from '#functions/logger';
import { countGenerationOutcome, countMetric, METRIC, metrics } from '#functions/metrics';
import { logRecordFailures } from '#functions/record-failures';

/** What answering takes, and the generation queue, whose records a wait hides for its length. */
export type GeneratorDeps = Parameters<typeof generateReply>[0] & Pick<Deps, 'generationQueue'>;

export type GeneratorHandler = LambdaHandler<SQSEvent, SQSBatchResponse>;

export function createGeneratorHandler(deps: GeneratorDeps): GeneratorHandler {
  // A failed record fails only the rest of its own conversation's records, so other prospects wait for nothing.
  const processor = new SqsFifoPartialProcessorAsync();

  /**
   * Answers one record. A reply that waits for a busy model hides its record for the wait before it
   * is reported failed, so it comes back then rather than at once, and notes the wait in `waits`.
   */
  async function answer(record: SQSRecord, waits: Map<string, number>): Promise<void> {
    const job = await readJob(record);
    const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
    const outcome = await generateReply(deps, { ...job, attempt }).catch(async (error: unknown) => {
      if (error instanceof ReplyDeferredError) {
        await deps.generationQueue.deferRecord(record.receiptHandle, error.waitSeconds);
        waits.set(record.messageId, error.waitSeconds);
        throw error;
      }
      countMetric(METRIC.generationRetried);
      throw error;
    });
    countGenerationOutcome(outcome);
    logger.debug('generation record done', {
      conversationRef: conversationRef(job.tenantId, job.conversationId),
      outcome,
    });
  }

  /**
   * The record's job. A record that is not one cannot get better by waiting: it is let back at once
   * rather than after the visibility timeout, so it reaches the DLQ after its receives (20, sized
   * for waiting out a busy model) in seconds, not in 20 × 6 minutes.
   */
  async function readJob(record: SQSRecord) {
    try {
      return generationJobFromRecord(record);
    } catch (error) {
      if (error instanceof MalformedJobError) await deps.generationQueue.deferRecord(record.receiptHandle, 0);
      throw error;
    }
  }

  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event, context) => {
      // Per invocation: the local runtime runs several invocations of this handler at once.
      const waits = new Map<string, number>();
      const response = await processPartialResponse(
        event,
        logRecordFailures(
          'generation',
          (record) => answer(record, waits),
          (error) => error instanceof ReplyDeferredError,
        ),
        processor,
        { context, skipGroupOnError: true, throwOnFullBatchFailure: false },
      );
      if (waits.size > 0) await deferSkippedRecords(deps.generationQueue, event, response, waits);
      return response;
    });
}
