/**
 * Conversations in the inbox index (gsi2): every live conversation item carries
 * `gsi2pk = T#{tenantId}#CONVS` and `gsi2sk = {updatedAt}#{conversationId}`, so a tenant's
 * conversations are one Query in update order, newest or oldest first. A tombstone leaves it.
 */
import { queryUpTo, type DynamoContext } from '#lib/adapters/aws/dynamo-context';
import { conversationsByUpdatePk, conversationsByUpdateSk } from '#lib/adapters/aws/dynamo-keys';
import { TABLE_KEYS } from '#lib/adapters/aws/table-definition';
import type { ConversationTouch } from '#lib/ports/conversations';

const { gsi2 } = TABLE_KEYS;

/** The index attributes of a conversation updated at `updatedAt`. */
export function inboxAttributes(tenantId: string, conversationId: string, updatedAt: string): Record<string, string> {
  return {
    [gsi2.partitionKey]: conversationsByUpdatePk(tenantId),
    [gsi2.sortKey]: conversationsByUpdateSk(updatedAt, conversationId),
  };
}

/**
 * One Query of the tenant's partition of the index, sort keys below `cutoff` (an ISO time sorts
 * before any `{later time}#…`), oldest first, stopping at `limit`.
 */
export async function listUpdatedBefore(
  ctx: DynamoContext,
  tenantId: string,
  cutoff: string,
  limit: number,
): Promise<ConversationTouch[]> {
  const items = await queryUpTo(
    ctx,
    {
      IndexName: gsi2.indexName,
      KeyConditionExpression: '#pk = :pk AND #sk < :cutoff',
      ExpressionAttributeNames: { '#pk': gsi2.partitionKey, '#sk': gsi2.sortKey },
      ExpressionAttributeValues: { ':pk': conversationsByUpdatePk(tenantId), ':cutoff': cutoff },
    },
    limit,
  );
  return items.map((item) => ({ conversationId: String(item.id), updatedAt: String(item.updatedAt) }));
}
