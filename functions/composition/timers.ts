/** One-time timers: EventBridge Scheduler in AWS; locally records in the store that the runtime fires. */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Deps } from '#lib/app/deps';
import type { Config } from '#lib/config';
import { EventBridgeTimerScheduler } from '#lib/adapters/aws/scheduler';
import { LocalTimerScheduler } from '#lib/adapters/local/local-scheduler';
import type { Store } from '#lib/ports';

export function composeTimers(config: Config, store: Store): Pick<Deps, 'timers'> {
  const { scheduler } = config;
  if (!scheduler) return { timers: new LocalTimerScheduler({ store }) };
  return {
    timers: new EventBridgeTimerScheduler({ ...scheduler, client: new SchedulerClient({ region: config.region }) }),
  };
}
