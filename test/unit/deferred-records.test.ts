import { describe, expect, it } from '@jest/globals';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { deferSkippedRecords } from '#functions/deferred-records';
import { RecordingGenerationQueue } from '#test/support/fakes';

function record(messageId: string, group: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body: '{}',
    attributes: { MessageGroupId: group } as SQSRecord['attributes'],
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:parley-generation.fifo',
    awsRegion: 'us-east-1',
  };
}

describe('deferSkippedRecords', () => {
  it("defers the failed records of a waiting record's group as long as it, and nothing else", async () => {
    const queue = new RecordingGenerationQueue();
    const event: SQSEvent = {
      Records: [record('waiting', 'alice'), record('skipped', 'alice'), record('failed', 'bob'), record('ok', 'carol')],
    };
    const failures = ['waiting', 'skipped', 'failed'].map((itemIdentifier) => ({ itemIdentifier }));

    await deferSkippedRecords(queue, event, { batchItemFailures: failures }, new Map([['waiting', 8]]));

    expect(queue.deferred).toEqual([{ receiptHandle: 'handle-skipped', seconds: 8 }]);
  });
});
