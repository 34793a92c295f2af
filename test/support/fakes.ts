/**
 * In-memory fakes of the ports, for unit tests of use cases and of the HTTP edge. Each records what
 * it was asked, so tests assert on behaviour rather than on calls into mocks.
 */
import type { Deps } from '#lib/app/deps';
import type { ModelReply, ReplyRequest } from '#lib/domain/reply';
import { KnowledgeIndexCache } from '#lib/app/knowledge/knowledge-index';
import type { ChatModel } from '#lib/ports/chat-model';
import type { DeliveryJob, DeliveryQueue, WebhookRequest, WebhookResult, WebhookSender } from '#lib/ports/deliveries';
import type { DomainEvent, EventPublisher } from '#lib/ports/events';
import type { GenerationJob, GenerationQueue } from '#lib/ports/generation';
import type { EvaluationJob, EvaluationQueue } from '#lib/ports/evaluations';
import type { BlobStore, IngestionJob, IngestionQueue } from '#lib/ports/knowledge';
import type { Clock, IdGenerator, Logger } from '#lib/ports/system';
import type { TimerPayload, TimerScheduler } from '#lib/ports/timers';
import { createMemoryStores, type MemoryStores } from '#test/support/memory/memory-stores';

export class FakeClock implements Clock {
  constructor(private current = new Date('2026-11-27T10:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Predictable, increasing ids: `msg_0001`, `msg_0002`… (sortable like the real ones). */
export class SequentialIds implements IdGenerator {
  private n = 0;
  newId(prefix: string): string {
    this.n++;
    return `${prefix}_${String(this.n).padStart(4, '0')}`;
  }
  randomSecret(bytes: number): string {
    this.n++;
    return Buffer.alloc(bytes, this.n % 256).toString('base64');
  }
}

export class RecordingGenerationQueue implements GenerationQueue {
  readonly jobs: GenerationJob[] = [];
  readonly deferred: { receiptHandle: string; seconds: number }[] = [];
  async enqueueGeneration(job: GenerationJob): Promise<void> {
    this.jobs.push(job);
  }
  async deferRecord(receiptHandle: string, seconds: number): Promise<void> {
    this.deferred.push({ receiptHandle, seconds });
  }
}

export class RecordingDeliveryQueue implements DeliveryQueue {
  readonly jobs: { job: DeliveryJob; delaySeconds: number }[] = [];
  async enqueueDelivery(job: DeliveryJob, delaySeconds = 0): Promise<void> {
    this.jobs.push({ job, delaySeconds });
  }
}

/** Answers with a fixed reply unless told otherwise; can fail on demand. */
/** The smallest reply request: one prospect message, no history, for tests of model adapters. */
export const HELLO_REQUEST: ReplyRequest = Object.freeze({
  ai: { name: 'Ava', type: 'support' },
  contact: {},
  outputFormat: 'text',
  history: [],
  pending: [{ role: 'prospect', text: 'Hello?', at: '2026-01-01T00:00:00.000Z' }],
  now: '2026-01-01T00:00:00.000Z',
}) as ReplyRequest;

/** The reply a model that knows nothing better gives: it echoes the prospect's pending messages. */
export function answerTo(request: ReplyRequest): ModelReply {
  return {
    text: `Answer to: ${request.pending.map((t) => t.text).join(' / ')}`,
    needsHuman: false,
    reason: null,
    followUpAt: null,
    language: 'en',
    confidence: 'high',
    escalation: 'none',
    citations: [],
  };
}

export class ScriptedChatModel implements ChatModel {
  readonly requests: ReplyRequest[] = [];
  private script: ((request: ReplyRequest) => ModelReply | Promise<ModelReply>)[] = [];
  async generateReply(request: ReplyRequest): Promise<ModelReply> {
    this.requests.push(request);
    const next = this.script.shift();
    if (next) return next(request);
    return answerTo(request);
  }
  /** Queues the behaviour of the next call. */
  nextReply(step: (request: ReplyRequest) => ModelReply | Promise<ModelReply>): this {
    this.script.push(step);
    return this;
  }
  failNext(error = new Error('model unavailable')): this {
    return this.nextReply(() => {
      throw error;
    });
  }
}

export class RecordingWebhookSender implements WebhookSender {
  readonly sent: WebhookRequest[] = [];
  private results: WebhookResult[] = [];
  async send(request: WebhookRequest): Promise<WebhookResult> {
    this.sent.push(request);
    return this.results.shift() ?? { ok: true, statusCode: 200 };
  }
  /** The next attempts' results, in order; afterwards every attempt succeeds. */
  respondWith(...results: WebhookResult[]): this {
    this.results.push(...results);
    return this;
  }
}

/** Keeps every published event, in order; can fail on demand like an unavailable bus. */
export class RecordingEventPublisher implements EventPublisher {
  readonly published: DomainEvent[] = [];
  private failures: Error[] = [];
  async publish(events: DomainEvent[]): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.published.push(...events);
  }
  /** The next call throws without publishing anything. */
  failNext(error = new Error('event bus unavailable')): this {
    this.failures.push(error);
    return this;
  }
  /** The published events of one type. */
  ofType(type: DomainEvent['type']): DomainEvent[] {
    return this.published.filter((e) => e.type === type);
  }
}

export class SilentLogger implements Logger {
  readonly lines: { level: string; message: string; extra: Record<string, unknown>[] }[] = [];
  debug(message: string, ...extra: Record<string, unknown>[]) {
    this.lines.push({ level: 'debug', message, extra });
  }
  info(message: string, ...extra: Record<string, unknown>[]) {
    this.lines.push({ level: 'info', message, extra });
  }
  warn(message: string, ...extra: Record<string, unknown>[]) {
    this.lines.push({ level: 'warn', message, extra });
  }
  error(message: string, ...extra: Record<string, unknown>[]) {
    this.lines.push({ level: 'error', message, extra });
  }
}

export class RecordingIngestionQueue implements IngestionQueue {
  readonly jobs: IngestionJob[] = [];
  async enqueueIngestion(job: IngestionJob): Promise<void> {
    this.jobs.push(job);
  }
}

export class RecordingEvaluationQueue implements EvaluationQueue {
  readonly jobs: EvaluationJob[] = [];
  private failures: Error[] = [];
  async enqueueEvaluation(job: EvaluationJob): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.jobs.push(job);
  }
  /** The next send fails with `error`, as an unreachable queue would. */
  failNext(error = new Error('queue unavailable')): this {
    this.failures.push(error);
    return this;
  }
}

/** Blobs in a Map, copied in and out like a real store. */
export class MemoryBlobStore implements BlobStore {
  readonly blobs = new Map<string, { body: Uint8Array; contentType: string }>();
  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    this.blobs.set(key, { body: new Uint8Array(body), contentType });
  }
  async get(key: string): Promise<Uint8Array | undefined> {
    const blob = this.blobs.get(key);
    return blob ? new Uint8Array(blob.body) : undefined;
  }
  async deletePrefix(prefix: string): Promise<void> {
    for (const key of [...this.blobs.keys()]) if (key.startsWith(prefix)) this.blobs.delete(key);
  }
}

