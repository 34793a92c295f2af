/**
 * The pending index: inbound messages waiting for an answer, deliveries waiting to be sent,
 * documents waiting to be indexed and erasures waiting to be finished sit
 * in `PENDING#{shard}` partitions of gsi1, sorted by the time they have been waiting since. The
 * recovery sweep reads it to re-queue work whose queue record was lost.
 */
import { type DynamoContext, type Item, DynamoTableAdapter } from '#lib/adapters/aws/dynamo-context';
import { queryUpTo } from '#lib/adapters/aws/dynamo-context';
import {
  PENDING_SHARDS,
  PREFIX_DELIVERY,
  PREFIX_DOCUMENT,
  SK_CONVERSATION,
  pendingDeliverySk,
  pendingDocumentSk,
  pendingErasureSk,
  pendingMessageSk,
  pendingPk,
  pendingShard,
} from '#lib/adapters/aws/dynamo-keys';
import { TABLE_KEYS } from '#lib/adapters/aws/table-definition';
import type { KnowledgeDocument } from '#lib/domain/knowledge/types';
import { isUnanswered } from '#lib/domain/messages';
import type { Delivery, Message } from '#lib/domain/types';
import type { PendingRef, PendingWorkStore } from '#lib/ports/pending-work';

const { indexName, partitionKey: GSI_PK, sortKey: GSI_SK } = TABLE_KEYS.gsi1;

/** Index attributes for a message: present only while it is an unanswered inbound message. */
export function pendingMessageAttributes(message: Message): Item {
  if (!isUnanswered(message)) return {};
  return { [GSI_PK]: pendingPk(pendingShard(message.id)), [GSI_SK]: pendingMessageSk(message.createdAt, message.id) };
}

/** Index attributes for a pending delivery, waiting since its next attempt is due. */
export function pendingDeliveryAttributes(deliveryId: string, nextAttemptAt: string): Item {
  return { [GSI_PK]: pendingPk(pendingShard(deliveryId)), [GSI_SK]: pendingDeliverySk(nextAttemptAt, deliveryId) };
}

/** Index attributes for a document: present only while it is queued for indexing, since it was uploaded. */
export function pendingDocumentAttributes(document: KnowledgeDocument): Item {
  if (document.status !== 'queued') return {};
  return {
    [GSI_PK]: pendingPk(pendingShard(document.id)),
    [GSI_SK]: pendingDocumentSk(document.updatedAt, document.knowledgeBaseId, document.id, document.uploadId),
  };
}

/** Index attributes for an unfinished erasure: set with its tombstone, gone when the tombstone is finished. */
export function pendingErasureAttributes(conversationId: string, erasedAt: string): Item {
  return { [GSI_PK]: pendingPk(pendingShard(conversationId)), [GSI_SK]: pendingErasureSk(erasedAt, conversationId) };
}

/** The PendingWorkStore port on the pending index. */
export class DynamoPendingWorkStore extends DynamoTableAdapter implements PendingWorkStore {
  /**
   * Records waiting since before `olderThan`, across all tenants, oldest first. Each shard is sorted,
   * so the oldest `limit` overall are among the oldest `limit` of each shard: query each for that
   * many and merge.
   */
  async listPending(olderThan: string, limit: number): Promise<PendingRef[]> {
    const items = await soonestAcrossShards(this.ctx, pendingPk, olderThan, limit);
    return items.map(toPendingRef);
  }
}

/**
 * The `limit` index items with the lowest sort keys below `before` across the `PENDING_SHARDS`
 * partitions named by `partition`. Each shard is sorted, so the lowest `limit` overall are among
 * the lowest `limit` of each: query each for that many and merge. Serves the pending list and the
 * local runtime's timers.
 */
export async function soonestAcrossShards(
  ctx: DynamoContext,
  partition: (shard: number) => string,
  before: string,
  limit: number,
): Promise<Item[]> {
  if (limit < 1) return [];
  const shards = await Promise.all(
    Array.from({ length: PENDING_SHARDS }, (_, shard) =>
      queryUpTo(
        ctx,
        {
          IndexName: indexName,
          KeyConditionExpression: '#pk = :pk AND #sk < :before',
          ExpressionAttributeNames: { '#pk': GSI_PK, '#sk': GSI_SK },
          ExpressionAttributeValues: { ':pk': partition(shard), ':before': before },
        },
        limit,
      ),
    ),
  );
  return shards
    .flat()
    .sort((a, b) => compare(String(a[GSI_SK]), String(b[GSI_SK])))
    .slice(0, limit);
}

function toPendingRef(item: Item): PendingRef {
  const tenantId = String(item.tenantId);
  if (String(item.sk).startsWith(PREFIX_DOCUMENT)) {
    const sortKey = String(item[GSI_SK]);
    const marker = sortKey.indexOf(`#${PREFIX_DOCUMENT}`);
    const [knowledgeBaseId = '', documentId = '', uploadId = ''] = sortKey
      .slice(marker + 1 + PREFIX_DOCUMENT.length)
      .split('#');
    return { kind: 'document', tenantId, knowledgeBaseId, documentId, uploadId, since: sortKey.slice(0, marker) };
  }
  if (item.sk === SK_CONVERSATION) {
    // The sort key starts with the time the erasure began (an ISO time has no '#').
    const since = String(item[GSI_SK]).split('#')[0] ?? '';
    return { kind: 'erasure', tenantId, conversationId: String(item.id), since };
  }
  if (String(item.sk).startsWith(PREFIX_DELIVERY)) {
    const delivery = item as unknown as Delivery;
    return { kind: 'delivery', tenantId, deliveryId: delivery.id, since: delivery.nextAttemptAt };
  }
  const message = item as unknown as Message;
  return {
    kind: 'message',
    tenantId,
    conversationId: message.conversationId,
    messageId: message.id,
    since: message.createdAt,
  };
}

// Code-unit order, which is how DynamoDB orders string keys for the ASCII ISO times and ids used here.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
