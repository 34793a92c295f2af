/**
 * The interfaces the use cases need. Adapters in `lib/adapters/*` implement them; tests use
 * in-memory fakes (test/support/fakes.ts).
 */
import type {
  Ai,
  ApiKeyRecord,
  Conversation,
  Delivery,
  DeliveryStatus,
  IdempotencyRecord,
  MaaxMessageRef,
  Message,
  MessageFeedback,
  Page,
  SetupItems,
  SetupKind,
  Tenant,
  WebhookHealth,
} from '#lib/domain/types';
import type { ModelReply, ReplyRequest } from '#lib/domain/reply';
import type { TimerKind } from '#lib/domain/timer-kinds';
import type {
  Correction,
  DocumentContentType,
  KnowledgeBase,
  KnowledgeDocument,
  KnowledgeGap,
  ParsedDocument,
} from '#lib/domain/knowledge/types';

export interface PageRequest {
  limit: number;
  cursor?: string;
}

export interface TenantStore {
  /** Creates the tenant unless it exists; returns the stored one either way. */
  ensureTenant(tenant: Tenant): Promise<Tenant>;
  getTenant(tenantId: string): Promise<Tenant | undefined>;
  /** Stores a key hash; a hash already stored is left as it is. */
  putApiKey(key: ApiKeyRecord): Promise<void>;
  /** The key whose hash this is, read consistently: a revoked key is never found. */
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  getApiKey(tenantId: string, keyId: string): Promise<ApiKeyRecord | undefined>;
  /** The tenant's keys in id (= creation) order; cursors as in listAis. */
  listApiKeys(tenantId: string, page: PageRequest): Promise<Page<ApiKeyRecord>>;
  /** Deletes the key, so it stops authenticating at once; returns false if there was nothing to delete. */
  revokeApiKey(tenantId: string, keyId: string): Promise<boolean>;
  /**
   * Counts one request of the key in the window `second` (the ISO time the second starts) unless
   * `limit` requests were already counted there; returns false, counting nothing, if they were.
   */
  countRequest(tenantId: string, keyId: string, second: string, limit: number): Promise<boolean>;
}

export interface AiStore {
  /** Throws ConcurrencyError if an AI with this id exists. */
  createAi(ai: Ai): Promise<void>;
  getAi(tenantId: string, aiId: string): Promise<Ai | undefined>;
  /** Oldest first; the cursor is opaque to callers (and rejected with ValidationError if forged). */
  listAis(tenantId: string, page: PageRequest): Promise<Page<Ai>>;
  /** Replaces the AI; throws ConcurrencyError if it no longer exists. */
  updateAi(ai: Ai): Promise<void>;
  /** Returns false if there was nothing to delete. */
  deleteAi(tenantId: string, aiId: string): Promise<boolean>;
  /**
   * Sets (or, with undefined, clears) only the AI's `webhookHealth`, so it never races a PATCH
   * that replaces the rest. Returns false, writing nothing, if the AI does not exist.
   */
  recordWebhookHealth(tenantId: string, aiId: string, health: WebhookHealth | undefined): Promise<boolean>;
}

/**
 * Products, strategies and goals: one set of methods for the three kinds, each typed by `kind`
 * (`getSetupItem('goal', …)` resolves to a Goal). Finding the AIs that use an item needs no method
 * of its own: a tenant has few AIs, so the use case lists them and filters.
 */
export interface SetupStore {
  /** Throws ConcurrencyError if an item of this kind with this id exists. */
  createSetupItem<K extends SetupKind>(kind: K, item: SetupItems[K]): Promise<void>;
  getSetupItem<K extends SetupKind>(kind: K, tenantId: string, id: string): Promise<SetupItems[K] | undefined>;
  /** Oldest first; cursors as in listAis (opaque, and only valid for this kind and tenant). */
  listSetupItems<K extends SetupKind>(kind: K, tenantId: string, page: PageRequest): Promise<Page<SetupItems[K]>>;
  /** Replaces the item; throws ConcurrencyError if it no longer exists. */
  updateSetupItem<K extends SetupKind>(kind: K, item: SetupItems[K]): Promise<void>;
  /** Returns false if there was nothing to delete. */
  deleteSetupItem(kind: SetupKind, tenantId: string, id: string): Promise<boolean>;
}

/** A reference to a record that is waiting for work, as found by the recovery sweep. */
export type PendingRef =
  | { kind: 'message'; tenantId: string; conversationId: string; messageId: string; since: string }
  | { kind: 'delivery'; tenantId: string; deliveryId: string; since: string }
  | {
      kind: 'document';
      tenantId: string;
      knowledgeBaseId: string;
      documentId: string;
      uploadId: string;
      since: string;
    };

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
  'maax',
  'modelFault',
  'updatedAt',
] as const satisfies readonly (keyof Conversation)[];

