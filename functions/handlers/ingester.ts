/** The ingester function's handler: consumes the ingestion queue and indexes documents. */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ingestionJobFromRecord } from '#lib/adapters/aws/sqs-queues';
import { type IngestionDeps, ingestDocument } from '#lib/app/knowledge/ingest-document';
import type { LambdaHandler } from '#functions/handlers/lambda-handler';
import { logger } from '#functions/logger';
import { countMetric, METRIC, metrics } from '#functions/metrics';
import { logRecordFailures } from '#functions/record-failures';

/** What indexing a document takes: storage, the embedder, the parsers and the URL fetcher. */
export type IngesterDeps = IngestionDeps;

export type IngesterHandler = LambdaHandler<SQSEvent, SQSBatchResponse>;

export function createIngesterHandler(deps: IngesterDeps): IngesterHandler {
  const processor = new BatchProcessor(EventType.SQS);

  async function ingest(record: SQSRecord): Promise<void> {
    const job = ingestionJobFromRecord(record);
    const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
    const outcome = await ingestDocument(deps, { ...job, attempt });
    if (outcome === 'ready') countMetric(METRIC.documentsIndexed);
    if (outcome === 'failed') countMetric(METRIC.documentsFailed);
    logger.info('document ingested', { documentId: job.documentId, outcome });
  }

  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler((event, context) =>
      processPartialResponse(event, logRecordFailures('ingestion', ingest), processor, { context }),
    );
}
