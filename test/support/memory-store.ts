/**
 * An in-memory Store with the same observable behaviour as DynamoStore (both pass
 * store-contract.ts), for unit tests of use cases. Records are deep-copied on the way in and out,
 * and undefined fields dropped, as a round trip through DynamoDB would.
 */
import { ConcurrencyError, NotFoundError, ValidationError } from '#lib/domain/errors';
import type { Correction, KnowledgeBase, KnowledgeDocument, KnowledgeGap } from '#lib/domain/knowledge/types';
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
  SetupItem,
  SetupItems,
  SetupKind,
  Tenant,
  WebhookHealth,
} from '#lib/domain/types';
import {
  type ConversationChanges,
  type ConversationStore,
  CONVERSATION_UPDATABLE_FIELDS,
  type DeliveryStore,
  type KnowledgeStore,
  type PageRequest,
  type PendingRef,
  type Store,
  type TimerRecord,
} from '#lib/ports';

type MessageOutcome = Parameters<ConversationStore['settleMessage']>[3];
type AttemptResult = Parameters<DeliveryStore['recordAttempt']>[2];
type StatusChanges = Parameters<KnowledgeStore['updateDocumentStatus']>[4];

export class MemoryStore implements Store {
  private readonly tenants = new Map<string, Tenant>();
  private readonly apiKeys = new Map<string, ApiKeyRecord>();
  /** Requests counted per key and second (never pruned: a test's store lives for seconds). */
  private readonly requestCounts = new Map<string, number>();
  private readonly ais = new Map<string, Ai>();
  private readonly setupItems: Record<SetupKind, Map<string, SetupItem>> = {
    product: new Map(),
    strategy: new Map(),
    goal: new Map(),
  };
  private readonly conversations = new Map<string, Conversation>();
  private readonly messages = new Map<string, Message>();
  private readonly deliveries = new Map<string, Delivery>();
  private readonly sendSlots = new Map<string, number>();
  private readonly idempotency = new Map<string, IdempotencyRecord>();
  private readonly maaxMessages = new Map<string, MaaxMessageRef>();
  private readonly knowledgeBases = new Map<string, KnowledgeBase>();
  private readonly documents = new Map<string, KnowledgeDocument>();
  private readonly corrections = new Map<string, Correction>();
  private readonly gaps = new Map<string, KnowledgeGap>();
  private readonly timers = new Map<string, TimerRecord>();

