/** Conversations in the single table: each has its own partition, shared with its messages. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  attempt,
  type DynamoContext,
  getRecord,
  isConditionFailed,
  putIfAbsent,
} from '#lib/adapters/aws/dynamo-context';
import { conversationKey, toRecord } from '#lib/adapters/aws/dynamo-keys';
import { conversationRef } from '#lib/domain/conversation-ref';
import { ConcurrencyError, NotFoundError } from '#lib/domain/errors';
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
  // Read first: nearly every message is for a conversation that exists, so this is one call, not a
  // refused create (a write unit spent) and then the read.
  const existing = await getRecord<Conversation>(ctx, key);
  if (existing !== undefined) return existing;
  if (await putIfAbsent(ctx, { ...conversation, ...key })) return conversation;
  const stored = await getRecord<Conversation>(ctx, key);
  // Conversations are never deleted, so a refused create leaves one to read.
  if (stored === undefined)
    throw new ConcurrencyError(
      `Conversation ${conversationRef(conversation.tenantId, conversation.id)} vanished after a conflicting create`,
    );
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
  const { assignments, names, values } = setClause(changes);
  if (assignments.length === 0) {
    // Nothing to write, but the caller still learns that the conversation is missing.
    if ((await getRecord(ctx, key)) === undefined) throw missing(tenantId, conversationId);
    return;
  }
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
  if (!updated) throw missing(tenantId, conversationId);
}

/**
 * Adds one to the version (ADD treats an absent one as 0) and sets the fields present in
 * `changes`, in one UpdateItem, so a timer set at the old version can tell it is stale. Returns the
 * conversation as written; throws NotFoundError (naming `conversation_id`) if it does not exist.
 */
export async function bumpConversation(
  ctx: DynamoContext,
  tenantId: string,
  conversationId: string,
  changes: ConversationChanges,
): Promise<Conversation> {
  const { assignments, names, values } = setClause(changes);
  try {
    const output = await ctx.client.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: conversationKey(tenantId, conversationId),
        UpdateExpression: `ADD #version :one${assignments.length > 0 ? ` SET ${assignments.join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { ...names, '#version': 'version' },
        ExpressionAttributeValues: { ...values, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (output.Attributes === undefined) throw new Error('UpdateItem returned no attributes for ALL_NEW');
    return toRecord<Conversation>(output.Attributes);
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    throw new NotFoundError('no conversation with this id', {
      details: [{ path: 'conversation_id', message: 'no conversation with this id' }],
    });
  }
}

/**
 * `#f0 = :v0, …` for the updatable fields present in `changes` (a field given as undefined is left
 * unchanged), so concurrent updates of different fields do not overwrite each other.
 */
function setClause(changes: ConversationChanges): {
  assignments: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const assignments = CONVERSATION_UPDATABLE_FIELDS.filter((field) => changes[field] !== undefined).map(
    (field, index) => {
      names[`#f${index}`] = field;
      values[`:v${index}`] = changes[field];
      return `#f${index} = :v${index}`;
    },
  );
  return { assignments, names, values };
}

// Errors that a worker may log name the conversation by its ref: its id is often an e-mail address.
function missing(tenantId: string, conversationId: string): ConcurrencyError {
  return new ConcurrencyError(`Conversation ${conversationRef(tenantId, conversationId)} does not exist`);
}
