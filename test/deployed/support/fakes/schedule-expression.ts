/**
 * EventBridge Scheduler's schedule expressions as the fake scheduler needs them: whether an
 * expression is well formed, and when a one-time `at(yyyy-mm-ddThh:mm:ss)` schedule is due, read
 * in its `ScheduleExpressionTimezone` as the service reads it.
 */

import { isTimeZone, offsetAt } from '#lib/domain/time-zone';

const AT = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/;
const RATE = /^rate\(\d+ (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\(\S+( \S+){5}\)$/;

/** Whether Scheduler would accept `expression`: a valid `at(...)`, `rate(...)` or six-field `cron(...)`. */
export function isScheduleExpression(expression: string): boolean {
  const at = AT.exec(expression)?.[1];
  if (at !== undefined) return !Number.isNaN(Date.parse(`${at}Z`)) && new Date(`${at}Z`).toISOString().startsWith(at);
  return RATE.test(expression) || CRON.test(expression);
}

/** Whether `timeZone` is an IANA zone name the runtime knows (Scheduler takes the same names). */
export { isTimeZone };

/**
 * The instant a one-time `at(...)` schedule fires, its wall-clock time read in `timeZone`; undefined
 * for `rate(...)` and `cron(...)`, which the fake does not run.
 */
export function atExpressionTime(expression: string, timeZone: string): Date | undefined {
  const local = AT.exec(expression)?.[1];
  if (local === undefined) return undefined;
  const wallClockAsUtc = Date.parse(`${local}Z`);
  // The zone's offset at the guessed instant, checked once more in case the guess crossed a DST change.
  let instant = wallClockAsUtc - offsetAt(wallClockAsUtc, timeZone);
  instant = wallClockAsUtc - offsetAt(instant, timeZone);
  return new Date(instant);
}
