import type {
  ChatModel,
  Clock,
  DeliveryQueue,
  EventPublisher,
  GenerationQueue,
  IdGenerator,
  Logger,
  Store,
  WebhookSender,
} from '#lib/ports';
import type { WebhookTargetPolicy } from '#lib/domain/webhook-url';

/** Everything the use cases may need; each takes only the part it uses. */
export interface Deps {
  store: Store;
  generationQueue: GenerationQueue;
  deliveryQueue: DeliveryQueue;
  chatModel: ChatModel;
  webhookSender: WebhookSender;
  /** Domain events (EventBridge in AWS, a JSON-lines log locally), published at least once. */
  events: EventPublisher;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** Which webhook targets may be configured (see WebhookTargetPolicy). */
  webhookTargets: WebhookTargetPolicy;
}
