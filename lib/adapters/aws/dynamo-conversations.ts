/** Conversations in the single table: each has its own partition, shared with its messages. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { attempt, getRecord, isConditionFailed, putIfAbsent } from '#lib/adapters/aws/dynamo-context';
import { conversationKey, toRecord } from '#lib/adapters/aws/dynamo-keys';
import { conversationRef } from '#lib/domain/conversation-ref';
import { ConcurrencyError, NotFoundError } from '#lib/domain/errors';
import type { InboxEntry, InboxFilter } from '#lib/domain/inbox';
import type { Conversation, Message, Page } from '#lib/domain/types';
import { DynamoMessages } from '#lib/adapters/aws/dynamo-messages';
import {
  INBOX_ROW_ATTRIBUTES,
  inboxChanges,
  newInboxAttributes,
  noteMessage,
  refreshInboxRow,
} from '#lib/adapters/aws/dynamo-inbox';
import { queryInbox, scanOutsideInbox } from '#lib/adapters/aws/dynamo-inbox-query';
import type { PageRequest } from '#lib/ports/paging';
import {
  type ConversationChanges,
  type ConversationStore,
  CONVERSATION_UPDATABLE_FIELDS,
} from '#lib/ports/conversations';

/**
 * The ConversationStore port on the single table: the conversation records here, their messages
 * in DynamoMessages.
 */
export class DynamoConversationStore extends DynamoMessages implements ConversationStore {
  async getConversation(tenantId: string, conversationId: string): Promise<Conversation | undefined> {
    const item = await getRecord<ConversationItem>(this.ctx, conversationKey(tenantId, conversationId));
    return item === undefined ? undefined : fromItem(item);
  }

  /** Creates the conversation unless it exists; returns the stored one either way. */
  async ensureConversation(conversation: Conversation): Promise<Conversation> {
    const key = conversationKey(conversation.tenantId, conversation.id);
    // Read first: nearly every message is for a conversation that exists, so this is one call, not a
    // refused create (a write unit spent) and then the read.
    const existing = await getRecord<ConversationItem>(this.ctx, key);
    if (existing !== undefined) return fromItem(existing);
    if (await putIfAbsent(this.ctx, { ...toItem(conversation), ...newInboxAttributes(conversation), ...key }))
      return conversation;
    const stored = await getRecord<ConversationItem>(this.ctx, key);
    // Conversations are never deleted, so a refused create leaves one to read.
    if (stored === undefined)
      throw new ConcurrencyError(
        `Conversation ${conversationRef(conversation.tenantId, conversation.id)} vanished after a conflicting create`,
      );
    return fromItem(stored);
  }

  /**
   * Sets only the fields present in `changes` (a field given as undefined is left unchanged), so
   * concurrent updates of different fields do not overwrite each other. Throws ConcurrencyError if
   * the conversation does not exist.
   */
  async updateConversation(tenantId: string, conversationId: string, changes: ConversationChanges): Promise<void> {
    const key = conversationKey(tenantId, conversationId);
    const { assignments, names, values } = setClause(conversationId, changes);
    if (assignments.length === 0) {
      // Nothing to write, but the caller still learns that the conversation is missing.
      if ((await getRecord(this.ctx, key)) === undefined) throw missing(tenantId, conversationId);
      return;
    }
    const updated = await attempt(() =>
      this.ctx.client.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
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
  async bumpConversation(
    tenantId: string,
    conversationId: string,
    changes: ConversationChanges,
  ): Promise<Conversation> {
    const { assignments, names, values } = setClause(conversationId, changes);
    try {
      const output = await this.ctx.client.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
          Key: conversationKey(tenantId, conversationId),
          UpdateExpression: `ADD #version :one${assignments.length > 0 ? ` SET ${assignments.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { ...names, '#version': 'version' },
          ExpressionAttributeValues: { ...values, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (output.Attributes === undefined) throw new Error('UpdateItem returned no attributes for ALL_NEW');
      return fromItem(toRecord<ConversationItem>(output.Attributes));
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      throw new NotFoundError('no conversation with this id', {
        details: [{ path: 'conversation_id', message: 'no conversation with this id' }],
      });
    }
  }

  /** Stores the message (see DynamoMessages) and then takes it into its conversation's inbox row. */
  override async putMessage(message: Message): Promise<boolean> {
    const created = await super.putMessage(message);
    // Also when it existed: a retry after a crash between the two writes must still note it.
    await noteMessage(this.ctx, message);
    return created;
  }

  /** See queryInbox: one Query of gsi2, the time range as key condition, the rest filtered. */
  listInbox(tenantId: string, filter: InboxFilter, page: PageRequest): Promise<Page<InboxEntry>> {
    return queryInbox(this.ctx, tenantId, filter, page);
  }

  refreshInbox(tenantId: string, conversationId: string): Promise<boolean> {
    return refreshInboxRow(this.ctx, tenantId, conversationId);
  }

  listConversationsOutsideInbox(page: PageRequest): Promise<Page<{ tenantId: string; conversationId: string }>> {
    return scanOutsideInbox(this.ctx, page);
  }
}

/**
 * Where a conversation's prospect id is stored: under `maax`, the name it had when the
 * Maax-compatible API was its only source, so items written before and after read alike.
 */
const STORED_PROSPECT = 'maax';

/** A conversation as its item holds it (keys aside). */
type ConversationItem = Omit<Conversation, 'prospectId'> & { [STORED_PROSPECT]?: { prospectId: string } };

function toItem(conversation: Conversation): ConversationItem {
  const { prospectId, ...rest } = conversation;
  return prospectId === undefined ? rest : { ...rest, [STORED_PROSPECT]: { prospectId } };
}

function fromItem(item: ConversationItem): Conversation {
  const { [STORED_PROSPECT]: stored, ...rest } = item;
  // The inbox row is the index's, not the conversation's.
  for (const name of INBOX_ROW_ATTRIBUTES) delete (rest as Record<string, unknown>)[name];
  return stored === undefined ? rest : { ...rest, prospectId: stored.prospectId };
}

/**
 * `#f0 = :v0, …` for the updatable fields present in `changes` (a field given as undefined is left
 * unchanged), so concurrent updates of different fields do not overwrite each other.
 */
function setClause(
  conversationId: string,
  changes: ConversationChanges,
): {
  assignments: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const assignments = CONVERSATION_UPDATABLE_FIELDS.filter((field) => changes[field] !== undefined).map(
    (field, index) => {
      names[`#f${index}`] = field === 'prospectId' ? STORED_PROSPECT : field;
      values[`:v${index}`] = field === 'prospectId' ? { prospectId: changes.prospectId } : changes[field];
      return `#f${index} = :v${index}`;
    },
  );
  // The inbox's sort key and search keys move in the same write as what they derive from.
  for (const [index, [name, value]] of Object.entries(inboxChanges(conversationId, changes)).entries()) {
    names[`#i${index}`] = name;
    values[`:i${index}`] = value;
    assignments.push(`#i${index} = :i${index}`);
  }
  return { assignments, names, values };
}

// Errors that a worker may log name the conversation by its ref: its id is often an e-mail address.
function missing(tenantId: string, conversationId: string): ConcurrencyError {
  return new ConcurrencyError(`Conversation ${conversationRef(tenantId, conversationId)} does not exist`);
}
