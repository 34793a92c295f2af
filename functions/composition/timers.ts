/** One-time timers: EventBridge Scheduler in AWS; locally records in the store that the runtime fires. */
import type { Deps } from '#lib/app/deps';
import type { Config } from '#lib/config';
import { DeferredTimerScheduler } from '#lib/adapters/deferred-adapters';
import { LocalTimerScheduler } from '#lib/adapters/local/local-scheduler';
import type { TimerStore } from '#lib/ports/timers';

export function composeTimers(config: Config, store: TimerStore): Pick<Deps, 'timers'> {
  const { scheduler, region } = config;
  if (!scheduler) return { timers: new LocalTimerScheduler({ store }) };
  // The Scheduler client on first use: only requests that arm or cancel a timer need it.
  return {
    timers: new DeferredTimerScheduler(async () =>
      (await import('#functions/composition/deferred/scheduler-timers')).createSchedulerTimers(scheduler, region),
    ),
  };
}
