/** Conversations in the single table: each has its own partition, shared with its messages. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { attempt, getRecord, isConditionFailed, putIfAbsent } from '#lib/adapters/aws/dynamo-context';
import { conversationKey, toRecord } from '#lib/adapters/aws/dynamo-keys';
import { conversationRef } from '#lib/domain/conversation-ref';
import { ConcurrencyError, NotFoundError } from '#lib/domain/errors';
import type { InboxEntry, InboxFilter } from '#lib/domain/inbox';
import type { Conversation, Message, Page } from '#lib/domain/types';
import { listUpdatedBefore } from '#lib/adapters/aws/dynamo-conversation-index';
import {
  finishTombstone,
  restartOverTombstone,
  type TombstoneFields,
  tombstone,
  toTombstone,
} from '#lib/adapters/aws/dynamo-conversation-tombstones';
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
  type ConversationTombstone,
  type ConversationTouch,
  CONVERSATION_UPDATABLE_FIELDS,
} from '#lib/ports/conversations';

/**
 * The ConversationStore port on the single table: the conversation records here, their messages
 * in DynamoMessages.
 */
export class DynamoConversationStore extends DynamoMessages implements ConversationStore {
  async getConversation(tenantId: string, conversationId: string): Promise<Conversation | undefined> {
    const item = await getRecord<ConversationItem>(this.ctx, conversationKey(tenantId, conversationId));
    return item === undefined || item.erasedAt !== undefined ? undefined : fromItem(item);
  }

  async getTombstone(tenantId: string, conversationId: string): Promise<ConversationTombstone | undefined> {
    const item = await getRecord<ConversationItem>(this.ctx, conversationKey(tenantId, conversationId));
    return item === undefined ? undefined : toTombstone(item);
  }

  /** The tombstone, and the conversation as it was, read as every other conversation read (row and storage names aside). */
  async tombstoneConversation(tenantId: string, conversationId: string, at: string) {
    const result = await tombstone(this.ctx, tenantId, conversationId, at);
    if (result?.conversation === undefined) return result;
    return { ...result, conversation: fromItem(result.conversation as ConversationItem) };
  }

  listConversationsUpdatedBefore(tenantId: string, cutoff: string, limit: number): Promise<ConversationTouch[]> {
    return listUpdatedBefore(this.ctx, tenantId, cutoff, limit);
  }

  finishTombstone(tenantId: string, conversationId: string): Promise<void> {
    return finishTombstone(this.ctx, tenantId, conversationId);
  }

  /**
   * Puts the message, then reads the conversation again (consistently): a tombstone or a later
   * life means an erasure ran meanwhile and may have listed the partition before this write, so
   * the write is undone here.
   */
  async putMessage(message: Message, expect?: { incarnation?: number }): Promise<boolean> {
    const written = await this.putMessageItem(message);
    const item = await getRecord<ConversationItem>(this.ctx, conversationKey(message.tenantId, message.conversationId));
    const life = item?.incarnation ?? 0;
    if (item?.erasedAt !== undefined || (expect?.incarnation ?? life) !== life) {
      await this.deleteMessage(message.tenantId, message.conversationId, message.id);
      throw erased();
    }
    // Also when it existed: a retry after a crash between the two writes must still note it.
    await noteMessage(this.ctx, message);
    return written;
  }

  /** Creates the conversation unless it exists; returns the stored one either way. */
  async ensureConversation(conversation: Conversation): Promise<Conversation> {
    const key = conversationKey(conversation.tenantId, conversation.id);
    // Read first: nearly every message is for a conversation that exists, so this is one call, not a
    // refused create (a write unit spent) and then the read.
    const existing = await getRecord<ConversationItem>(this.ctx, key);
    if (existing !== undefined) return this.liveOrRestart(conversation, existing);
    if (await putIfAbsent(this.ctx, { ...toItem(conversation), ...key })) return conversation;
    const stored = await getRecord<ConversationItem>(this.ctx, key);
    // The conversation item is never deleted (erasure leaves a tombstone), so a refused create leaves one to read.
    if (stored === undefined)
      throw new ConcurrencyError(
        `Conversation ${conversationRef(conversation.tenantId, conversation.id)} vanished after a conflicting create`,
      );
    return this.liveOrRestart(conversation, stored);
  }

  /** The stored conversation, or over a tombstone the id's next life (see restartOverTombstone). */
  private async liveOrRestart(conversation: Conversation, stored: ConversationItem): Promise<Conversation> {
    const found = toTombstone(stored);
    if (found === undefined) return fromItem(stored);
    const restarted = await restartOverTombstone(this.ctx, conversation, found, toItem);
    if (restarted !== undefined) return restarted;
    // A racing first message restarted it first: that life is the one to use.
    return this.ensureConversation(conversation);
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
          ConditionExpression: LIVE,
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
          ConditionExpression: LIVE,
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

/** Updates apply to live conversations only: a tombstone is never written back to life. */
const LIVE = 'attribute_exists(pk) AND attribute_not_exists(erasedAt)';

/** A conversation as its item holds it (keys aside). */
type ConversationItem = Omit<Conversation, 'prospectId'> & {
  [STORED_PROSPECT]?: { prospectId: string };
} & TombstoneFields;

/** The item of a new live conversation, listed in the inbox index by its last update with an empty row. */
function toItem(conversation: Conversation): ConversationItem {
  const { prospectId, ...rest } = conversation;
  const listed = { ...rest, ...newInboxAttributes(conversation) };
  return prospectId === undefined ? listed : { ...listed, [STORED_PROSPECT]: { prospectId } };
}

function fromItem(item: ConversationItem): Conversation {
  const { [STORED_PROSPECT]: stored, erasedAt: _erased, erasureFinished: _finished, ...rest } = item;
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

function erased(): NotFoundError {
  return new NotFoundError('the conversation was erased', {
    details: [{ path: 'conversation_id', message: 'the conversation was erased' }],
  });
}

// Errors that a worker may log name the conversation by its ref: its id is often an e-mail address.
function missing(tenantId: string, conversationId: string): ConcurrencyError {
  return new ConcurrencyError(`Conversation ${conversationRef(tenantId, conversationId)} does not exist`);
}
