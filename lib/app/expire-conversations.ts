/**
 * The expiry job: erases the conversations that the accounts' retention settings have expired.
 * Reads already treat them as gone (findLiveConversation); this removes the data, and does what
 * DynamoDB TTL could not: cancel their schedules and erase their deliveries' bodies.
 */
import type { Deps } from '#lib/app/deps';
import { eraseConversation } from '#lib/app/erase-conversation';
import { NotFoundError } from '#lib/domain/errors';
import { MAX_EXPIRED_PER_RUN } from '#lib/domain/limits/retention';
import { hasExpired, retentionCutoff } from '#lib/domain/retention';

type ExpireDeps = Parameters<typeof eraseConversation>[0] & Pick<Deps, 'tenants' | 'logger'>;

/**
 * For each tenant with a retention period (listed without a scan), erases up to
 * `limit` conversations untouched since its cutoff, found through the inbox index and read again
 * before erasing (the index lags, and a message may have just arrived). Returns how many it erased;
 * the next run takes the rest.
 */
export async function expireConversations(
  deps: ExpireDeps,
  options: { limit?: number } = {},
): Promise<{ erased: number }> {
  const limit = options.limit ?? MAX_EXPIRED_PER_RUN;
  let erased = 0;
  for (const tenantId of await deps.tenants.listRetentionTenants()) {
    const tenant = await deps.tenants.getTenant(tenantId);
    const now = deps.clock.now();
    const cutoff = retentionCutoff(tenant, now);
    if (cutoff === undefined) continue;
    const candidates = await deps.conversations.listConversationsUpdatedBefore(tenantId, cutoff.toISOString(), limit);
    for (const { conversationId } of candidates) {
      const conversation = await deps.conversations.getConversation(tenantId, conversationId);
      if (conversation === undefined || !hasExpired(conversation, tenant, now)) continue;
      try {
        await eraseConversation(deps, { tenantId, conversationId, reason: 'retention' });
        erased++;
      } catch (error) {
        // Erased by a request meanwhile: nothing left to do.
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
  }
  if (erased > 0) deps.logger.info('expired conversations erased', { erased });
  return { erased };
}
