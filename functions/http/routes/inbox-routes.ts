import type { z } from 'zod';
import { listInbox } from '#lib/app/inbox';
import type { InboxFilter } from '#lib/domain/inbox';
import { pageOf, toPageRequest } from '#functions/http/common-schemas';
import { inboxEntryResponse, listInboxQuery } from '#functions/http/inbox-schemas';
import { presentInboxEntry } from '#functions/http/presenters/inbox-presenters';
import { compact } from '#functions/http/presenters/compact';
import { presentPage } from '#functions/http/presenters/page-presenter';
import { defineRoute } from '#functions/http/route';

type InboxQuery = z.output<typeof listInboxQuery>;

export const inboxRoutes = [
  defineRoute<undefined, InboxQuery>({
    method: 'GET',
    path: '/v2/conversations',
    summary:
      'Your conversations, most recently updated first, filtered by AI, status, needs_human, channel, updated time or a search (`q`). A page may come back short, even empty, with a `next_cursor` when filters skip many conversations: read on with it.',
    tags: ['Messages (V2)'],
    auth: true,
    query: listInboxQuery,
    responses: { 200: { description: 'A page of conversations.', schema: pageOf(inboxEntryResponse) } },
    async handle(deps, { tenantId, query }) {
      const page = await listInbox(deps, tenantId, toInboxFilter(query), toPageRequest(query));
      return { statusCode: 200, body: presentPage(page, presentInboxEntry) };
    },
  }),
];

function toInboxFilter(query: InboxQuery): InboxFilter {
  return compact({
    aiId: query.ai_id,
    status: query.status,
    needsHuman: query.needs_human === undefined ? undefined : query.needs_human === 'true',
    channel: query.channel,
    updatedAfter: query.updated_after,
    updatedBefore: query.updated_before,
    q: query.q,
  }) as InboxFilter;
}
