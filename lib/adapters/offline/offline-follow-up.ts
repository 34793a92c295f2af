/**
 * Finds the time a prospect asks to be contacted again ("call me tomorrow at 3pm", "next Monday
 * morning"), read in the contact's timezone, for the offline model's `followUpAt`.
 */
import { offsetAt } from '#lib/domain/time-zone';
import { once } from '#lib/adapters/deferred-adapters';
import { isTimeZone } from '#lib/domain/time-zone';

/** Words that make a time expression a request to be contacted, not a fact ("we launched in May"). */
const CONTACT_CUE =
  /\b(call|contact|reach|ring|phone|text|e-?mail|message|ping|remind|get\s+back\s+to|follow\s+up\s+with|circle\s+back\s+(with|to))\s+(me|us)\b|\b(talk|speak|chat|meet|connect|catch\s+up|follow\s+up|get\s+back|reconnect|try\s+again)\b|\b(available|free\s+(at|on|tomorrow|next))\b/i;

export interface FollowUp {
  /** ISO-8601 UTC. */
  at: string;
  /** The time as the prospect reads it, in their timezone, e.g. "Wednesday, January 15 at 3:00 PM". */
  spoken: string;
}

/**
 * chrono (its parsers are built when it is imported) on the first message that asks to be
 * contacted: most messages do not, and a function's cold start need not build them.
 */
const loadChrono = once(() => import('#lib/adapters/offline/chrono-parse'));

/**
 * The first future time expression in a message that asks to be contacted, resolved against `now`
 * in `timezone` (an IANA name; UTC when absent or unknown). Undefined when there is none.
 */
export async function findFollowUp(
  text: string,
  now: Date,
  timezone: string | undefined,
): Promise<FollowUp | undefined> {
  if (!CONTACT_CUE.test(text)) return undefined;
  const chrono = await loadChrono();
  const zone = timezone && isTimeZone(timezone) ? timezone : 'UTC';
  // chrono takes a fixed offset, not a zone: read with today's offset, then again with the offset
  // of the day found, in case a DST change lies in between.
  let at = parseFirstFuture(chrono, text, now, offsetMinutes(zone, now));
  if (at) at = parseFirstFuture(chrono, text, now, offsetMinutes(zone, at)) ?? at;
  if (!at) return undefined;
  return { at: at.toISOString(), spoken: speak(at, zone) };
}

function parseFirstFuture(
  chrono: typeof import('#lib/adapters/offline/chrono-parse'),
  text: string,
  now: Date,
  offset: number,
): Date | undefined {
  const results = chrono.parse(text, { instant: now, timezone: offset }, { forwardDate: true });
  return results.map((r) => r.start.date()).find((d) => d.getTime() > now.getTime());
}

/** Minutes east of UTC that `zone` is at `instant` (New York in winter: -300). */
export function offsetMinutes(zone: string, instant: Date): number {
  return Math.round(offsetAt(instant.getTime(), zone) / 60_000);
}

function speak(at: Date, zone: string): string {
  const when = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  }).format(at);
  // Newer ICU puts a narrow no-break space before AM/PM; a plain one reads the same everywhere.
  return `${when.replace(/\u202f/g, ' ')}${zone === 'UTC' ? ' (UTC)' : ''}`;
}
