/**
 * What Lambda would hand a function: SQS records built from SQS API messages, the invocation
 * `Context`, and how a batch response's failures are read. Used by the local runtime's pollers and
 * its API Gateway stand-in, so the handlers get the very shapes they get in AWS.
 */
import { randomUUID } from 'node:crypto';
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { Context, SQSMessageAttributes, SQSRecord } from 'aws-lambda';

/** The account id local ARNs carry. */
export const LOCAL_ACCOUNT_ID = '000000000000';
/**
 * The ids Lambda would treat as failed, given the handler's response: none for an empty or absent
 * response, the reported ones for a well-formed one, and the whole batch for a malformed one (an
 * empty, missing or unknown itemIdentifier), as the event source mapping does.
 */
export function failedMessageIds(response: unknown, records: SQSRecord[]): Set<string> {
  const all = new Set(records.map((r) => r.messageId));
  if (response === undefined || response === null) return new Set();
  const failures: unknown = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return all;
  const failed = new Set<string>();
  for (const failure of failures) {
    const id: unknown = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) return all;
    failed.add(id);
  }
  return failed;
}

/** An SQS API message as the Lambda event source mapping hands it to a function. */
export function toSqsRecord(message: Message, eventSourceARN: string, awsRegion: string): SQSRecord {
  const a = message.Attributes ?? {};
  const record: SQSRecord = {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? LOCAL_ACCOUNT_ID,
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(a.SequenceNumber !== undefined && { SequenceNumber: a.SequenceNumber }),
      ...(a.MessageGroupId !== undefined && { MessageGroupId: a.MessageGroupId }),
      ...(a.MessageDeduplicationId !== undefined && { MessageDeduplicationId: a.MessageDeduplicationId }),
      ...(a.AWSTraceHeader !== undefined && { AWSTraceHeader: a.AWSTraceHeader }),
      ...(a.DeadLetterQueueSourceArn !== undefined && { DeadLetterQueueSourceArn: a.DeadLetterQueueSourceArn }),
    },
    messageAttributes: toRecordAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion,
  };
  if (message.MD5OfMessageAttributes) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

/** SQS API attributes are PascalCase with binary as bytes; Lambda's are camelCase with base64. */
function toRecordAttributes(attributes: Record<string, MessageAttributeValue> | undefined): SQSMessageAttributes {
  const result: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    result[name] = {
      dataType: value.DataType ?? 'String',
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map(toBase64),
      ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
      ...(value.BinaryValue !== undefined && { binaryValue: toBase64(value.BinaryValue) }),
    };
  }
  return result;
}

function toBase64(bytes: Uint8Array | string): string {
  return typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('base64');
}

/** The `Context` a Lambda invocation receives, for a function run locally. */
export function createLambdaContext(functionName: string, region: string, timeoutSeconds: number): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const noop = (): void => undefined;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${new Date().toISOString().slice(0, 10)}/${randomUUID()}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: noop,
    fail: noop,
    succeed: noop,
  };
}

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` → `arn:aws:sqs:<region>:<account>:<name>`. */
export function queueArnFromUrl(queueUrl: string, region: string): string {
  const [account = LOCAL_ACCOUNT_ID, name = 'queue'] = new URL(queueUrl).pathname.split('/').filter(Boolean);
  return `arn:aws:sqs:${region}:${account}:${name}`;
}

export function queueNameFromArn(queueArn: string): string {
  return queueArn.split(':').at(-1) ?? 'queue';
}
