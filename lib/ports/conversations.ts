/** Conversations, their messages and the feedback on them. */
import type { InboxEntry, InboxFilter } from '#lib/domain/inbox';
import type { Conversation, Message, MessageFeedback, Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';

/**
 * The fields updateConversation may change. Stores ignore anything else in `changes` (a caller
 * passing a whole record, say), so an update can never move a conversation's tenant or id.
 */
export const CONVERSATION_UPDATABLE_FIELDS = [
  'status',
  'contact',
  'channel',
  'outputFormat',
  'webhooks',
  'metadata',
  'scheduled',
  'prospectId',
  'modelFault',
  'needsHuman',
  'updatedAt',
] as const satisfies readonly (keyof Conversation)[];

export type ConversationChanges = Partial<Pick<Conversation, (typeof CONVERSATION_UPDATABLE_FIELDS)[number]>>;

/**
 * What is left of an erased conversation: its ids and life, so in-flight work finds it and does
 * nothing, and a new message under the same id starts the next life. `finished` once every step
 * of the erasure has run; until then a repeated erasure resumes it.
 */
export interface ConversationTombstone {
  tenantId: string;
  id: string;
  aiId: string;
  incarnation: number;
  erasedAt: string;
  finished: boolean;
}

/** A conversation as the expiry job lists it. */
export interface ConversationTouch {
  conversationId: string;
  updatedAt: string;
}

export interface ConversationStore {
  /** The live conversation; undefined when there is none or it was erased (a tombstone). */
  getConversation(tenantId: string, conversationId: string): Promise<Conversation | undefined>;
  /**
   * Creates the conversation unless it exists; returns the stored one either way. Over a finished
   * tombstone it starts the id's next life (incarnation + 1); over an unfinished one it throws
   * ConflictError, so no new message lands among data still being erased.
   */
  ensureConversation(conversation: Conversation): Promise<Conversation>;
  /** The conversation's tombstone, if it was erased. */
  getTombstone(tenantId: string, conversationId: string): Promise<ConversationTombstone | undefined>;
  /**
   * Turns the live conversation into an unfinished tombstone in one conditional write, returning
   * the conversation as it was; returns the tombstone when it already is one (a resumed erasure)
   * and undefined when there is neither.
   */
  tombstoneConversation(
    tenantId: string,
    conversationId: string,
    at: string,
  ): Promise<{ conversation?: Conversation; tombstone: ConversationTombstone } | undefined>;
  /** Marks the tombstone finished and drops every field but its ids (a no-op if already finished). */
  finishTombstone(tenantId: string, conversationId: string): Promise<void>;
  /**
   * Up to `limit` of the tenant's live conversations last updated before `cutoff` (ISO), least
   * recently updated first: the expiry job's candidates, from the inbox index (`gsi2`, eventually
   * consistent, so the job reads each conversation again before erasing it).
   */
  listConversationsUpdatedBefore(tenantId: string, cutoff: string, limit: number): Promise<ConversationTouch[]>;
  /** Deletes one message (and its feedback); fine if it does not exist. */
  deleteMessage(tenantId: string, conversationId: string, messageId: string): Promise<void>;
  /** Applies a partial update to an existing conversation. */
  updateConversation(tenantId: string, conversationId: string, changes: ConversationChanges): Promise<void>;
  /**
   * Adds one to the conversation's version (0 when it has none) and applies `changes`, in one
   * write; returns the conversation as written. Throws NotFoundError if it does not exist.
   */
  bumpConversation(tenantId: string, conversationId: string, changes: ConversationChanges): Promise<Conversation>;
  /**
   * Stores a message unless one with its id exists; returns false if it existed. An inbound
   * message with status `queued` or `answering` is listed as pending for the recovery sweep. The
   * conversation's inbox row (last message, message count) takes it in too, also when the message
   * existed (a retry after a crash between the two writes), never counting it twice.
   *
   * Then reads the conversation again: if it was erased meanwhile (a tombstone, or a life other
   * than `expect.incarnation`), deletes the message and throws NotFoundError. Erasure tombstones
   * first and lists afterwards, so a write racing it is either listed and erased or undone here.
   */
  putMessage(message: Message, expect?: { incarnation?: number }): Promise<boolean>;
  getMessage(tenantId: string, conversationId: string, messageId: string): Promise<Message | undefined>;
  /** All messages of the conversation, oldest first. */
  listMessages(tenantId: string, conversationId: string): Promise<Message[]>;
  /**
   * The newest `limit` messages of the conversation (all of them when it has fewer), oldest
   * first. Message ids are ULIDs, so id order is time order.
   */
  listRecentMessages(tenantId: string, conversationId: string, limit: number): Promise<Message[]>;
  /**
   * Marks an unanswered inbound message as being answered by `replyId`. Succeeds if it is
   * unclaimed or already claimed by the same reply; returns false if another reply holds it or it
   * is no longer unanswered.
   */
  claimMessage(tenantId: string, conversationId: string, messageId: string, replyId: string): Promise<boolean>;
  /**
   * Records the outcome for an unanswered inbound message and drops it from the pending list. With
   * `replyId`, only an unclaimed message or one claimed by that reply is settled. A no-op if it is
   * already settled or held by another reply.
   */
  settleMessage(
    tenantId: string,
    conversationId: string,
    messageId: string,
    outcome: { status: 'answered' | 'escalated' | 'failed'; replyId?: string; answer?: string; at: string },
  ): Promise<void>;
  /**
   * Stores feedback on a message, replacing any earlier feedback (one per message). Returns false,
   * writing nothing, if the message does not exist.
   */
  recordFeedback(
    tenantId: string,
    conversationId: string,
    messageId: string,
    feedback: MessageFeedback,
  ): Promise<boolean>;
  /**
   * One page of the tenant's inbox, most recently updated first: conversations that pass every
   * filter. A page may come back short (even empty) with a cursor when the filters discarded many
   * conversations; reading on with the cursor continues where it stopped.
   *
   * @throws ValidationError naming `cursor` for a cursor this list did not return
   */
  listInbox(tenantId: string, filter: InboxFilter, page: PageRequest): Promise<Page<InboxEntry>>;
  /**
   * Computes the conversation's inbox row from its messages and puts it in the inbox; false if
   * the conversation does not exist. Idempotent: the backfill of conversations stored before the
   * inbox existed, and the repair of a count a late message could not simply add to.
   */
  refreshInbox(tenantId: string, conversationId: string): Promise<boolean>;
  /**
   * Conversations of any tenant that are not in the inbox yet (stored before it existed), one
   * page at a time; a page may be short or empty while `nextCursor` is not null.
   */
  listConversationsOutsideInbox(page: PageRequest): Promise<Page<{ tenantId: string; conversationId: string }>>;
}
