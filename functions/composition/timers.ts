/** One-time timers on EventBridge Scheduler. */
import type { Deps } from '#lib/app/deps';
import { type Config, ENV } from '#lib/config';
import { DeferredTimerScheduler } from '#lib/adapters/deferred-adapters';

export function composeTimers(config: Config): Pick<Deps, 'timers'> {
  const { scheduler, region } = config;
  // The stack gives the scheduler settings to the functions that set timers; a function started
  // without them (a bundle run on its own) still serves everything else, and fails only a timer.
  if (!scheduler) {
    return {
      timers: new DeferredTimerScheduler(async () => {
        throw new Error(`timers are not configured: set ${ENV.scheduleGroupName} and the other scheduler settings`);
      }),
    };
  }
  // The Scheduler client on first use: only requests that arm or cancel a timer need it.
  return {
    timers: new DeferredTimerScheduler(async () =>
      (await import('#functions/composition/deferred/scheduler-timers')).createSchedulerTimers(scheduler, region),
    ),
  };
}
