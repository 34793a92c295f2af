/**
 * Erased conversations on the single table: the conversation's own item becomes its tombstone, so
 * every reader and conditional writer of the conversation meets it without another read.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { attempt, type DynamoContext, getRecord, isConditionFailed } from '#lib/adapters/aws/dynamo-context';
import { conversationKey, toRecord } from '#lib/adapters/aws/dynamo-keys';
import { pendingErasureAttributes } from '#lib/adapters/aws/dynamo-pending';
import { ConflictError } from '#lib/domain/errors';
import type { Conversation } from '#lib/domain/types';
import { TABLE_KEYS } from '#lib/adapters/aws/table-definition';
import type { ConversationTombstone } from '#lib/ports/conversations';

const { partitionKey: GSI1_PK, sortKey: GSI1_SK } = TABLE_KEYS.gsi1;

/** The conversation item's fields that mark it a tombstone (absent on live conversations). */
export interface TombstoneFields {
  erasedAt?: string;
  erasureFinished?: boolean;
}

/** The tombstone an item holds, or undefined for a live conversation. */
export function toTombstone(item: Conversation & TombstoneFields): ConversationTombstone | undefined {
  if (item.erasedAt === undefined) return undefined;
  return {
    tenantId: item.tenantId,
    id: item.id,
    aiId: item.aiId,
    incarnation: item.incarnation ?? 0,
    erasedAt: item.erasedAt,
    finished: item.erasureFinished === true,
  };
}

/**
 * SET erasedAt on a live conversation (one conditional UpdateItem), take it out of the inbox
 * index and put it in the pending index, so the recovery sweep finishes an erasure that a crash
 * cut short (finishTombstone's Put drops the pending entry with the rest); returns the conversation as it was. When it is already a tombstone, returns that.
 */
export async function tombstone(
  ctx: DynamoContext,
  tenantId: string,
  conversationId: string,
  at: string,
): Promise<{ conversation?: Conversation; tombstone: ConversationTombstone } | undefined> {
  const pending = pendingErasureAttributes(conversationId, at);
  try {
    const output = await ctx.client.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: conversationKey(tenantId, conversationId),
        // Out of the inbox index, and the row's copies of the prospect's words and contact go at once.
        UpdateExpression:
          'SET erasedAt = :at, #pendingPk = :pendingPk, #pendingSk = :pendingSk REMOVE gsi2pk, gsi2sk, lastMessage, messageCount, #search',
        ExpressionAttributeNames: { '#search': 'search', '#pendingPk': GSI1_PK, '#pendingSk': GSI1_SK },
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(erasedAt)',
        ExpressionAttributeValues: { ':at': at, ':pendingPk': pending[GSI1_PK], ':pendingSk': pending[GSI1_SK] },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const before = toRecord<Conversation>(output.Attributes ?? {});
    return { conversation: before, tombstone: { ...toLife(before), erasedAt: at, finished: false } };
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const stored = await getRecord<Conversation & TombstoneFields>(ctx, conversationKey(tenantId, conversationId));
  const found = stored === undefined ? undefined : toTombstone(stored);
  return found === undefined ? undefined : { tombstone: found };
}

/** Replaces the unfinished tombstone by one holding only its ids, life and erasure time. */
export async function finishTombstone(ctx: DynamoContext, tenantId: string, conversationId: string): Promise<void> {
  const key = conversationKey(tenantId, conversationId);
  const stored = await getRecord<Conversation & TombstoneFields>(ctx, key);
  const found = stored === undefined ? undefined : toTombstone(stored);
  if (found === undefined || found.finished) return;
  await attempt(() =>
    ctx.client.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: { ...key, ...toLife(found), erasedAt: found.erasedAt, erasureFinished: true },
        ConditionExpression: 'erasedAt = :at',
        ExpressionAttributeValues: { ':at': found.erasedAt },
      }),
    ),
  );
}

/**
 * Starts the id's next life over a finished tombstone (a conditional put on that tombstone, so two
 * racing first messages make one conversation); returns the conversation stored either way.
 * Throws ConflictError while the erasure is unfinished.
 */
export async function restartOverTombstone(
  ctx: DynamoContext,
  conversation: Conversation,
  found: ConversationTombstone,
  toItem: (conversation: Conversation) => object,
): Promise<Conversation | undefined> {
  if (!found.finished) {
    throw new ConflictError('this conversation is being erased; send the message again in a moment', {
      details: [{ path: 'conversation_id', message: 'being erased' }],
    });
  }
  const next = { ...conversation, incarnation: found.incarnation + 1 };
  const written = await attempt(() =>
    ctx.client.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: { ...toItem(next), ...conversationKey(conversation.tenantId, conversation.id) },
        ConditionExpression: 'erasedAt = :at AND erasureFinished = :yes',
        ExpressionAttributeValues: { ':at': found.erasedAt, ':yes': true },
      }),
    ),
  );
  return written ? next : undefined;
}

function toLife(c: Pick<Conversation, 'tenantId' | 'id' | 'aiId' | 'incarnation'>) {
  return { tenantId: c.tenantId, id: c.id, aiId: c.aiId, incarnation: c.incarnation ?? 0 };
}
