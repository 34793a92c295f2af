import type { SQSRecord } from 'aws-lambda';
import { logger } from '#functions/logger';

/**
 * `handle`, logging why a record failed before the batch processor reports it for redelivery. The
 * processor keeps the error to itself, so without this a record that fails on every receive (a
 * missing permission, a bad body) reaches its dead-letter queue with nothing in the logs to say why.
 * The error's name and message are logged, never the record's body. A record that `isWait` says
 * is only waiting (a busy model) is not a failure and is not logged here.
 */
export function logRecordFailures(
  queue: 'generation' | 'delivery' | 'ingestion' | 'evaluation',
  handle: (record: SQSRecord) => Promise<void>,
  isWait: (error: unknown) => boolean = () => false,
): (record: SQSRecord) => Promise<void> {
  return async (record) => {
    try {
      await handle(record);
    } catch (error) {
      if (isWait(error)) throw error;
      logger.error(`${queue} record failed; SQS will deliver it again`, {
        messageId: record.messageId,
        receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
        error,
      });
      throw error;
    }
  };
}
