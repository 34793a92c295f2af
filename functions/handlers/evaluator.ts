/** The evaluator function's handler: consumes the evaluation queue and answers test-set runs. */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { evaluationJobFromRecord } from '#lib/adapters/aws/sqs-queues';
import { type ProcessRunDeps, processRun } from '#lib/app/evaluations/process-run';
import type { LambdaHandler } from '#functions/handlers/lambda-handler';
import { logger } from '#functions/logger';
import { logRecordFailures } from '#functions/record-failures';

/** What answering a run takes: the test sets, the AI and its setup, knowledge and the chat model. */
export type EvaluatorDeps = ProcessRunDeps;

export type EvaluatorHandler = LambdaHandler<SQSEvent, SQSBatchResponse>;

export function createEvaluatorHandler(deps: EvaluatorDeps): EvaluatorHandler {
  const processor = new BatchProcessor(EventType.SQS);

  function evaluate(context: Context) {
    return async (record: SQSRecord): Promise<void> => {
      const job = evaluationJobFromRecord(record);
      const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
      const outcome = await processRun(deps, { ...job, attempt }, () => context.getRemainingTimeInMillis());
      logger.info('test-set run processed', { runId: job.runId, outcome, attempt });
    };
  }

  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler((event, context) =>
      processPartialResponse(event, logRecordFailures('evaluation', evaluate(context)), processor, { context }),
    );
}