export type ConversationChanges = Partial<Pick<Conversation, (typeof CONVERSATION_UPDATABLE_FIELDS)[number]>>;

export interface ConversationStore {
  getConversation(tenantId: string, conversationId: string): Promise<Conversation | undefined>;
  /** Creates the conversation unless it exists; returns the stored one either way. */
  ensureConversation(conversation: Conversation): Promise<Conversation>;
  /** Applies a partial update to an existing conversation. */
  updateConversation(tenantId: string, conversationId: string, changes: ConversationChanges): Promise<void>;
  /**
   * Adds one to the conversation's version (0 when it has none) and applies `changes`, in one
   * write; returns the conversation as written. Throws NotFoundError if it does not exist.
   */
  bumpConversation(tenantId: string, conversationId: string, changes: ConversationChanges): Promise<Conversation>;
  /**
   * Stores a message unless one with its id exists; returns false if it existed. An inbound
   * message with status `queued` or `answering` is listed as pending for the recovery sweep.
   */
  putMessage(message: Message): Promise<boolean>;
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
  /** Records waiting longer than `olderThan` (ISO time), across all tenants, oldest first. */
  listPending(olderThan: string, limit: number): Promise<PendingRef[]>;
}

export interface DeliveryStore {
  /** Stores the delivery unless one with its id exists; returns false if it existed. */
  createDelivery(delivery: Delivery): Promise<boolean>;
  getDelivery(tenantId: string, deliveryId: string): Promise<Delivery | undefined>;
  /**
   * Takes the send lease of a pending delivery until `leaseUntil`, provided nobody holds an
   * unexpired lease at `now`. Returns the delivery as claimed, or undefined if it is not pending
   * or leased by another worker.
   */
  leaseDelivery(tenantId: string, deliveryId: string, now: string, leaseUntil: string): Promise<Delivery | undefined>;
  /** Records an attempt's outcome and releases the lease. Pending deliveries stay listed for the sweep. */
  recordAttempt(
    tenantId: string,
    deliveryId: string,
    result: Pick<Delivery, 'status' | 'attempts' | 'lastStatusCode' | 'lastError' | 'nextAttemptAt' | 'updatedAt'>,
  ): Promise<void>;
  /**
   * Newest first (delivery ids are time-ordered), only those with `status` when given; cursors as
   * in listAis.
   */
  listDeliveries(tenantId: string, page: PageRequest, status?: DeliveryStatus): Promise<Page<Delivery>>;
  /**
   * Makes a `failed` delivery pending again, due at `at`, with `attemptsBeforeRetry` set to its
   * attempts so far. Returns the delivery as updated, or undefined (writing nothing) if it is
   * missing or not failed.
   */
  retryFailedDelivery(tenantId: string, deliveryId: string, at: string): Promise<Delivery | undefined>;
  /**
   * Takes one of `limit` send slots of an endpoint for one second (`second`: the ISO time the
   * second starts); false when all are taken. Counted per tenant and endpoint (a hash of its origin).
   */
  takeSendSlot(tenantId: string, endpointKey: string, second: string, limit: number): Promise<boolean>;
}

/** The index that finds a Maax-compatible message by its id alone (Maax clients poll without the conversation). */
export interface MaaxMessageStore {
  /** Records where the message lives, unless a record for its id exists (the first one stays). */
  putMaaxMessageRef(ref: MaaxMessageRef): Promise<void>;
  getMaaxMessageRef(tenantId: string, messageId: string): Promise<MaaxMessageRef | undefined>;
}

export interface IdempotencyStore {
  /**
   * Claims `record.key` for this tenant. Returns undefined if the claim is new, else the record
   * stored earlier (expired records are treated as absent and replaced).
   */
  claimIdempotencyKey(record: IdempotencyRecord, now: string): Promise<IdempotencyRecord | undefined>;
  completeIdempotencyKey(tenantId: string, key: string, response: { statusCode: number; body: unknown }): Promise<void>;
  /**
   * Forgets a claim that is still pending (its request was refused), so a corrected request may
   * reuse the key. A completed record is kept.
   */
  releaseIdempotencyKey(tenantId: string, key: string): Promise<void>;
}

/**
 * Knowledge bases and their documents. What is searchable is decided by one item, the base's
 * record (`indexed`, `uploads`, `version`), changed only by single-item conditional writes; the
 * document records carry status and counts for listing.
 */
