/** ConversationStore in memory: conversations, their messages and feedback. */
import { clone, compare, insertIfAbsent, key, checkTenant } from '#test/support/memory/memory-records';
import { ConcurrencyError, NotFoundError } from '#lib/domain/errors';
import type { Conversation, Message, MessageFeedback } from '#lib/domain/types';
import {
  type ConversationChanges,
  type ConversationStore,
  CONVERSATION_UPDATABLE_FIELDS,
} from '#lib/ports/conversations';
import type { PendingEntry } from '#test/support/memory/memory-pending-work-store';

type MessageOutcome = Parameters<ConversationStore['settleMessage']>[3];

export class MemoryConversationStore implements ConversationStore {
  private readonly conversations = new Map<string, Conversation>();
  private readonly messages = new Map<string, Message>();

  async getConversation(tenantId: string, conversationId: string): Promise<Conversation | undefined> {
    return clone(this.conversations.get(key(tenantId, conversationId)));
  }
  async ensureConversation(conversation: Conversation): Promise<Conversation> {
    return clone(insertIfAbsent(this.conversations, key(conversation.tenantId, conversation.id), conversation));
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
  async putMessage(message: Message): Promise<boolean> {
    const k = key(message.tenantId, message.conversationId, message.id);
    if (this.messages.has(k)) return false;
    this.messages.set(k, clone(message));
    return true;
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

  /** Unanswered inbound messages, for the pending-work list. */
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
    return waiting;
  }
}

function applyChanges(conversation: Conversation, changes: ConversationChanges): void {
  for (const field of CONVERSATION_UPDATABLE_FIELDS) {
    if (changes[field] !== undefined) Object.assign(conversation, clone({ [field]: changes[field] }));
  }
}

function isUnanswered(message: Message): boolean {
  return message.status === 'queued' || message.status === 'answering';
}
