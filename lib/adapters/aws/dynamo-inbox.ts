/**
 * The inbox row kept on each conversation item: its place in gsi2 (`gsi2pk`, `gsi2sk`), the last
 * message, the message count and the lowercased search keys. Kept in step by single-item
 * conditional writes: the conversation's own writes (see dynamo-conversations.ts) and one
 * UpdateItem per stored message.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { attempt, type DynamoContext, getRecord, queryAll } from '#lib/adapters/aws/dynamo-context';
import { conversationKey, conversationPk, inboxPk, inboxSk, PREFIX_MESSAGE } from '#lib/adapters/aws/dynamo-keys';
import { TABLE_KEYS } from '#lib/adapters/aws/table-definition';
import { type LastMessage, searchKeysOf, summarizeMessages, toLastMessage } from '#lib/domain/inbox';
import type { Contact, Conversation, Message } from '#lib/domain/types';

/** Attributes of the inbox row that are not Conversation fields: dropped when reading a conversation. */
export const INBOX_ROW_ATTRIBUTES = ['lastMessage', 'messageCount', 'search'] as const;

/** How often a refresh is tried again when a newer message lands between its read and its write. */
const REFRESH_ATTEMPTS = 3;

/** The inbox attributes of a conversation created now (it has no messages yet). */
export function newInboxAttributes(conversation: Conversation): Record<string, unknown> {
  return {
    [TABLE_KEYS.gsi2.partitionKey]: inboxPk(conversation.tenantId),
    [TABLE_KEYS.gsi2.sortKey]: inboxSk(conversation.updatedAt, conversation.id),
    search: searchKeysOf(conversation.id, conversation.contact),
    messageCount: 0,
  };
}

/**
 * The index attributes a conversation update must write with it: a new `updatedAt` moves its
 * gsi2 sort key, a new contact its search keys. Only the sort key: a conversation stored before
 * the inbox gets its partition key from the backfill, with a summary computed from its messages.
 */
export function inboxChanges(
  conversationId: string,
  changes: { updatedAt?: string; contact?: Contact },
): Record<string, unknown> {
  return {
    ...(changes.updatedAt === undefined
      ? {}
      : { [TABLE_KEYS.gsi2.sortKey]: inboxSk(changes.updatedAt, conversationId) }),
    ...(changes.contact === undefined ? {} : { search: searchKeysOf(conversationId, changes.contact) }),
  };
}

/**
 * Takes a stored message into its conversation's row: the newest message so far replaces the last
 * message, adds one to the count and moves `updatedAt`, in one UpdateItem guarded on the last
 * message's id (ids are time-ordered), so a retried note changes nothing. A message older than the
 * last one (a reply stored after a newer prospect message, or a retry) cannot be added blindly: the
 * row is computed again from the messages.
 */
export async function noteMessage(ctx: DynamoContext, message: Message): Promise<void> {
  const key = conversationKey(message.tenantId, message.conversationId);
  const noted = await attempt(() =>
    ctx.client.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: key,
        UpdateExpression: 'SET lastMessage = :last, updatedAt = :at, #gsk = :gsk ADD messageCount :one',
        // Never onto a tombstone: an erased conversation keeps nothing of its messages.
        ConditionExpression:
          'attribute_exists(pk) AND attribute_not_exists(erasedAt) AND (attribute_not_exists(lastMessage) OR lastMessage.id < :id)',
        ExpressionAttributeNames: { '#gsk': TABLE_KEYS.gsi2.sortKey },
        ExpressionAttributeValues: {
          ':last': toLastMessage(message),
          ':at': message.createdAt,
          ':gsk': inboxSk(message.createdAt, message.conversationId),
          ':one': 1,
          ':id': message.id,
        },
      }),
    ),
  );
  if (noted) return;
  const stored = await getRecord<{ lastMessage?: LastMessage; erasedAt?: string }>(ctx, key);
  // Gone or erased, or this very message noted already: nothing to do.
  if (stored === undefined || stored.erasedAt !== undefined || stored.lastMessage?.id === message.id) return;
  await refreshInboxRow(ctx, message.tenantId, message.conversationId);
}

/**
 * Computes the row from the conversation's messages and writes it with the conversation's place
 * in gsi2, unless a newer message was noted meanwhile (then it reads again). False if the
 * conversation does not exist.
 */
export async function refreshInboxRow(ctx: DynamoContext, tenantId: string, conversationId: string): Promise<boolean> {
  const key = conversationKey(tenantId, conversationId);
  for (let tries = 0; tries < REFRESH_ATTEMPTS; tries++) {
    const conversation = await getRecord<Conversation & { lastMessage?: LastMessage; erasedAt?: string }>(ctx, key);
    if (conversation === undefined || conversation.erasedAt !== undefined) return false;
    const messages = await queryAll(ctx, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': conversationPk(tenantId, conversationId), ':prefix': PREFIX_MESSAGE },
      ConsistentRead: true,
    });
    const summary = summarizeMessages(messages as unknown as Message[]);
    const names: Record<string, string> = {
      '#gpk': TABLE_KEYS.gsi2.partitionKey,
      '#gsk': TABLE_KEYS.gsi2.sortKey,
      '#updatedAt': 'updatedAt',
      '#search': 'search',
    };
    const values: Record<string, unknown> = {
      ':gpk': inboxPk(tenantId),
      ':gsk': inboxSk(conversation.updatedAt, conversationId),
      ':count': summary.messageCount,
      ':search': searchKeysOf(conversationId, conversation.contact),
      ':updatedAt': conversation.updatedAt,
    };
    let condition = 'attribute_exists(pk) AND attribute_not_exists(erasedAt) AND #updatedAt = :updatedAt';
    if (summary.lastMessage === undefined) {
      condition += ' AND attribute_not_exists(lastMessage)';
    } else {
      values[':last'] = summary.lastMessage;
      values[':id'] = summary.lastMessage.id;
      condition += ' AND (attribute_not_exists(lastMessage) OR lastMessage.id <= :id)';
    }
    const written = await attempt(() =>
      ctx.client.send(
        new UpdateCommand({
          TableName: ctx.tableName,
          Key: key,
          UpdateExpression: `SET #gpk = :gpk, #gsk = :gsk, messageCount = :count, #search = :search${
            summary.lastMessage === undefined ? '' : ', lastMessage = :last'
          }`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
    if (written) return true;
  }
  throw new Error(`the inbox row of a conversation kept changing while it was refreshed`);
}
