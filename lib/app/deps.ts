import type { MaaxMessageStore } from '#lib/app/maax/message-store';
import type { WebhookTargetPolicy } from '#lib/domain/webhook-url';
import type { AiStore } from '#lib/ports/ais';
import type { ChatModel } from '#lib/ports/chat-model';
import type { ConversationStore } from '#lib/ports/conversations';
import type { DeliveryQueue, DeliveryStore, WebhookSender } from '#lib/ports/deliveries';
import type { EvaluationQueue } from '#lib/ports/evaluations';
import type { EventPublisher } from '#lib/ports/events';
import type { GenerationQueue } from '#lib/ports/generation';
import type { IdempotencyStore } from '#lib/ports/idempotency';
import type { BlobStore, Embedder, IngestionQueue, KnowledgeIndex, KnowledgeStore } from '#lib/ports/knowledge';
import type { MigrationStore } from '#lib/ports/migrations';
import type { PendingWorkStore } from '#lib/ports/pending-work';
import type { SetupStore } from '#lib/ports/setup';
import type { Clock, IdGenerator, Logger } from '#lib/ports/system';
import type { TenantStore } from '#lib/ports/tenants';
import type { TestSetStore } from '#lib/ports/test-sets';
import type { TimerScheduler, TimerStore } from '#lib/ports/timers';

/**
 * The stores, one per aggregate, under the keys every composition root and use case shares
 * (`createDynamoStores` in AWS and locally, `createMemoryStores` in tests).
 */
export interface Stores {
  tenants: TenantStore;
  ais: AiStore;
  setup: SetupStore;
  conversations: ConversationStore;
  deliveries: DeliveryStore;
  /** The local runtime's timers (EventBridge Scheduler keeps them in AWS). */
  timerStore: TimerStore;
  knowledge: KnowledgeStore;
  idempotency: IdempotencyStore;
  /** What the recovery sweep finds still waiting, across aggregates. */
  pendingWork: PendingWorkStore;
  /** The Maax-compatible API's index of its messages by id. */
  maaxMessages: MaaxMessageStore;
  /** One-off data migrations' progress (the inbox backfill). */
  migrations: MigrationStore;
  /** Test sets (evaluations): sets, their cases and runs, and the copies of conversations they hold. */
  testSets: TestSetStore;
}

/** Everything the use cases may need, as named ports; each use case picks the keys it uses. */
export interface Deps extends Stores {
  generationQueue: GenerationQueue;
  deliveryQueue: DeliveryQueue;
  ingestionQueue: IngestionQueue;
  /** Test-set runs waiting for the evaluator. */
  evaluationQueue: EvaluationQueue;
  chatModel: ChatModel;
  /** Semantic search's embeddings; absent without an OpenAI key (retrieval is then lexical only). */
  embedder?: Embedder;
  /** Document originals and passages. */
  blobs: BlobStore;
  /** Search indexes kept warm between invocations. */
  knowledgeIndex: KnowledgeIndex;
  /** One-time timers for follow-ups and nudges (EventBridge Scheduler in AWS, the store locally). */
  timers: TimerScheduler;
  webhookSender: WebhookSender;
  /** Domain events (EventBridge in AWS, a JSON-lines log locally), published at least once. */
  events: EventPublisher;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** Which webhook targets may be configured (see WebhookTargetPolicy). */
  webhookTargets: WebhookTargetPolicy;
  /** Whether http webhook and document URLs may be configured under the `public` and `private` policies. */
  allowHttpWebhooks: boolean;
  /** How long a busy model is waited out before `model_unavailable`; MODEL_FAULT_BUDGET_MS when absent. */
  modelFaultBudgetMs?: number;
}
