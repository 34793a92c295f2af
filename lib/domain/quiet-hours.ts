/**
 * Quiet hours: a daily window of local wall-clock time in which no nudge is sent. Local time is
 * read with Intl (no time-zone library), so daylight-saving changes hold: an end time that does not
 * exist that day (spring forward) means the first instant after the gap, and one that occurs twice
 * (fall back) means its first occurrence still ahead.
 */
import { offsetAt } from '#lib/domain/time-zone';
import type { QuietHours } from '#lib/domain/types';

const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** A quiet window as milliseconds after local midnight; `start > end` spans midnight. */
interface Window {
  start: number;
  end: number;
}

/**
 * Whether `at` falls inside the quiet window [start, end) in `timeZone`'s local time. A window
 * whose start equals its end, or that is not "HH:MM", is no window at all.
 */
export function isInQuietHours(at: Date, quietHours: QuietHours, timeZone: string): boolean {
  const window = parseWindow(quietHours);
  return window !== undefined && isInWindow(localTimeOfDay(at, timeZone), window);
}

/**
 * `at` itself when it falls outside the quiet window, else the instant the window ends: the next
 * `end` wall-clock time in `timeZone` (the first instant after it when a DST gap skips it).
 */
export function deferPastQuietHours(at: Date, quietHours: QuietHours | undefined, timeZone: string): Date {
  const window = quietHours && parseWindow(quietHours);
  if (!window) return at;
  const wall = localWallClock(at, timeZone);
  const midnight = Math.floor(wall / DAY_MS) * DAY_MS;
  const timeOfDay = wall - midnight;
  if (!isInWindow(timeOfDay, window)) return at;
  // Inside a window that spans midnight and began before it: the window ends tomorrow.
  const endsTomorrow = window.start > window.end && timeOfDay >= window.start;
  return instantOfWallClock(midnight + (endsTomorrow ? DAY_MS : 0) + window.end, timeZone, at);
}

function parseWindow(quietHours: QuietHours): Window | undefined {
  const start = parseTimeOfDay(quietHours.start);
  const end = parseTimeOfDay(quietHours.end);
  if (start === undefined || end === undefined || start === end) return undefined;
  return { start, end };
}

function parseTimeOfDay(hhmm: string): number | undefined {
  const match = HH_MM.exec(hhmm);
  return match ? (Number(match[1]) * 60 + Number(match[2])) * MINUTE_MS : undefined;
}

function isInWindow(timeOfDay: number, { start, end }: Window): boolean {
  return start < end ? timeOfDay >= start && timeOfDay < end : timeOfDay >= start || timeOfDay < end;
}

function localTimeOfDay(at: Date, timeZone: string): number {
  const wall = localWallClock(at, timeZone);
  return wall - Math.floor(wall / DAY_MS) * DAY_MS;
}

/** The local wall-clock time of `at` in `timeZone`, written as if it were a UTC timestamp. */
function localWallClock(at: Date, timeZone: string): number {
  return at.getTime() + offsetAt(at.getTime(), timeZone);
}

/**
 * The instant whose local wall-clock time in `timeZone` is `wall`, taking the earliest one after
 * `after` when the time occurs twice, and the end of the gap when it does not occur at all.
 */
function instantOfWallClock(wall: number, timeZone: string, after: Date): Date {
  // At most one transition lies within a day of `wall`, so its neighbours' offsets are the candidates.
  const offsets = [...new Set([wall - DAY_MS, wall, wall + DAY_MS].map((t) => offsetAt(t, timeZone)))];
  const matches = offsets
    .map((offset) => wall - offset)
    .filter((instant) => offsetAt(instant, timeZone) === wall - instant)
    .sort((a, b) => a - b);
  const match = matches.find((instant) => instant > after.getTime()) ?? matches.at(-1);
  if (match !== undefined) return new Date(match);
  // In a gap: before the transition the clock reads less than `wall`, after it more.
  return new Date(transitionBetween(wall - Math.max(...offsets), wall - Math.min(...offsets), timeZone));
}

/** The first whole second in (lo, hi] whose UTC offset differs from lo's. */
function transitionBetween(lo: number, hi: number, timeZone: string): number {
  const before = offsetAt(lo, timeZone);
  let low = lo;
  let high = hi;
  while (high - low > SECOND_MS) {
    const mid = low + Math.ceil((high - low) / (2 * SECOND_MS)) * SECOND_MS;
    if (offsetAt(mid, timeZone) === before) low = mid;
    else high = mid;
  }
  return high;
}
