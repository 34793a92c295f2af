import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { GenerationQueue } from '#lib/ports/generation';

/**
 * Defers the records the FIFO processor skipped behind a waiting one (the rest of its
 * conversation's group in this batch) as long as it: left at the queue's visibility timeout
 * (6 minutes in the stack), they would hold the group back long after the wait.
 * @param waits seconds each waiting record was deferred, by message id (those are not deferred again)
 */
export async function deferSkippedRecords(
  queue: Pick<GenerationQueue, 'deferRecord'>,
  event: SQSEvent,
  response: SQSBatchResponse,
  waits: ReadonlyMap<string, number>,
): Promise<void> {
  const groupWaits = new Map<string | undefined, number>();
  for (const record of event.Records) {
    const seconds = waits.get(record.messageId);
    if (seconds !== undefined) groupWaits.set(record.attributes.MessageGroupId, seconds);
  }
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  for (const record of event.Records) {
    const seconds = groupWaits.get(record.attributes.MessageGroupId);
    if (seconds === undefined || waits.has(record.messageId) || !failed.has(record.messageId)) continue;
    await queue.deferRecord(record.receiptHandle, seconds);
  }
}
