/**
 * The one definition of every queue setting: per queue, what the deployed stack (infra/) gives its
 * SQS queue and event source mapping, and what the local runtime (local/runtime.ts) gives its
 * in-process queue where it differs on purpose, with the reason next to it. The stack, the local
 * runtime, the fauxqs queue layout, the recovery sweep and the tests all read it from here.
 */
import { MAX_EVALUATION_ATTEMPTS } from '#lib/domain/limits/evaluation-runs';
import { MAX_GENERATION_ATTEMPTS } from '#lib/domain/limits/generation';
import { MAX_MODEL_FAULT_WAITS } from '#lib/domain/model-faults';

/** The queues Parley consumes. */
export type QueueName = 'generation' | 'delivery' | 'ingestion' | 'evaluation';

/** A queue and its consumer as deployed. */
export interface DeployedQueueSettings {
  /** The consuming Lambda's timeout; the visibility timeout is sized against it. */
  readonly lambdaTimeoutSeconds: number;
  /** How long a received record stays invisible. */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a record moves to the queue's dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Records per invocation (the default, where the stack's config can change it). */
  readonly batchSize: number;
  /** Invocations at once: the event source mapping's maximum concurrency (the default, where configurable). */
  readonly maxConcurrency: number;
}

/** The same queue in the local runtime; every value here differs from the deployed one on purpose. */
export interface LocalQueueSettings {
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  readonly batchSize: number;
  /** Invocations at once; an invocation is a pending promise in one node process. */
  readonly concurrency: number;
  /** When set, a failed record comes back after this many seconds rather than its visibility timeout. */
  readonly failureVisibilityTimeoutSeconds?: number;
}

/**
 * AWS's advice for a queue that feeds a Lambda: visibility ≥ 6 × the function timeout, so records
 * whose invocation was throttled or retried are not received again while still being worked on.
 */
const VISIBILITY_PER_LAMBDA_TIMEOUT = 6;

/** Dead letters are kept as long as SQS allows, so an operator back from a holiday can still redrive them. */
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 60 * 60;

const GENERATOR_TIMEOUT_SECONDS = 60;
const DELIVERY_TIMEOUT_SECONDS = 30;
const INGESTER_TIMEOUT_SECONDS = 5 * 60;
/**
 * Ten minutes: a run answers its cases one after another, and a busy model is waited out in the
 * function (no prospect is waiting), so the longer a job lives the fewer continuations a run needs.
 */
const EVALUATOR_TIMEOUT_SECONDS = 10 * 60;

/**
 * Receives of a generation record before it goes to its DLQ: the generator's own failed attempts
 * (after MAX_GENERATION_ATTEMPTS it marks the messages failed and the record is done) plus every
 * wait for a busy model a reply can take within its budget (MAX_MODEL_FAULT_WAITS), since each
 * wait is one more receive. SQS's default of 5 would send a record to the DLQ after four 429s; 20
 * lets ten minutes of them pass. The cost: a record that fails before the use case can count (a
 * malformed body) takes 20 receives to reach the DLQ.
 */
export const GENERATION_MAX_RECEIVE_COUNT = MAX_GENERATION_ATTEMPTS + MAX_MODEL_FAULT_WAITS;

/** Receives of a delivery record before its DLQ: not fewer than the generator's own attempt limit. */
export const DELIVERY_MAX_RECEIVE_COUNT = Math.max(5, MAX_GENERATION_ATTEMPTS);

/**
 * Receives of an ingestion record before its DLQ. Fewer than the other queues': a document that
 * failed to read three times will not read on the fourth, and each attempt may cost a full minute
 * of parsing and embedding.
 */
export const INGESTION_MAX_RECEIVE_COUNT = 3;

/**
 * Receives of an evaluation record before its DLQ: one more than MAX_EVALUATION_ATTEMPTS, whose
 * last receive finishes the run (its unrun cases failed) instead of trying them again, so a run
 * ends even when its job crashes every time; the DLQ only gets a record whose run could not even
 * be finished (the store unreachable), and its alarm calls an operator.
 */
export const EVALUATION_MAX_RECEIVE_COUNT = MAX_EVALUATION_ATTEMPTS + 1;