  async ensureTenant(tenant: Tenant): Promise<Tenant> {
    return clone(insertIfAbsent(this.tenants, key(tenant.id), tenant));
  }
  async getTenant(tenantId: string): Promise<Tenant | undefined> {
    return clone(this.tenants.get(key(tenantId)));
  }
  async putApiKey(record: ApiKeyRecord): Promise<void> {
    if ((await this.findApiKeyByHash(record.hash)) !== undefined) return;
    insertIfAbsent(this.apiKeys, key(record.tenantId, record.id), record);
  }
  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    return clone([...this.apiKeys.values()].find((record) => record.hash === hash));
  }
  async getApiKey(tenantId: string, keyId: string): Promise<ApiKeyRecord | undefined> {
    return clone(this.apiKeys.get(key(tenantId, keyId)));
  }
  async listApiKeys(tenantId: string, page: PageRequest): Promise<Page<ApiKeyRecord>> {
    return listPage(this.apiKeys.values(), 'apiKey', tenantId, page);
  }
  async revokeApiKey(tenantId: string, keyId: string): Promise<boolean> {
    return this.apiKeys.delete(key(tenantId, keyId));
  }
  async countRequest(tenantId: string, keyId: string, second: string, limit: number): Promise<boolean> {
    const counter = key(tenantId, 'rate', keyId, second);
    const counted = this.requestCounts.get(counter) ?? 0;
    if (counted >= limit) return false;
    this.requestCounts.set(counter, counted + 1);
    return true;
  }

  async createAi(ai: Ai): Promise<void> {
    if (this.ais.has(key(ai.tenantId, ai.id))) throw new ConcurrencyError(`AI ${ai.id} already exists`);
    this.ais.set(key(ai.tenantId, ai.id), clone(ai));
  }
  async getAi(tenantId: string, aiId: string): Promise<Ai | undefined> {
    return clone(this.ais.get(key(tenantId, aiId)));
  }
  async listAis(tenantId: string, page: PageRequest): Promise<Page<Ai>> {
    return listPage(this.ais.values(), 'ai', tenantId, page);
  }
  async updateAi(ai: Ai): Promise<void> {
    if (!this.ais.has(key(ai.tenantId, ai.id))) throw new ConcurrencyError(`AI ${ai.id} no longer exists`);
    this.ais.set(key(ai.tenantId, ai.id), clone(ai));
  }
  async deleteAi(tenantId: string, aiId: string): Promise<boolean> {
    return this.ais.delete(key(tenantId, aiId));
  }
  async recordWebhookHealth(tenantId: string, aiId: string, health: WebhookHealth | undefined): Promise<boolean> {
    const ai = this.ais.get(key(tenantId, aiId));
    if (ai === undefined) return false;
    if (health === undefined) delete ai.webhookHealth;
    else ai.webhookHealth = clone(health);
    return true;
  }

  async createSetupItem<K extends SetupKind>(kind: K, item: SetupItems[K]): Promise<void> {
    const items = this.setupItems[kind];
    if (items.has(key(item.tenantId, item.id))) throw new ConcurrencyError(`${kind} ${item.id} already exists`);
    items.set(key(item.tenantId, item.id), clone(item));
  }
  async getSetupItem<K extends SetupKind>(kind: K, tenantId: string, id: string): Promise<SetupItems[K] | undefined> {
    return clone(this.setupItems[kind].get(key(tenantId, id))) as SetupItems[K] | undefined;
  }
  async listSetupItems<K extends SetupKind>(
    kind: K,
    tenantId: string,
    page: PageRequest,
  ): Promise<Page<SetupItems[K]>> {
    return listPage(this.setupItems[kind].values(), kind, tenantId, page) as Page<SetupItems[K]>;
  }
  async updateSetupItem<K extends SetupKind>(kind: K, item: SetupItems[K]): Promise<void> {
    const items = this.setupItems[kind];
    if (!items.has(key(item.tenantId, item.id))) throw new ConcurrencyError(`${kind} ${item.id} no longer exists`);
    items.set(key(item.tenantId, item.id), clone(item));
  }
  async deleteSetupItem(kind: SetupKind, tenantId: string, id: string): Promise<boolean> {
    return this.setupItems[kind].delete(key(tenantId, id));
  }

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
  async bumpConversation(
    tenantId: string,
    conversationId: string,
    changes: ConversationChanges,
  ): Promise<Conversation> {
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
  async settleMessage(
    tenantId: string,
    conversationId: string,
    messageId: string,
    outcome: MessageOutcome,
  ): Promise<void> {
    const message = this.messages.get(key(tenantId, conversationId, messageId));
    if (message === undefined || !isUnanswered(message)) return;
    if (outcome.replyId !== undefined && message.replyId !== undefined && message.replyId !== outcome.replyId) return;
    message.status = outcome.status;
    message.answeredAt = outcome.at;
    if (outcome.replyId !== undefined) message.replyId = outcome.replyId;
    if (outcome.answer !== undefined) message.answer = outcome.answer;
  }
  async recordFeedback(
    tenantId: string,
    conversationId: string,
    messageId: string,
    feedback: MessageFeedback,
  ): Promise<boolean> {
    const message = this.messages.get(key(tenantId, conversationId, messageId));
    if (message === undefined) return false;
    message.feedback = clone(feedback);
    return true;
  }
  async listPending(olderThan: string, limit: number): Promise<PendingRef[]> {
    const waiting: { order: string; ref: PendingRef }[] = [];
    for (const m of this.messages.values()) {
      if (m.direction !== 'inbound' || !isUnanswered(m)) continue;
      const { tenantId, conversationId, id: messageId, createdAt: since } = m;
      waiting.push({
        order: `${since}#MSG#${messageId}`,
        ref: { kind: 'message', tenantId, conversationId, messageId, since },
      });
    }
    for (const d of this.deliveries.values()) {
      if (d.status !== 'pending') continue;
      const { tenantId, id: deliveryId, nextAttemptAt: since } = d;
      waiting.push({ order: `${since}#DLV#${deliveryId}`, ref: { kind: 'delivery', tenantId, deliveryId, since } });
    }
    for (const d of this.documents.values()) {
      if (d.status !== 'queued') continue;
      const { tenantId, knowledgeBaseId, id: documentId, uploadId, updatedAt: since } = d;
      waiting.push({
        order: `${since}#KBDOC#${knowledgeBaseId}#${documentId}#${uploadId}`,
        ref: { kind: 'document', tenantId, knowledgeBaseId, documentId, uploadId, since },
      });
    }
    // Same order and cutoff as the DynamoDB index's sort key `{since}#…` < olderThan.
    return waiting
      .filter((entry) => entry.order < olderThan)
      .sort((a, b) => compare(a.order, b.order))
      .slice(0, Math.max(0, limit))
      .map((entry) => entry.ref);
  }

  async createDelivery(delivery: Delivery): Promise<boolean> {
    const k = key(delivery.tenantId, delivery.id);
    if (this.deliveries.has(k)) return false;
    this.deliveries.set(k, clone(delivery));
    return true;
  }
  async getDelivery(tenantId: string, deliveryId: string): Promise<Delivery | undefined> {
    return clone(this.deliveries.get(key(tenantId, deliveryId)));
  }
  async leaseDelivery(
    tenantId: string,
    deliveryId: string,
    now: string,
    leaseUntil: string,
  ): Promise<Delivery | undefined> {
    const delivery = this.deliveries.get(key(tenantId, deliveryId));
    if (delivery === undefined || delivery.status !== 'pending') return undefined;
    if (delivery.leaseUntil !== undefined && delivery.leaseUntil > now) return undefined;
    delivery.leaseUntil = leaseUntil;
    return clone(delivery);
  }
  async recordAttempt(tenantId: string, deliveryId: string, result: AttemptResult): Promise<void> {
    const delivery = this.deliveries.get(key(tenantId, deliveryId));
    if (delivery === undefined) throw new ConcurrencyError(`Delivery ${deliveryId} does not exist`);
    // lastStatusCode and lastError describe this attempt: undefined clears an earlier attempt's value.
    const { leaseUntil: _released, lastStatusCode: _code, lastError: _error, ...kept } = delivery;
    const { status, attempts, lastStatusCode, lastError, nextAttemptAt, updatedAt } = result;
    const updated = { ...kept, status, attempts, lastStatusCode, lastError, nextAttemptAt, updatedAt };
    this.deliveries.set(key(tenantId, deliveryId), clone(updated));
  }
  async listDeliveries(tenantId: string, page: PageRequest, status?: DeliveryStatus): Promise<Page<Delivery>> {
    const matching = [...this.deliveries.values()].filter((d) => status === undefined || d.status === status);
    // Newest first, as DynamoStore reads `DLV#{id}` backwards; one cursor list whatever the filter.
    return listPage(matching, 'delivery', tenantId, page, { descending: true });
  }
  async retryFailedDelivery(tenantId: string, deliveryId: string, at: string): Promise<Delivery | undefined> {
    const delivery = this.deliveries.get(key(tenantId, deliveryId));
    if (delivery === undefined || delivery.status !== 'failed') return undefined;
    const { leaseUntil: _released, ...kept } = delivery;
    const updated = {
      ...kept,
      status: 'pending' as const,
      attemptsBeforeRetry: delivery.attempts,
      nextAttemptAt: at,
      updatedAt: at,
    };
    this.deliveries.set(key(tenantId, deliveryId), clone(updated));
    return clone(updated);
  }
  async takeSendSlot(tenantId: string, endpointKey: string, second: string, limit: number): Promise<boolean> {
    const k = key(tenantId, endpointKey, second);
    const taken = this.sendSlots.get(k) ?? 0;
    if (taken >= limit) return false;
    this.sendSlots.set(k, taken + 1);
    return true;
  }

  async claimIdempotencyKey(record: IdempotencyRecord, now: string): Promise<IdempotencyRecord | undefined> {
    const k = key(record.tenantId, record.key);
    const stored = this.idempotency.get(k);
    if (stored !== undefined && stored.expiresAt > now) return clone(stored);
    this.idempotency.set(k, clone(record));
    return undefined;
  }
  async completeIdempotencyKey(
    tenantId: string,
    idemKey: string,
    response: { statusCode: number; body: unknown },
  ): Promise<void> {
    const stored = this.idempotency.get(key(tenantId, idemKey));
    if (stored === undefined) throw new ConcurrencyError(`Idempotency key ${idemKey} does not exist`);
    stored.status = 'completed';
    stored.response = clone(response);
  }
  async releaseIdempotencyKey(tenantId: string, idemKey: string): Promise<void> {
    if (this.idempotency.get(key(tenantId, idemKey))?.status === 'pending')
      this.idempotency.delete(key(tenantId, idemKey));
  }

  async putMaaxMessageRef(ref: MaaxMessageRef): Promise<void> {
    insertIfAbsent(this.maaxMessages, key(ref.tenantId, ref.messageId), ref);
  }
  async getMaaxMessageRef(tenantId: string, messageId: string): Promise<MaaxMessageRef | undefined> {
    return clone(this.maaxMessages.get(key(tenantId, messageId)));
  }

  async createKnowledgeBase(base: KnowledgeBase): Promise<void> {
    const k = key(base.tenantId, base.id);
    if (this.knowledgeBases.has(k)) throw new ConcurrencyError(`Knowledge base ${base.id} already exists`);
    this.knowledgeBases.set(k, clone(base));
  }
  async getKnowledgeBase(tenantId: string, id: string): Promise<KnowledgeBase | undefined> {
    return clone(this.knowledgeBases.get(key(tenantId, id)));
  }
  async listKnowledgeBases(tenantId: string, page: PageRequest): Promise<Page<KnowledgeBase>> {
    return listPage(this.knowledgeBases.values(), 'knowledge-base', tenantId, page);
  }
  async deleteKnowledgeBase(tenantId: string, id: string): Promise<boolean> {
    return this.knowledgeBases.delete(key(tenantId, id));
  }
  async startUpload(
    tenantId: string,
    baseId: string,
    documentId: string,
    uploadId: string,
    at: string,
  ): Promise<boolean> {
    const base = this.knowledgeBases.get(key(tenantId, baseId));
    if (base === undefined) return false;
    base.uploads[documentId] = uploadId;
    delete base.indexed[documentId];
    touch(base, at);
    return true;
  }
  async markIndexed(
    tenantId: string,
    baseId: string,
    documentId: string,
    uploadId: string,
    at: string,
  ): Promise<boolean> {
    const base = this.knowledgeBases.get(key(tenantId, baseId));
    if (base === undefined || base.uploads[documentId] !== uploadId) return false;
    base.indexed[documentId] = uploadId;
    touch(base, at);
    return true;
  }
  async forgetDocument(tenantId: string, baseId: string, documentId: string, at: string): Promise<void> {
    const base = this.knowledgeBases.get(key(tenantId, baseId));
    if (base === undefined) return;
    delete base.indexed[documentId];
    delete base.uploads[documentId];
    touch(base, at);
  }
  async putDocument(document: KnowledgeDocument): Promise<void> {
    this.documents.set(key(document.tenantId, document.knowledgeBaseId, document.id), clone(document));
  }
  async getDocument(tenantId: string, baseId: string, documentId: string): Promise<KnowledgeDocument | undefined> {
    return clone(this.documents.get(key(tenantId, baseId, documentId)));
  }
  async updateDocumentStatus(
    tenantId: string,
    baseId: string,
    documentId: string,
    uploadId: string,
    changes: StatusChanges,
  ): Promise<boolean> {
    const document = this.documents.get(key(tenantId, baseId, documentId));
    if (document === undefined || document.uploadId !== uploadId) return false;
    // The error describes this outcome (none clears an earlier one); the title is kept unless given.
    const { error: _earlier, ...kept } = document;
    const { status, chunkCount, updatedAt, error, title } = changes;
    const updated = { ...kept, status, chunkCount, updatedAt, error, title: title ?? kept.title };
    this.documents.set(key(tenantId, baseId, documentId), clone(updated));
    return true;
  }
  async listDocuments(tenantId: string, baseId: string, page: PageRequest): Promise<Page<KnowledgeDocument>> {
    const ofBase = [...this.documents.values()].filter((document) => document.knowledgeBaseId === baseId);
    return listPage(ofBase, `document:${baseId}`, tenantId, page);
  }
  async deleteDocument(tenantId: string, baseId: string, documentId: string): Promise<boolean> {
    return this.documents.delete(key(tenantId, baseId, documentId));
  }
  async putCorrection(correction: Correction): Promise<void> {
    this.corrections.set(key(correction.tenantId, correction.aiId, correction.id), clone(correction));
  }
  async listCorrections(tenantId: string, aiId: string): Promise<Correction[]> {
    const tenant = checkTenant(tenantId);
    return [...this.corrections.values()]
      .filter((correction) => correction.tenantId === tenant && correction.aiId === aiId)
      .sort((a, b) => compare(a.createdAt, b.createdAt) || compare(a.id, b.id))
      .map(clone);
  }
  async putKnowledgeGap(gap: KnowledgeGap): Promise<void> {
    insertIfAbsent(this.gaps, key(gap.tenantId, gap.id), gap);
  }
  async listKnowledgeGaps(tenantId: string, page: PageRequest): Promise<Page<KnowledgeGap>> {
    // Newest first, ties by id, as DynamoStore's sort key `GAP#{createdAt}#{id}` read backwards.
    return listPage(this.gaps.values(), 'gap', tenantId, page, {
      sortKey: (gap) => `${gap.createdAt}#${gap.id}`,
      descending: true,
    });
  }

  async putTimer(timer: TimerRecord): Promise<void> {
    this.timers.set(key(timer.payload.tenantId, timer.name), clone(timer));
  }
  async deleteTimer(tenantId: string, name: string): Promise<void> {
    this.timers.delete(key(tenantId, name));
  }
  async listTimers(before: string, limit: number): Promise<TimerRecord[]> {
    // Soonest first, ties by name, as DynamoStore's index sort key `{at}#{name}` < before.
    return [...this.timers.values()]
      .filter((timer) => timer.at < before)
      .sort((a, b) => compare(`${a.at}#${a.name}`, `${b.at}#${b.name}`))
      .slice(0, Math.max(0, limit))
      .map(clone);
  }
}

