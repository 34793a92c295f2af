/**
 * The generation, delivery, ingestion and evaluation queues on SQS, and the readers the consuming Lambdas use
 * to turn a record back into a job. Queues carry ids only; the store holds the state.
 */
import { createHash } from 'node:crypto';
import { ChangeMessageVisibilityCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { ParleyError } from '#lib/domain/errors';
import type { DeliveryJob, DeliveryQueue } from '#lib/ports/deliveries';
import type { EvaluationJob, EvaluationQueue } from '#lib/ports/evaluations';
import type { GenerationJob, GenerationQueue } from '#lib/ports/generation';
import type { IngestionJob, IngestionQueue } from '#lib/ports/knowledge';

/**
 * What the queue adapters need of an SQS client: SendMessage and ChangeMessageVisibility (an
 * SQSClient, or the local runtime's in-process queues).
 */
export interface SqsSender {
  send(command: SendMessageCommand | ChangeMessageVisibilityCommand): Promise<unknown>;
}

/** The longest visibility timeout SQS accepts (12 hours). */
export const MAX_SQS_VISIBILITY_SECONDS = 12 * 3600;

/** The longest delay SQS accepts on a message. */
export const MAX_SQS_DELAY_SECONDS = 900;

/** What SQS accepts as a MessageGroupId or MessageDeduplicationId: 1–128 printable ASCII, no space. */
const SQS_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;

/**
 * Returns `value` if SQS accepts it as a group or deduplication id, else its sha256 hex (64
 * characters), so that any id (a 200-character or non-ASCII conversation id) maps to one stable,
 * valid SQS id.
 */
export function toSqsId(value: string): string {
  return SQS_ID_PATTERN.test(value) ? value : createHash('sha256').update(value).digest('hex');
}

/** FIFO generation queue: one message group per conversation, deduplicated on the message id. */
export class SqsGenerationQueue implements GenerationQueue {
  private readonly queueUrl: string;
  private readonly client: SqsSender;

  constructor(options: { queueUrl: string; client?: SqsSender }) {
    this.queueUrl = options.queueUrl;
    this.client = options.client ?? new SQSClient({});
  }

  async enqueueGeneration(job: GenerationJob): Promise<void> {
    const body: GenerationJob = {
      tenantId: job.tenantId,
      conversationId: job.conversationId,
      messageId: job.messageId,
    };
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(body),
        // One group per conversation: its messages are answered in order, conversations in parallel.
        MessageGroupId: toSqsId(`${job.tenantId}#${job.conversationId}`),
        // A client retry that re-queues the same message within SQS's 5-minute window is dropped.
        MessageDeduplicationId: toSqsId(job.messageId),
      }),
    );
  }

  /**
   * Hides a received record for `seconds` from now. FIFO has no per-message delay and drops a
   * re-send of the same deduplication id for 5 minutes, so a wait is the record's own visibility.
   */
  async deferRecord(receiptHandle: string, seconds: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.min(Math.max(0, Math.ceil(seconds)), MAX_SQS_VISIBILITY_SECONDS),
      }),
    );
  }
}

/** Standard delivery queue; the delay lets a delivery wait for its reply delay or retry backoff. */
export class SqsDeliveryQueue implements DeliveryQueue {
  private readonly queueUrl: string;
  private readonly client: SqsSender;

  constructor(options: { queueUrl: string; client?: SqsSender }) {
    this.queueUrl = options.queueUrl;
    this.client = options.client ?? new SQSClient({});
  }

  async enqueueDelivery(job: DeliveryJob, delaySeconds = 0): Promise<void> {
    const body: DeliveryJob = { tenantId: job.tenantId, deliveryId: job.deliveryId };
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(body),
        DelaySeconds: clampDelaySeconds(delaySeconds),
      }),
    );
  }
}

/**
 * Standard ingestion queue: one record per upload to index. No ordering or deduplication is
 * needed: the ingester indexes an upload only while it is the document's latest, and redoing one
 * is harmless.
 */
export class SqsIngestionQueue implements IngestionQueue {
  private readonly queueUrl: string;
  private readonly client: SqsSender;

  constructor(options: { queueUrl: string; client?: SqsSender }) {
    this.queueUrl = options.queueUrl;
    this.client = options.client ?? new SQSClient({});
  }

