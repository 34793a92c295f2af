/**
 * ISO 8601 durations as test cases use them (`follow_up_between: {after: "PT12H", before: "PT36H"}`):
 * weeks, days, hours, minutes and seconds. Years and months are refused: their length depends on
 * the date, and a window for a follow-up is never that long.
 */
import { nameErrors, ParleyError } from '#lib/domain/errors';

/** A duration string a test case cannot use, with the reason a person can act on. */
export class InvalidDurationError extends ParleyError {}

nameErrors({ InvalidDurationError });

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const MS = { week: 604_800_000, day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1_000 } as const;

/** The duration in milliseconds; throws InvalidDurationError naming what is wrong. */
export function parseDurationMs(text: string): number {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) {
    const hint = /^P(?:\d+Y|\d+M)/.test(text) ? ' (years and months are not supported: use days or weeks)' : '';
    throw new InvalidDurationError(`must be an ISO 8601 duration like PT12H or P1D${hint}`);
  }
  const [, weeks, days, hours, minutes, seconds] = match;
  const n = (value: string | undefined) => (value === undefined ? 0 : Number(value));
  return n(weeks) * MS.week + n(days) * MS.day + n(hours) * MS.hour + n(minutes) * MS.minute + n(seconds) * MS.second;
}

/** Whether `text` is a duration parseDurationMs accepts. */
export function isDuration(text: string): boolean {
  try {
    parseDurationMs(text);
    return true;
  } catch {
    return false;
  }
}

/** "36 h", "2 d", "90 min": a duration as failure messages show it. */
export function describeDurationMs(ms: number): string {
  if (ms % MS.day === 0 && ms >= MS.day) return `${ms / MS.day} d`;
  if (ms % MS.hour === 0 && ms >= MS.hour) return `${ms / MS.hour} h`;
  if (ms % MS.minute === 0 && ms >= MS.minute) return `${ms / MS.minute} min`;
  return `${ms / MS.second} s`;
}
