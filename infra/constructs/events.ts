import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { ENV } from '#lib/config';
import type { LambdaFunction } from './lambda-function.ts';

/**
 * Parley's own EventBridge bus for domain events (message.answered, conversation.escalated, …), so
 * a business can route them with rules without sharing the account's default bus.
 */
export class Events extends Construct {
  readonly bus: events.EventBus;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { description: 'Parley domain events' });
  }

  /** events:PutEvents on this bus only, and its name in ENV.eventBusName. */
  grantPublish(fn: LambdaFunction): void {
    this.bus.grantPutEventsTo(fn);
    fn.addEnvironment(ENV.eventBusName, this.bus.eventBusName);
  }
}
