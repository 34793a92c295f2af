/** Imported on the first publish by composeCore (core.ts); a module of its own for the reason s3-blobs.ts gives. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgePublisher } from '#lib/adapters/aws/eventbridge-publisher';
import type { EventPublisher } from '#lib/ports/events';

export function createEventBridgePublisher(eventBusName: string, region: string): EventPublisher {
  return new EventBridgePublisher({ eventBusName, client: new EventBridgeClient({ region }) });
}
