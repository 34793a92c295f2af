/**
 * An in-memory Store with the same observable behaviour as DynamoStore (both pass
 * store-contract.ts), for unit tests of use cases. Records are deep-copied on the way in and out,
 * and undefined fields dropped, as a round trip through DynamoDB would.
 */
import { ConcurrencyError, ValidationError } from '#lib/domain/errors';
import type {
  Ai,
  ApiKeyRecord,
  Conversation,
  Delivery,
  IdempotencyRecord,
  Message,
  MessageFeedback,
  Page,
  SetupItem,
  SetupItems,
  SetupKind,
  Tenant,
} from '#lib/domain/types';
import {
  type ConversationChanges,
  type ConversationStore,
  CONVERSATION_UPDATABLE_FIELDS,
  type DeliveryStore,
  type PageRequest,
  type PendingRef,
  type Store,
} from '#lib/ports';

type MessageOutcome = Parameters<ConversationStore['settleMessage']>[3];
type AttemptResult = Parameters<DeliveryStore['recordAttempt']>[2];

export class MemoryStore implements Store {
  private readonly tenants = new Map<string, Tenant>();
  private readonly apiKeys = new Map<string, ApiKeyRecord>();
  private readonly ais = new Map<string, Ai>();
  private readonly setupItems: Record<SetupKind, Map<string, SetupItem>> = {
    product: new Map(),
    strategy: new Map(),
    goal: new Map(),
  };
  private readonly conversations = new Map<string, Conversation>();
  private readonly messages = new Map<string, Message>();
  private readonly deliveries = new Map<string, Delivery>();
  private readonly idempotency = new Map<string, IdempotencyRecord>();

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

  async createAi(ai: Ai): Promise<void> {
    if (this.ais.has(key(ai.tenantId, ai.id))) throw new ConcurrencyError(`AI ${ai.id} already exists`);
    this.ais.set(key(ai.tenantId, ai.id), clone(ai));
  }
  async getAi(tenantId: string, aiId: string): Promise<Ai | undefined> {
    return clone(this.ais.get(key(tenantId, aiId)));
  }
  async listAis(tenantId: string, page: PageRequest): Promise<Page<Ai>> {
    return listPage(this.ais, 'ai', tenantId, page);
  }
  async updateAi(ai: Ai): Promise<void> {
    if (!this.ais.has(key(ai.tenantId, ai.id))) throw new ConcurrencyError(`AI ${ai.id} no longer exists`);
    this.ais.set(key(ai.tenantId, ai.id), clone(ai));
  }
  async deleteAi(tenantId: string, aiId: string): Promise<boolean> {
    return this.ais.delete(key(tenantId, aiId));
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
    return listPage(this.setupItems[kind], kind, tenantId, page) as Page<SetupItems[K]>;
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
    for (const field of CONVERSATION_UPDATABLE_FIELDS) {
      if (changes[field] !== undefined) Object.assign(stored, clone({ [field]: changes[field] }));
    }
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

function isUnanswered(message: Message): boolean {
  return message.status === 'queued' || message.status === 'answering';
}

/**
 * One page of a tenant's records in id order, as DynamoStore's listTenantItems pages them: a null
 * cursor exactly when nothing follows, and a cursor accepted only by the list (`list`, tenant) that made it.
 */
function listPage<T extends { tenantId: string; id: string }>(
  records: Map<string, T>,
  list: string,
  tenantId: string,
  page: PageRequest,
): Page<T> {
  if (!Number.isInteger(page.limit) || page.limit < 1) {
    throw new ValidationError('Invalid page size', {
      details: [{ path: 'limit', message: 'must be a positive integer' }],
    });
  }
  const tenant = checkTenant(tenantId);
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, list, tenant);
  const all = [...records.values()]
    .filter((record) => record.tenantId === tenant && (after === undefined || record.id > after))
    .sort((a, b) => compare(a.id, b.id));
  const items = all.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map(clone),
    nextCursor: all.length > page.limit && last !== undefined ? encodeCursor(list, tenantId, last.id) : null,
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
