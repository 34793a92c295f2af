/**
 * Conversations in the inbox index (gsi2): every live conversation item carries
 * `gsi2pk = T#{tenantId}#CONVS` and `gsi2sk = {updatedAt}#{conversationId}`, so a tenant's
 * conversations are one Query in update order, newest or oldest first. A tombstone leaves it.
 */
import { queryUpTo, type DynamoContext } from '#lib/adapters/aws/dynamo-context';
import { inboxPk } from '#lib/adapters/aws/dynamo-keys';
import { TABLE_KEYS } from '#lib/adapters/aws/table-definition';
import type { ConversationTouch } from '#lib/ports/conversations';

const { gsi2 } = TABLE_KEYS;

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
      ExpressionAttributeValues: { ':pk': inboxPk(tenantId), ':cutoff': cutoff },
    },
    limit,
  );
  return items.map((item) => ({ conversationId: String(item.id), updatedAt: String(item.updatedAt) }));
}