export interface KnowledgeStore {
  /** Throws ConcurrencyError if a base with this id exists. */
  createKnowledgeBase(base: KnowledgeBase): Promise<void>;
  getKnowledgeBase(tenantId: string, id: string): Promise<KnowledgeBase | undefined>;
  /** Oldest first; cursors as in listAis. */
  listKnowledgeBases(tenantId: string, page: PageRequest): Promise<Page<KnowledgeBase>>;
  /** Returns false if there was nothing to delete. Documents are deleted by the caller first. */
  deleteKnowledgeBase(tenantId: string, id: string): Promise<boolean>;
  /**
   * Makes `uploadId` the document's latest upload and takes its earlier passages out of search at
   * once (bumping the version). Returns false if the base does not exist.
   */
  startUpload(tenantId: string, baseId: string, documentId: string, uploadId: string, at: string): Promise<boolean>;
  /**
   * Makes the upload's passages searchable (bumping the version), provided it is still the
   * document's latest upload. Returns false, changing nothing, if it is not (or the base is gone).
   */
  markIndexed(tenantId: string, baseId: string, documentId: string, uploadId: string, at: string): Promise<boolean>;
  /** Takes the document out of search and forgets its uploads (bumping the version); fine if absent. */
  forgetDocument(tenantId: string, baseId: string, documentId: string, at: string): Promise<void>;
  /** Creates or replaces the document record; a queued one is listed as pending for the recovery sweep. */
  putDocument(document: KnowledgeDocument): Promise<void>;
  getDocument(tenantId: string, baseId: string, documentId: string): Promise<KnowledgeDocument | undefined>;
  /**
   * Records the outcome of ingesting one upload. Returns false, writing nothing, if the document
   * is gone or has been uploaded again since.
   */
  updateDocumentStatus(
    tenantId: string,
    baseId: string,
    documentId: string,
    uploadId: string,
    changes: Pick<KnowledgeDocument, 'status' | 'chunkCount' | 'updatedAt'> & { error?: string; title?: string },
  ): Promise<boolean>;
  /** In id order; cursors as in listAis. */
  listDocuments(tenantId: string, baseId: string, page: PageRequest): Promise<Page<KnowledgeDocument>>;
  /** Returns false if there was nothing to delete. */
  deleteDocument(tenantId: string, baseId: string, documentId: string): Promise<boolean>;
  /** Stores a correction, replacing one with the same id. */
  putCorrection(correction: Correction): Promise<void>;
  /** All of the AI's corrections, oldest first (a business writes tens, not thousands). */
  listCorrections(tenantId: string, aiId: string): Promise<Correction[]>;
  /** Records a gap; the same id twice keeps one. */
  putKnowledgeGap(gap: KnowledgeGap): Promise<void>;
  /** Newest first. */
  listKnowledgeGaps(tenantId: string, page: PageRequest): Promise<Page<KnowledgeGap>>;
}

export type Store = TenantStore &
  AiStore &
  SetupStore &
  ConversationStore &
  DeliveryStore &
  IdempotencyStore &
  MaaxMessageStore &
  KnowledgeStore &
  TimerStore;

/** Originals and passages of documents (S3 in AWS, the data directory locally). Keys are `/`-separated paths. */
export interface BlobStore {
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** Undefined if there is no such blob. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Deletes every blob whose key starts with `prefix`; fine if there are none. */
  deletePrefix(prefix: string): Promise<void>;
}

