/** The ingester Lambda: consumes the ingestion queue and indexes documents. */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ingestionJobFromRecord } from '#lib/adapters/aws/sqs-queues';
import { LibraryDocumentReader } from '#lib/adapters/documents/document-reader';
import { SafeUrlFetcher } from '#lib/adapters/http/url-fetcher';
import { ingestDocument } from '#lib/app/knowledge/ingest-document';
import { loadConfig } from '#lib/config';
import { composeCore } from '#functions/composition/core';
import { composeKnowledge } from '#functions/composition/knowledge';
import { composeModels } from '#functions/composition/models';
import { logger } from '#functions/logger';
import { logRecordFailures } from '#functions/record-failures';
import { countMetric, METRIC, metrics } from '#functions/metrics';

const config = loadConfig();
// Only this function parses documents and fetches URLs, so only its bundle carries the parsers.
const deps = {
  ...composeCore(config, logger),
  ...(await composeModels(config, logger)),
  ...composeKnowledge(config),
  reader: new LibraryDocumentReader(),
  fetcher: new SafeUrlFetcher({ policy: config.webhookTargets, allowHttp: config.allowHttpWebhooks }),
};
const processor = new BatchProcessor(EventType.SQS);

async function ingest(record: SQSRecord): Promise<void> {
  const job = ingestionJobFromRecord(record);
  const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
  const outcome = await ingestDocument(deps, { ...job, attempt });
  if (outcome === 'ready') countMetric(METRIC.documentsIndexed);
  if (outcome === 'failed') countMetric(METRIC.documentsFailed);
  logger.info('document ingested', { documentId: job.documentId, outcome });
}

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler((event, context) =>
    processPartialResponse(event, logRecordFailures('ingestion', ingest), processor, { context }),
  );
