/** When a conversation expires under the account's retention setting. */
import type { Conversation, Tenant } from '#lib/domain/types';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The moment before which untouched conversations have expired, or undefined when the account
 * keeps conversations until they are erased.
 */
export function retentionCutoff(tenant: Pick<Tenant, 'dataRetentionDays'> | undefined, now: Date): Date | undefined {
  const days = tenant?.dataRetentionDays;
  if (days === undefined) return undefined;
  return new Date(now.getTime() - days * DAY_MS);
}

/**
 * Whether the conversation has expired: untouched (by `updatedAt`) for the account's retention
 * period. Checked on every read with the current setting, so a shortened period applies at once to
 * conversations stored before it, even before the expiry job has erased them.
 */
export function hasExpired(
  conversation: Pick<Conversation, 'updatedAt'>,
  tenant: Pick<Tenant, 'dataRetentionDays'> | undefined,
  now: Date,
): boolean {
  const cutoff = retentionCutoff(tenant, now);
  return cutoff !== undefined && conversation.updatedAt < cutoff.toISOString();
}