/** The deployed queues and their event source mappings. */
export const QUEUE_SETTINGS: Readonly<Record<QueueName, DeployedQueueSettings>> = Object.freeze({
  generation: {
    // One model call can take most of a minute on a slow completion.
    lambdaTimeoutSeconds: GENERATOR_TIMEOUT_SECONDS,
    visibilityTimeoutSeconds: VISIBILITY_PER_LAMBDA_TIMEOUT * GENERATOR_TIMEOUT_SECONDS,
    maxReceiveCount: GENERATION_MAX_RECEIVE_COUNT,
    // Records of a batch are answered one after another, each with a model call, within one timeout.
    batchSize: 1,
    // The cap that keeps the OpenAI account within its rate limits.
    maxConcurrency: 5,
  },
  delivery: {
    // A batch of webhooks is sent in parallel, each with a 15 s timeout.
    lambdaTimeoutSeconds: DELIVERY_TIMEOUT_SECONDS,
    visibilityTimeoutSeconds: VISIBILITY_PER_LAMBDA_TIMEOUT * DELIVERY_TIMEOUT_SECONDS,
    maxReceiveCount: DELIVERY_MAX_RECEIVE_COUNT,
    // Sent in parallel, so a batch costs about one webhook's time.
    batchSize: 10,
    maxConcurrency: 10,
  },
  ingestion: {
    // A 10 MB PDF: parsing, and embedding a few minutes at worst.
    lambdaTimeoutSeconds: INGESTER_TIMEOUT_SECONDS,
    visibilityTimeoutSeconds: VISIBILITY_PER_LAMBDA_TIMEOUT * INGESTER_TIMEOUT_SECONDS,
    maxReceiveCount: INGESTION_MAX_RECEIVE_COUNT,
    // One document per invocation: a large PDF may take most of the timeout on its own.
    batchSize: 1,
    // Each ingester embeds a document in batches, so this caps the load on the OpenAI account.
    maxConcurrency: 5,
  },
  evaluation: {
    lambdaTimeoutSeconds: EVALUATOR_TIMEOUT_SECONDS,
    visibilityTimeoutSeconds: VISIBILITY_PER_LAMBDA_TIMEOUT * EVALUATOR_TIMEOUT_SECONDS,
    maxReceiveCount: EVALUATION_MAX_RECEIVE_COUNT,
    // One run per invocation: its cases fill the timeout.
    batchSize: 1,
    // The lowest SQS allows: runs are a business's checks, and must not take the model's rate
    // limit from prospects' answers (the generator's five).
    maxConcurrency: 2,
  },
});

/**
 * A failed record comes back this soon locally (rather than after its visibility timeout): quick
 * retries on a laptop, where nobody wants to wait minutes to see a fix work.
 */
const LOCAL_FAILURE_VISIBILITY_SECONDS = 5;

/**
 * The local runtime's queues. Its visibility timeouts are shorter than the stack's because the
 * reason for AWS's six times (an invocation throttled or retried by Lambda while its record is
 * out) does not exist in one process: a record only needs to stay hidden while one invocation
 * works on it, and a shorter visibility brings a record whose invocation crashed back sooner.
 * Receive counts and batch sizes are the stack's.
 */
export const LOCAL_QUEUE_SETTINGS: Readonly<Record<QueueName, LocalQueueSettings>> = Object.freeze({
  generation: {
    // Two generator timeouts: room for a slow model, no more.
    visibilityTimeoutSeconds: 2 * GENERATOR_TIMEOUT_SECONDS,
    maxReceiveCount: QUEUE_SETTINGS.generation.maxReceiveCount,
    batchSize: QUEUE_SETTINGS.generation.batchSize,
    // Lambda scales out per conversation (one FIFO group each). An invocation here is a pending
    // promise, mostly waiting on the model, so 100 costs nothing idle and lets 100 conversations
    // wait on a slow model together instead of queueing behind each other.
    concurrency: 100,
    failureVisibilityTimeoutSeconds: LOCAL_FAILURE_VISIBILITY_SECONDS,
  },
  delivery: {
    // Longer than a delivery's send lease (60 s), so a record is never worked on twice at once.
    visibilityTimeoutSeconds: 90,
    maxReceiveCount: QUEUE_SETTINGS.delivery.maxReceiveCount,
    batchSize: QUEUE_SETTINGS.delivery.batchSize,
    // Four batches of ten parallel sends are plenty for one laptop's webhook receivers. No failure
    // visibility: a failed delivery is re-queued with its own backoff delay by the use case.
    concurrency: 4,
  },
  ingestion: {
    // One ingester timeout: time enough to read and embed a 10 MB PDF once.
    visibilityTimeoutSeconds: INGESTER_TIMEOUT_SECONDS,
    maxReceiveCount: QUEUE_SETTINGS.ingestion.maxReceiveCount,
    batchSize: QUEUE_SETTINGS.ingestion.batchSize,
    // Parsing is CPU-bound and the machine has few cores.
    concurrency: 2,
    failureVisibilityTimeoutSeconds: LOCAL_FAILURE_VISIBILITY_SECONDS,
  },
  evaluation: {
    // One evaluator timeout: a record is worked on by one invocation at a time.
    visibilityTimeoutSeconds: EVALUATOR_TIMEOUT_SECONDS,
    maxReceiveCount: QUEUE_SETTINGS.evaluation.maxReceiveCount,
    batchSize: QUEUE_SETTINGS.evaluation.batchSize,
    concurrency: QUEUE_SETTINGS.evaluation.maxConcurrency,
    failureVisibilityTimeoutSeconds: LOCAL_FAILURE_VISIBILITY_SECONDS,
  },
});