/** Turns texts into vectors for semantic search (OpenAI embeddings). */
export interface Embedder {
  readonly model: string;
  readonly dimensions: number;
  /** One vector per text, in order; throws on transport failure. */
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** Asks the ingester to index one upload of a document. */
export interface IngestionJob {
  tenantId: string;
  knowledgeBaseId: string;
  documentId: string;
  uploadId: string;
}

export interface IngestionQueue {
  enqueueIngestion(job: IngestionJob): Promise<void>;
}

/** Reads a document's bytes into structured text; throws UnreadableDocumentError with a reason a person can act on. */
export interface DocumentReader {
  read(input: { bytes: Uint8Array; contentType: DocumentContentType; filename?: string }): Promise<ParsedDocument>;
}

/** A web page (or file) fetched for a knowledge base. */
export interface FetchedResource {
  bytes: Uint8Array;
  /** The response's media type without parameters, e.g. `text/html`. */
  contentType: string;
  /** Where it was fetched from after redirects. */
  url: string;
}

/**
 * Fetches public web resources safely: only allowed addresses (checked after DNS resolution and
 * on every redirect), bounded in size and time. Throws UnreadableDocumentError with the reason.
 */
export interface UrlFetcher {
  fetch(url: string): Promise<FetchedResource>;
}

/** Asks the generator to answer a conversation's unanswered messages. */
export interface GenerationJob {
  tenantId: string;
  conversationId: string;
  /** The message that caused the job; used for FIFO deduplication. */
  messageId: string;
}

export interface DeliveryJob {
  tenantId: string;
  deliveryId: string;
}

export interface GenerationQueue {
  /** FIFO: one group per conversation, deduplicated on the message id. */
  enqueueGeneration(job: GenerationJob): Promise<void>;
  /**
   * Keeps a received record hidden for `seconds` from now (ChangeMessageVisibility on its receipt
   * handle), so that, reported as a batch item failure, it comes back after a wait rather than at
   * once: how a generator waits out a busy model without sitting idle.
   */
  deferRecord(receiptHandle: string, seconds: number): Promise<void>;
}

export interface DeliveryQueue {
  /** `delaySeconds` is capped at the queue's maximum (900 s in SQS). */
  enqueueDelivery(job: DeliveryJob, delaySeconds?: number): Promise<void>;
}

/** The tokens one reply took, as the model's provider counts them. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** A structured reply, with its token usage where the model reports it (the offline model does not). */
export type ChatModelReply = ModelReply & { usage?: TokenUsage };

export interface ChatModel {
  /** Produces one structured reply; throws on transport failure or malformed output. */
  generateReply(request: ReplyRequest): Promise<ChatModelReply>;
}

export interface WebhookRequest {
  url: string;
  /** Stable across retries (`webhook-id`). */
  eventId: string;
  body: string;
  /** `whsec_…`: the AI's signing secret. */
  secret: string;
  /** Sent as `webhook-timestamp`; also what is signed. */
  timestamp: Date;
  timeoutMs: number;
}

export type WebhookResult =
  | { ok: true; statusCode: number }
  | {
      ok: false;
      statusCode?: number;
      error: string;
      retryAfterSeconds?: number;
      /** Retrying cannot help (e.g. the target resolves to a refused address): the delivery fails at once. */
      permanent?: true;
    };

export interface WebhookSender {
  /** Signs and POSTs once; never throws for a failed attempt, it reports it. */
  send(request: WebhookRequest): Promise<WebhookResult>;
}

/** What the system tells the outside world happened; see EventPublisher. */
export type DomainEventType =
  | 'message.answered'
  | 'conversation.escalated'
  | 'follow_up.sent'
  | 'dropoff.sent'
  | 'delivery.failed';

export interface DomainEvent {
  type: DomainEventType;
  /**
   * Stable: derived from what caused the event (e.g. the webhook's event id), so an event published
   * again after a retry has the same id and consumers can dedupe on it.
   */
  id: string;
  tenantId: string;
  /** When it happened, ISO-8601 UTC. */
  occurredAt: string;
  /** Ids and outcomes, snake_case: never message text, contact fields or secrets. */
  detail: Record<string, unknown>;
}

export interface EventPublisher {
  /**
   * Publishes the events, at least once: throws if any was not accepted, so the caller's retry
   * publishes them (all of them) again.
   */
  publish(events: DomainEvent[]): Promise<void>;
}

/** What a timer carries back to the function it wakes. */
export interface TimerPayload {
  kind: TimerKind;
  tenantId: string;
  conversationId: string;
  /** The conversation's version when the timer was set: a timer older than the conversation does nothing. */
  version: number;
  /** When it was due, ISO-8601 UTC: with the version, what makes the message it sends unique. */
  at: string;
  /**
   * Set on a timer armed again to wait out a busy model: when the model first failed it, ISO-8601
   * UTC. The wait budget counts from here.
   */
  modelFaultSince?: string;
}

/** A timer as the local scheduler keeps it in the store. */
export interface TimerRecord {
  name: string;
  /** When it fires, ISO-8601 UTC. */
  at: string;
  payload: TimerPayload;
}

/**
 * The local runtime's timers (EventBridge Scheduler keeps them in AWS). Records live in the
 * tenant's partition and are listed across tenants by due time.
 */
export interface TimerStore {
  /** Creates or replaces the timer `name`. */
  putTimer(timer: TimerRecord): Promise<void>;
  /** Fine if it does not exist. */
  deleteTimer(tenantId: string, name: string): Promise<void>;
  /** Pending timers due before `before` (ISO), soonest first, across all tenants. */
  listTimers(before: string, limit: number): Promise<TimerRecord[]>;
}

export interface TimerScheduler {
  /** Sets the one-time timer `name` to fire at `at`, replacing a pending timer of the same name. */
  schedule(timer: { name: string; at: Date; payload: TimerPayload }): Promise<void>;
  /** Cancels the timer `name`; a timer that has fired or never existed is fine. */
  cancel(name: string): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A new time-ordered id with the given prefix, e.g. `msg_01J…`. */
  newId(prefix: string): string;
  /** Random secret bytes, base64 (for API keys and webhook secrets). */
  randomSecret(bytes: number): string;
}

/** Structured logging (the Powertools logger in the functions). Never pass secrets or message text. */
export interface Logger {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}