  async enqueueIngestion(job: IngestionJob): Promise<void> {
    const body: IngestionJob = {
      tenantId: job.tenantId,
      knowledgeBaseId: job.knowledgeBaseId,
      documentId: job.documentId,
      uploadId: job.uploadId,
    };
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(body) }));
  }
}

/**
 * Standard evaluation queue: one record per run (or per continuation of one). No ordering or
 * deduplication is needed: results are recorded once per case, so a job done twice records nothing twice.
 * Without a queue URL (a function that runs no evaluations) sending fails, saying so.
 */
export class SqsEvaluationQueue implements EvaluationQueue {
  private readonly queueUrl: string | undefined;
  private readonly client: SqsSender;

  constructor(options: { queueUrl: string | undefined; client?: SqsSender }) {
    this.queueUrl = options.queueUrl;
    this.client = options.client ?? new SQSClient({});
  }

  async enqueueEvaluation(job: EvaluationJob): Promise<void> {
    if (!this.queueUrl)
      throw new Error('this function has no evaluation queue (PARLEY_EVALUATION_QUEUE_URL is not set)');
    const body: EvaluationJob = { tenantId: job.tenantId, aiId: job.aiId, setId: job.setId, runId: job.runId };
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(body) }));
  }
}

/** Rounds a delay to whole seconds within what SQS accepts (0–900); longer waits are re-queued by the consumer. */
export function clampDelaySeconds(delaySeconds: number): number {
  if (!Number.isFinite(delaySeconds)) return delaySeconds > 0 ? MAX_SQS_DELAY_SECONDS : 0;
  return Math.min(Math.max(0, Math.round(delaySeconds)), MAX_SQS_DELAY_SECONDS);
}

/** A queue record whose body is not the job it should be; retrying it cannot help. */
export class MalformedJobError extends ParleyError {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedJobError';
  }
}

/**
 * Reads a JSON object from a record body and checks that each named field is a non-empty string.
 * Throws MalformedJobError naming the record and the first problem found.
 */
export function parseJobBody<K extends string>(
  body: string,
  fields: readonly K[],
  messageId = 'unknown',
): Record<K, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new MalformedJobError(`queue record ${messageId}: body is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MalformedJobError(`queue record ${messageId}: body is not a JSON object`);
  }
  const job = {} as Record<K, string>;
  for (const field of fields) {
    const value = (parsed as Record<string, unknown>)[field];
    if (typeof value !== 'string' || value.length === 0) {
      throw new MalformedJobError(`queue record ${messageId}: field "${field}" must be a non-empty string`);
    }
    job[field] = value;
  }
  return job;
}

/** The generation job carried by a record of the generation queue. */
export function generationJobFromRecord(record: Pick<SQSRecord, 'body' | 'messageId'>): GenerationJob {
  const job = parseJobBody(record.body, ['tenantId', 'conversationId', 'messageId'], record.messageId);
  return { tenantId: job.tenantId, conversationId: job.conversationId, messageId: job.messageId };
}

/** The delivery job carried by a record of the delivery queue. */
export function deliveryJobFromRecord(record: Pick<SQSRecord, 'body' | 'messageId'>): DeliveryJob {
  const job = parseJobBody(record.body, ['tenantId', 'deliveryId'], record.messageId);
  return { tenantId: job.tenantId, deliveryId: job.deliveryId };
}

/** The ingestion job carried by a record of the ingestion queue. */
export function ingestionJobFromRecord(record: Pick<SQSRecord, 'body' | 'messageId'>): IngestionJob {
  const job = parseJobBody(record.body, ['tenantId', 'knowledgeBaseId', 'documentId', 'uploadId'], record.messageId);
  return {
    tenantId: job.tenantId,
    knowledgeBaseId: job.knowledgeBaseId,
    documentId: job.documentId,
    uploadId: job.uploadId,
  };
}

/** The evaluation job carried by a record of the evaluation queue. */
export function evaluationJobFromRecord(record: Pick<SQSRecord, 'body' | 'messageId'>): EvaluationJob {
  const job = parseJobBody(record.body, ['tenantId', 'aiId', 'setId', 'runId'], record.messageId);
  return { tenantId: job.tenantId, aiId: job.aiId, setId: job.setId, runId: job.runId };
}
