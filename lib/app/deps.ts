import type {
  ChatModel,
  Clock,
  DeliveryQueue,
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
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** Which webhook targets may be configured (see WebhookTargetPolicy). */
  webhookTargets: WebhookTargetPolicy;
}
