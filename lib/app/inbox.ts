/** The conversations inbox: the tenant's conversations, most recently updated first, filtered. */
import type { InboxEntry, InboxFilter } from '#lib/domain/inbox';
import type { Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';
import type { Deps } from '#lib/app/deps';

/**
 * One page of the inbox. A selective filter can return a short page (even an empty one) with a
 * cursor: the store stops after a bounded read, and the cursor reads on.
 *
 * @throws ValidationError naming `cursor` for a cursor this list did not return
 */
export function listInbox(
  deps: Pick<Deps, 'conversations'>,
  tenantId: string,
  filter: InboxFilter,
  page: PageRequest,
): Promise<Page<InboxEntry>> {
  return deps.conversations.listInbox(tenantId, filter, page);
}