/**
 * Timers as EventBridge Scheduler keeps them: one pending timer per name, replaced by scheduling
 * again, gone when cancelled. `fire` hands a pending timer's payload to a test, as Scheduler would.
 */
export class RecordingTimerScheduler implements TimerScheduler {
  readonly pending = new Map<string, { at: Date; payload: TimerPayload }>();
  readonly cancelled: string[] = [];
  async schedule(timer: { name: string; at: Date; payload: TimerPayload }): Promise<void> {
    this.pending.set(timer.name, { at: timer.at, payload: { ...timer.payload } });
  }
  async cancel(name: string): Promise<void> {
    this.cancelled.push(name);
    this.pending.delete(name);
  }
  /** The pending timer of this kind (there is at most one per conversation and kind in a test). */
  ofKind(kind: TimerPayload['kind']): { name: string; at: Date; payload: TimerPayload } | undefined {
    for (const [name, timer] of this.pending) if (timer.payload.kind === kind) return { name, ...timer };
    return undefined;
  }
  /** Removes the timer and returns its payload, as Scheduler does when it fires. */
  take(kind: TimerPayload['kind']): TimerPayload {
    const timer = this.ofKind(kind);
    if (!timer) throw new Error(`no pending ${kind} timer`);
    this.pending.delete(timer.name);
    return timer.payload;
  }
}

export interface FakeDeps extends Omit<Deps, keyof MemoryStores>, MemoryStores {
  generationQueue: RecordingGenerationQueue;
  deliveryQueue: RecordingDeliveryQueue;
  ingestionQueue: RecordingIngestionQueue;
  evaluationQueue: RecordingEvaluationQueue;
  blobs: MemoryBlobStore;
  timers: RecordingTimerScheduler;
  chatModel: ScriptedChatModel;
  webhookSender: RecordingWebhookSender;
  events: RecordingEventPublisher;
  clock: FakeClock;
  ids: SequentialIds;
  logger: SilentLogger;
}

export function makeFakeDeps(overrides: Partial<Deps> = {}): FakeDeps {
  return {
    ...createMemoryStores(),
    generationQueue: new RecordingGenerationQueue(),
    deliveryQueue: new RecordingDeliveryQueue(),
    ingestionQueue: new RecordingIngestionQueue(),
    evaluationQueue: new RecordingEvaluationQueue(),
    blobs: new MemoryBlobStore(),
    knowledgeIndex: new KnowledgeIndexCache(),
    timers: new RecordingTimerScheduler(),
    chatModel: new ScriptedChatModel(),
    webhookSender: new RecordingWebhookSender(),
    events: new RecordingEventPublisher(),
    clock: new FakeClock(),
    ids: new SequentialIds(),
    logger: new SilentLogger(),
    webhookTargets: 'public',
    allowHttpWebhooks: true,
    ...overrides,
  } as FakeDeps;
}
