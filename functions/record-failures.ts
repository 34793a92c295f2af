import type { SQSRecord } from 'aws-lambda';
import { logger } from '#functions/logger';

/**
 * `handle`, logging why a record failed before the batch processor reports it for redelivery. The
 * processor keeps the error to itself, so without this a record that fails on every receive (a
 * missing permission, a bad body) reaches its dead-letter queue with nothing in the logs to say why.
 * The error's name and message are logged, never the record's body.
 */
export function logRecordFailures(
  queue: 'generation' | 'delivery' | 'ingestion',
  handle: (record: SQSRecord) => Promise<void>,
): (record: SQSRecord) => Promise<void> {
  return async (record) => {
    try {
      await handle(record);
    } catch (error) {
      logger.error(`${queue} record failed; SQS will deliver it again`, {
        messageId: record.messageId,
        receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
        error,
      });
      throw error;
    }
  };
}
