/** Conversations in the single table: each has its own partition, shared with its messages. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { attempt, type DynamoContext, getRecord, putIfAbsent } from '#lib/adapters/aws/dynamo-context';
import { conversationKey } from '#lib/adapters/aws/dynamo-keys';
import { ConcurrencyError } from '#lib/domain/errors';
import type { Conversation } from '#lib/domain/types';
import { type ConversationChanges, CONVERSATION_UPDATABLE_FIELDS } from '#lib/ports';

export function getConversation(
  ctx: DynamoContext,
  tenantId: string,
  conversationId: string,
): Promise<Conversation | undefined> {
  return getRecord<Conversation>(ctx, conversationKey(tenantId, conversationId));
}

/** Creates the conversation unless it exists; returns the stored one either way. */
export async function ensureConversation(ctx: DynamoContext, conversation: Conversation): Promise<Conversation> {
  const key = conversationKey(conversation.tenantId, conversation.id);
  if (await putIfAbsent(ctx, { ...conversation, ...key })) return conversation;
  const stored = await getRecord<Conversation>(ctx, key);
  // Conversations are never deleted, so a refused create leaves one to read.
  if (stored === undefined)
    throw new ConcurrencyError(`Conversation ${conversation.id} vanished after a conflicting create`);
  return stored;
}

/**
 * Sets only the fields present in `changes` (a field given as undefined is left unchanged), so
 * concurrent updates of different fields do not overwrite each other. Throws ConcurrencyError if
 * the conversation does not exist.
 */
export async function updateConversation(
  ctx: DynamoContext,
  tenantId: string,
  conversationId: string,
  changes: ConversationChanges,
): Promise<void> {
  const key = conversationKey(tenantId, conversationId);
  const fields = CONVERSATION_UPDATABLE_FIELDS.flatMap((field) =>
    changes[field] === undefined ? [] : [[field, changes[field]] as const],
  );
  if (fields.length === 0) {
    // Nothing to write, but the caller still learns that the conversation is missing.
    if ((await getRecord(ctx, key)) === undefined) throw missing(conversationId);
    return;
  }
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const assignments = fields.map(([field, value], index) => {
    names[`#f${index}`] = field;
    values[`:v${index}`] = value;
    return `#f${index} = :v${index}`;
  });
  const updated = await attempt(() =>
    ctx.client.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: key,
        UpdateExpression: `SET ${assignments.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    ),
  );
  if (!updated) throw missing(conversationId);
}

function missing(conversationId: string): ConcurrencyError {
  return new ConcurrencyError(`Conversation ${conversationId} does not exist`);
}