/** A map key from a tenant id and more parts; JSON, so no part's characters can blur the boundaries. */
function key(tenantId: string, ...rest: string[]): string {
  return JSON.stringify([checkTenant(tenantId), ...rest]);
}

/** Refuses a tenant id with '#' (or none), as DynamoStore's table keys do. */
function checkTenant(tenantId: string): string {
  if (tenantId.length === 0 || tenantId.includes('#')) {
    throw new Error(`Invalid tenant id for a table key: ${JSON.stringify(tenantId)}`);
  }
  return tenantId;
}

function insertIfAbsent<T>(map: Map<string, T>, k: string, value: T): T {
  const stored = map.get(k);
  if (stored !== undefined) return stored;
  map.set(k, clone(value));
  return value;
}

function applyChanges(conversation: Conversation, changes: ConversationChanges): void {
  for (const field of CONVERSATION_UPDATABLE_FIELDS) {
    if (changes[field] !== undefined) Object.assign(conversation, clone({ [field]: changes[field] }));
  }
}

function isUnanswered(message: Message): boolean {
  return message.status === 'queued' || message.status === 'answering';
}

/** A change to what the base makes searchable: bumps its version. */
function touch(base: KnowledgeBase, at: string): void {
  base.version += 1;
  base.updatedAt = at;
}

