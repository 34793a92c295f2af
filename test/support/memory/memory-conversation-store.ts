/** ConversationStore in memory: conversations, their messages and feedback. */
import { clone, compare, insertIfAbsent, key, checkTenant } from '#test/support/memory/memory-records';
import { ConcurrencyError, ConflictError, NotFoundError, ValidationError } from '#lib/domain/errors';
import {
  type InboxEntry,
  type InboxFilter,
  type InboxSummary,
  matchesInboxFilter,
  summarizeMessages,
  toLastMessage,
} from '#lib/domain/inbox';
import type { Conversation, Message, MessageFeedback, Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';
import {
  type ConversationChanges,
  type ConversationStore,
  type ConversationTombstone,
  CONVERSATION_UPDATABLE_FIELDS,
} from '#lib/ports/conversations';
import type { PendingEntry } from '#test/support/memory/memory-pending-work-store';

type MessageOutcome = Parameters<ConversationStore['settleMessage']>[3];

export class MemoryConversationStore implements ConversationStore {
  private readonly conversations = new Map<string, Conversation>();
  private readonly messages = new Map<string, Message>();
  /** Inbox rows by conversation key; a conversation without one was stored "before the inbox". */
  private readonly rows = new Map<string, InboxSummary>();

  private readonly tombstones = new Map<string, ConversationTombstone>();

  async getConversation(tenantId: string, conversationId: string): Promise<Conversation | undefined> {
    return clone(this.conversations.get(key(tenantId, conversationId)));
  }
  async ensureConversation(conversation: Conversation): Promise<Conversation> {
    const k = key(conversation.tenantId, conversation.id);
    const erased = this.tombstones.get(k);
    if (erased !== undefined) {
      if (!erased.finished) throw new ConflictError('this conversation is being erased');
      this.tombstones.delete(k);
      this.conversations.set(k, clone({ ...conversation, incarnation: erased.incarnation + 1 }));
      this.rows.set(k, { messageCount: 0 });
    }
    if (!this.conversations.has(k)) this.rows.set(k, { messageCount: 0 });
    return clone(insertIfAbsent(this.conversations, k, conversation));
  }
  /** A conversation as stored before the inbox existed (no row): what the backfill finds. */
  seedWithoutInbox(conversation: Conversation): void {
    this.conversations.set(key(conversation.tenantId, conversation.id), clone(conversation));
  }
  async getTombstone(tenantId: string, conversationId: string): Promise<ConversationTombstone | undefined> {
    return clone(this.tombstones.get(key(tenantId, conversationId)));
  }
  async tombstoneConversation(tenantId: string, conversationId: string, at: string) {
    const k = key(tenantId, conversationId);
    const live = this.conversations.get(k);
    if (live === undefined) {
      const found = this.tombstones.get(k);
      return found === undefined ? undefined : { tombstone: clone(found) };
    }
    const { aiId, incarnation } = live;
    const tombstone = {
      tenantId,
      id: conversationId,
      aiId,
      incarnation: incarnation ?? 0,
      erasedAt: at,
      finished: false,
    };
    this.conversations.delete(k);
    this.rows.delete(k);
    this.tombstones.set(k, tombstone);
    return { conversation: clone(live), tombstone: clone(tombstone) };
  }
  async finishTombstone(tenantId: string, conversationId: string): Promise<void> {
    const found = this.tombstones.get(key(tenantId, conversationId));
    if (found !== undefined) found.finished = true;
  }
  async listConversationsUpdatedBefore(tenantId: string, cutoff: string, limit: number) {
    const tenant = checkTenant(tenantId);
    return [...this.conversations.values()]
      .filter((c) => c.tenantId === tenant && `${c.updatedAt}#${c.id}` < cutoff)
      .sort((a, b) => compare(`${a.updatedAt}#${a.id}`, `${b.updatedAt}#${b.id}`))
      .slice(0, limit)
      .map((c) => ({ conversationId: c.id, updatedAt: c.updatedAt }));
  }
  async deleteMessage(tenantId: string, conversationId: string, messageId: string): Promise<void> {
    this.messages.delete(key(tenantId, conversationId, messageId));
  }
  async updateConversation(tenantId: string, conversationId: string, changes: ConversationChanges): Promise<void> {
    const stored = this.conversations.get(key(tenantId, conversationId));
    if (stored === undefined) throw new ConcurrencyError(`Conversation ${conversationId} does not exist`);
    applyChanges(stored, changes);
  }
  async bumpConversation(tenantId: string, conversationId: string, changes: ConversationChanges) {
    const stored = this.conversations.get(key(tenantId, conversationId));
    if (stored === undefined) {
      throw new NotFoundError(`no conversation with id ${conversationId}`, {
        details: [{ path: 'conversation_id', message: 'no conversation with this id' }],
      });
    }
    applyChanges(stored, changes);
    stored.version = (stored.version ?? 0) + 1;
    return clone(stored);
  }
  /** As in DynamoDB: written, then undone if the conversation was erased (or restarted) meanwhile. */
  async putMessage(message: Message, expect?: { incarnation?: number }): Promise<boolean> {
    const k = key(message.tenantId, message.conversationId, message.id);
    const created = !this.messages.has(k);
    if (created) this.messages.set(k, clone(message));
    const conversationKey = key(message.tenantId, message.conversationId);
    const life = this.conversations.get(conversationKey)?.incarnation ?? 0;
    if (this.tombstones.has(conversationKey) || (expect?.incarnation ?? life) !== life) {
      this.messages.delete(k);
      throw new NotFoundError('the conversation was erased', {
        details: [{ path: 'conversation_id', message: 'the conversation was erased' }],
      });
    }
    const row = this.rows.get(conversationKey);
    const stored = this.conversations.get(conversationKey);
    if (row !== undefined && stored !== undefined && (row.lastMessage?.id ?? '') < message.id) {
      row.lastMessage = toLastMessage(message);
      row.messageCount += 1;
      stored.updatedAt = message.createdAt;
    } else if (row !== undefined && row.lastMessage?.id !== message.id) {
      await this.refreshInbox(message.tenantId, message.conversationId);
    }
    return created;
  }
  async listInbox(tenantId: string, filter: InboxFilter, page: PageRequest): Promise<Page<InboxEntry>> {
    const tenant = checkTenant(tenantId);
    const order = (entry: InboxEntry) => `${entry.updatedAt}#${entry.id}`;
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
    const entries = [...this.conversations.entries()]
      .filter(([k, c]) => c.tenantId === tenant && this.rows.has(k))
      .map(([k, c]) => toEntry(c, this.rows.get(k) as InboxSummary))
      .filter((entry) => after === undefined || order(entry) < after)
      .filter((entry) => matchesInboxFilter(entry, filter))
      .sort((a, b) => compare(order(b), order(a)));
    const items = entries.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: clone(items),
      nextCursor: entries.length > page.limit && last !== undefined ? encodeCursor(order(last)) : null,
    };
  }
  async refreshInbox(tenantId: string, conversationId: string): Promise<boolean> {
    if (!this.conversations.has(key(tenantId, conversationId))) return false;
    this.rows.set(key(tenantId, conversationId), summarizeMessages(this.messagesOf(tenantId, conversationId)));
    return true;
  }
  async listConversationsOutsideInbox(page: PageRequest) {
    const outside = [...this.conversations.entries()]
      .filter(([k]) => !this.rows.has(k))
      .map(([, c]) => ({ tenantId: c.tenantId, conversationId: c.id }));
    // Rows are added as the backfill goes, so the first page of what is still outside is the next one.
    const items = outside.slice(0, page.limit);
    return { items, nextCursor: outside.length > page.limit ? encodeCursor(String(page.limit)) : null };
  }
  async getMessage(tenantId: string, conversationId: string, messageId: string): Promise<Message | undefined> {
    return clone(this.messages.get(key(tenantId, conversationId, messageId)));
  }
  async listMessages(tenantId: string, conversationId: string): Promise<Message[]> {
    return this.messagesOf(tenantId, conversationId);
  }
  async listRecentMessages(tenantId: string, conversationId: string, limit: number): Promise<Message[]> {
    return this.messagesOf(tenantId, conversationId).slice(-limit);
  }
  private messagesOf(tenantId: string, conversationId: string): Message[] {
    const tenant = checkTenant(tenantId);
    return [...this.messages.values()]
      .filter((message) => message.tenantId === tenant && message.conversationId === conversationId)
      .sort((a, b) => compare(a.id, b.id))
      .map(clone);
  }
  async claimMessage(tenantId: string, conversationId: string, messageId: string, replyId: string): Promise<boolean> {
    const message = this.messages.get(key(tenantId, conversationId, messageId));
    if (message === undefined || !isUnanswered(message)) return false;
    if (message.replyId !== undefined && message.replyId !== replyId) return false;
    message.status = 'answering';
    message.replyId = replyId;
    return true;
  }
  async settleMessage(tenantId: string, conversationId: string, messageId: string, outcome: MessageOutcome) {
    const message = this.messages.get(key(tenantId, conversationId, messageId));
    if (message === undefined || !isUnanswered(message)) return;
    if (outcome.replyId !== undefined && message.replyId !== undefined && message.replyId !== outcome.replyId) return;
    message.status = outcome.status;
    message.answeredAt = outcome.at;
    if (outcome.replyId !== undefined) message.replyId = outcome.replyId;
    if (outcome.answer !== undefined) message.answer = outcome.answer;
  }
  async recordFeedback(tenantId: string, conversationId: string, messageId: string, feedback: MessageFeedback) {
    const message = this.messages.get(key(tenantId, conversationId, messageId));
    if (message === undefined) return false;
    message.feedback = clone(feedback);
    return true;
  }

  /** Unanswered inbound messages and unfinished erasures, for the pending-work list. */
  pendingEntries(): PendingEntry[] {
    const waiting: PendingEntry[] = [];
    for (const m of this.messages.values()) {
      if (m.direction !== 'inbound' || !isUnanswered(m)) continue;
      const { tenantId, conversationId, id: messageId, createdAt: since } = m;
      waiting.push({
        order: `${since}#MSG#${messageId}`,
        ref: { kind: 'message', tenantId, conversationId, messageId, since },
      });
    }
    for (const { tenantId, id: conversationId, erasedAt: since, finished } of this.tombstones.values()) {
      if (finished) continue;
      waiting.push({
        order: `${since}#CONV#${conversationId}`,
        ref: { kind: 'erasure', tenantId, conversationId, since },
      });
    }
    return waiting;
  }
}

function toEntry(conversation: Conversation, row: InboxSummary): InboxEntry {
  const { tenantId, id, aiId, status, contact, channel, scheduled, createdAt, updatedAt } = conversation;
  return {
    ...{ tenantId, id, aiId, status, contact, createdAt, updatedAt },
    ...(channel === undefined ? {} : { channel }),
    ...(scheduled === undefined ? {} : { scheduled }),
    ...row,
    needsHuman: conversation.needsHuman === true,
  };
}

function encodeCursor(position: string): string {
  return Buffer.from(JSON.stringify({ after: position }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'after' in parsed && typeof parsed.after === 'string')
      return parsed.after;
  } catch {}
  throw new ValidationError('Invalid cursor', {
    details: [{ path: 'cursor', message: 'is not a cursor returned by this list' }],
  });
}

function applyChanges(conversation: Conversation, changes: ConversationChanges): void {
  for (const field of CONVERSATION_UPDATABLE_FIELDS) {
    if (changes[field] !== undefined) Object.assign(conversation, clone({ [field]: changes[field] }));
  }
}

function isUnanswered(message: Message): boolean {
  return message.status === 'queued' || message.status === 'answering';
}
