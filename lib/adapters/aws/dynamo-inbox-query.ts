/**
 * Reading the inbox: one Query of the tenant's gsi2 partition, newest update first, with the
 * updated-time range as its key condition and every other filter as a FilterExpression; and the
 * backfill's Scan for conversations stored before gsi2 existed.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoContext, Item } from '#lib/adapters/aws/dynamo-context';
import {
  conversationPk,
  decodeCursor,
  encodeCursor,
  inboxPk,
  SK_CONVERSATION,
  toRecord,
} from '#lib/adapters/aws/dynamo-keys';
import { assertPageLimit } from '#lib/adapters/aws/dynamo-tenant-items';
import { scanPage } from '#lib/adapters/aws/dynamo-scan';
import { TABLE_KEYS } from '#lib/adapters/aws/table-definition';
import { ValidationError } from '#lib/domain/errors';
import { type InboxEntry, type InboxFilter, SEARCH_KEY_FIELDS } from '#lib/domain/inbox';
import { MAX_INBOX_ENTRIES_READ } from '#lib/domain/limits/inbox';
import type { Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';

const { gsi2 } = TABLE_KEYS;

/**
 * One page of the inbox. Limit counts entries read before the filter, so a filtered query reads
 * on until the page is full, the partition ends or MAX_INBOX_ENTRIES_READ entries were read; in
 * the last case the page may be short, and its cursor is where the reading stopped.
 */
export async function queryInbox(
  ctx: DynamoContext,
  tenantId: string,
  filter: InboxFilter,
  page: PageRequest,
): Promise<Page<InboxEntry>> {
  assertPageLimit(page.limit);
  const pk = inboxPk(tenantId);
  const { expression, names, values } = filterExpression(filter);
  const range = rangeCondition(filter);
  const wanted = page.limit + 1;
  const items: Item[] = [];
  let read = 0;
  let startKey = page.cursor === undefined ? undefined : startKeyOf(tenantId, page.cursor);
  do {
    const output = await ctx.client.send(
      new QueryCommand({
        TableName: ctx.tableName,
        IndexName: gsi2.indexName,
        KeyConditionExpression: `#gpk = :gpk${range.expression}`,
        ...(expression === '' ? {} : { FilterExpression: expression }),
        ExpressionAttributeNames: { ...names, ...range.names, '#gpk': gsi2.partitionKey },
        ExpressionAttributeValues: { ...values, ...range.values, ':gpk': pk },
        ScanIndexForward: false,
        Limit: expression === '' ? wanted - items.length : MAX_INBOX_ENTRIES_READ - read,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(output.Items ?? []));
    read += output.ScannedCount ?? 0;
    startKey = output.LastEvaluatedKey;
  } while (startKey !== undefined && items.length < wanted && read < MAX_INBOX_ENTRIES_READ);
  const pageItems = items.slice(0, page.limit);
  const last = pageItems.at(-1);
  let nextCursor: string | null = null;
  if (items.length > page.limit && last !== undefined)
    nextCursor = encodeCursor({ pk, sk: String(last[gsi2.sortKey]) });
  // The read budget ran out first: go on from the last entry read, matched or not.
  else if (startKey !== undefined) nextCursor = encodeCursor({ pk, sk: String(startKey[gsi2.sortKey]) });
  return { items: pageItems.map(toInboxEntry), nextCursor };
}

/**
 * Conversation items without gsi2's partition key (stored before the inbox), across tenants, for
 * the one-off backfill: a Scan (dynamo-scan.ts).
 */
export async function scanOutsideInbox(
  ctx: DynamoContext,
  page: PageRequest,
): Promise<Page<{ tenantId: string; conversationId: string }>> {
  const { items, nextCursor } = await scanPage(ctx, page, {
    filter: 'sk = :conv AND attribute_not_exists(#gpk)',
    projection: 'pk, sk, tenantId, id',
    names: { '#gpk': gsi2.partitionKey },
    values: { ':conv': SK_CONVERSATION },
  });
  return {
    items: items.map((item) => ({ tenantId: String(item.tenantId), conversationId: String(item.id) })),
    nextCursor,
  };
}

/** The ExclusiveStartKey a cursor stands for: gsi2's keys and the conversation's own. */
function startKeyOf(tenantId: string, cursor: string): Item {
  const { sk } = decodeCursor(cursor, inboxPk(tenantId), '');
  const split = sk.indexOf('#');
  if (split < 1) {
    throw new ValidationError('Invalid cursor', {
      details: [{ path: 'cursor', message: 'is not a cursor returned by this list' }],
    });
  }
  return {
    [gsi2.partitionKey]: inboxPk(tenantId),
    [gsi2.sortKey]: sk,
    pk: conversationPk(tenantId, sk.slice(split + 1)),
    sk: SK_CONVERSATION,
  };
}

/** `updated_after` (inclusive) and `updated_before` (exclusive) on the sort key `{updatedAt}#{id}`. */
function rangeCondition(filter: InboxFilter) {
  const names = { '#gsk': gsi2.sortKey };
  const { updatedAfter: after, updatedBefore: before } = filter;
  // `{before}#…` sorts after `before` itself, so BETWEEN's inclusive upper bound still excludes it.
  if (after !== undefined && before !== undefined)
    return {
      expression: ' AND #gsk BETWEEN :after AND :before',
      names,
      values: { ':after': after, ':before': before },
    };
  if (after !== undefined) return { expression: ' AND #gsk >= :after', names, values: { ':after': after } };
  if (before !== undefined) return { expression: ' AND #gsk < :before', names, values: { ':before': before } };
  return { expression: '', names: {}, values: {} };
}

/** The filters other than the time range, ANDed; an absent needsHuman counts as false. */
function filterExpression(filter: InboxFilter) {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const equals = (attribute: string, value: unknown) => {
    names[`#${attribute}`] = attribute;
    values[`:${attribute}`] = value;
    parts.push(`#${attribute} = :${attribute}`);
  };
  if (filter.aiId !== undefined) equals('aiId', filter.aiId);
  if (filter.status !== undefined) equals('status', filter.status);
  if (filter.channel !== undefined) equals('channel', filter.channel);
  if (filter.needsHuman === true) equals('needsHuman', true);
  if (filter.needsHuman === false) {
    names['#needsHuman'] = 'needsHuman';
    values[':needsHuman'] = false;
    parts.push('(attribute_not_exists(#needsHuman) OR #needsHuman = :needsHuman)');
  }
  if (filter.q !== undefined) {
    names['#search'] = 'search';
    values[':q'] = filter.q.toLowerCase();
    const each = SEARCH_KEY_FIELDS.map((field) => {
      names[`#q_${field}`] = field;
      return `begins_with(#search.#q_${field}, :q)`;
    });
    parts.push(`(${each.join(' OR ')})`);
  }
  return { expression: parts.join(' AND '), names, values };
}

function toInboxEntry(item: Item): InboxEntry {
  const { search: _search, needsHuman, messageCount, ...rest } = toRecord<Record<string, unknown>>(item);
  return {
    ...(rest as Omit<InboxEntry, 'needsHuman' | 'messageCount'>),
    needsHuman: needsHuman === true,
    messageCount: Number(messageCount ?? 0),
  };
}