/**
 * One page of a tenant's records in id order (or by `order.sortKey`, optionally descending), as
 * DynamoStore's listTenantItems pages them: a null cursor exactly when nothing follows, and a
 * cursor accepted only by the list (`list`, tenant) that made it.
 */
function listPage<T extends { tenantId: string; id: string }>(
  records: Iterable<T>,
  list: string,
  tenantId: string,
  page: PageRequest,
  order: { sortKey?: (record: T) => string; descending?: boolean } = {},
): Page<T> {
  if (!Number.isInteger(page.limit) || page.limit < 1) {
    throw new ValidationError('Invalid page size', {
      details: [{ path: 'limit', message: 'must be a positive integer' }],
    });
  }
  const tenant = checkTenant(tenantId);
  const sortKey = order.sortKey ?? ((record: T) => record.id);
  const sign = order.descending === true ? -1 : 1;
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, list, tenant);
  const all = [...records]
    .filter(
      (record) => record.tenantId === tenant && (after === undefined || sign * compare(sortKey(record), after) > 0),
    )
    .sort((a, b) => sign * compare(sortKey(a), sortKey(b)));
  const items = all.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map(clone),
    nextCursor: all.length > page.limit && last !== undefined ? encodeCursor(list, tenantId, sortKey(last)) : null,
  };
}

function encodeCursor(list: string, tenantId: string, after: string): string {
  return Buffer.from(JSON.stringify({ list, tenantId, after }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, list: string, tenantId: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'list' in parsed &&
      'tenantId' in parsed &&
      'after' in parsed
    ) {
      if (parsed.list === list && parsed.tenantId === tenantId && typeof parsed.after === 'string') return parsed.after;
    }
  } catch {
    // falls through to the same error as a well-formed cursor of someone else's
  }
  throw new ValidationError('Invalid cursor', {
    details: [{ path: 'cursor', message: 'is not a cursor returned by this list' }],
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A deep copy without undefined fields, like a record after a DynamoDB round trip. */
function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(clone) as T;
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [field, item] of Object.entries(value)) {
      if (item !== undefined) copy[field] = clone(item);
    }
    return copy as T;
  }
  return value;
}
