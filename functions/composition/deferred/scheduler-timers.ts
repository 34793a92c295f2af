/** Imported on first use by composeTimers (timers.ts); a module of its own for the reason s3-blobs.ts gives. */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { EventBridgeTimerScheduler } from '#lib/adapters/aws/scheduler';
import type { Config } from '#lib/config';
import type { TimerScheduler } from '#lib/ports/timers';

export function createSchedulerTimers(scheduler: NonNullable<Config['scheduler']>, region: string): TimerScheduler {
  return new EventBridgeTimerScheduler({ ...scheduler, client: new SchedulerClient({ region }) });
}
