/**
 * EventBridge Scheduler's schedule expressions as the fake scheduler needs them: whether an
 * expression is well formed, and when a one-time `at(yyyy-mm-ddThh:mm:ss)` schedule is due, read
 * in its `ScheduleExpressionTimezone` as the service reads it.
 */

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
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The instant a one-time `at(...)` schedule fires, its wall-clock time read in `timeZone`; undefined
 * for `rate(...)` and `cron(...)`, which the fake does not run.
 */
export function atExpressionTime(expression: string, timeZone: string): Date | undefined {
  const local = AT.exec(expression)?.[1];
  if (local === undefined) return undefined;
  const wallClockAsUtc = Date.parse(`${local}Z`);
  // The zone's offset at the guessed instant, checked once more in case the guess crossed a DST change.
  let instant = wallClockAsUtc - zoneOffsetMs(wallClockAsUtc, timeZone);
  instant = wallClockAsUtc - zoneOffsetMs(instant, timeZone);
  return new Date(instant);
}

/** How far `timeZone`'s wall clock is ahead of UTC at `epochMs`. */
function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(epochMs));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wallClock = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wallClock - Math.floor(epochMs / 1000) * 1000;
}
