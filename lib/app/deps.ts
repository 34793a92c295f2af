import type {
  BlobStore,
  ChatModel,
  Clock,
  DeliveryQueue,
  Embedder,
  EventPublisher,
  GenerationQueue,
  IdGenerator,
  IngestionQueue,
  Logger,
  Store,
  TimerScheduler,
  WebhookSender,
} from '#lib/ports';
import type { WebhookTargetPolicy } from '#lib/domain/webhook-url';
import type { KnowledgeIndexCache } from '#lib/app/knowledge/knowledge-index';

/** Everything the use cases may need; each takes only the part it uses. */
export interface Deps {
  store: Store;
  generationQueue: GenerationQueue;
  deliveryQueue: DeliveryQueue;
  ingestionQueue: IngestionQueue;
  chatModel: ChatModel;
  /** Semantic search's embeddings; absent without an OpenAI key (retrieval is then lexical only). */
  embedder?: Embedder;
  /** Document originals and passages. */
  blobs: BlobStore;
  /** Search indexes kept warm between invocations. */
  knowledgeIndex: KnowledgeIndexCache;
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
