/**
 * The Store port on one DynamoDB table (see table-definition.ts and dynamo-keys.ts for its layout).
 * Every write is a single-item conditional write: no transactions, so it runs on dynalite too, and
 * every multi-step use case is built to be retried step by step instead.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as ais from '#lib/adapters/aws/dynamo-ais';
import type { DynamoContext } from '#lib/adapters/aws/dynamo-context';
import * as conversations from '#lib/adapters/aws/dynamo-conversations';
import * as deliveries from '#lib/adapters/aws/dynamo-deliveries';
import * as idempotency from '#lib/adapters/aws/dynamo-idempotency';
import * as knowledge from '#lib/adapters/aws/dynamo-knowledge';
import * as maax from '#lib/adapters/aws/dynamo-maax';
import * as messages from '#lib/adapters/aws/dynamo-messages';
import * as pending from '#lib/adapters/aws/dynamo-pending';
import * as setup from '#lib/adapters/aws/dynamo-setup';
import * as tenants from '#lib/adapters/aws/dynamo-tenants';
import * as timers from '#lib/adapters/aws/dynamo-timers';
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
  SetupItems,
  SetupKind,
  Tenant,
  WebhookHealth,
} from '#lib/domain/types';
import type { Correction, KnowledgeBase, KnowledgeDocument, KnowledgeGap } from '#lib/domain/knowledge/types';
import type {
  ConversationChanges,
  ConversationStore,
  DeliveryStore,
  KnowledgeStore,
  PageRequest,
  Store,
  TimerRecord,
} from '#lib/ports';

/**
 * A document client configured as the store needs it: optional fields left undefined are dropped
 * rather than rejected, so a record read back equals the record written.
 */
export function createDocumentClient(client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * The DynamoDB implementation of every store port. Methods are `async` so that a key that cannot
 * be built (a tenant id with '#') surfaces as a rejected promise, like every other store failure.
 */
export class DynamoStore implements Store {
  private readonly ctx: DynamoContext;
  private readonly apiKeyLocations = new tenants.ApiKeyLocations();

  /**
   * @param options.tableName the table made from `tableDefinition`.
   * @param options.client a document client; it must marshall with `removeUndefinedValues: true`
   *   (see `createDocumentClient`). Defaults to one on a default DynamoDBClient.
   */
  constructor(options: { tableName: string; client?: DynamoDBDocumentClient }) {
    this.ctx = { tableName: options.tableName, client: options.client ?? createDocumentClient() };
  }

  async ensureTenant(tenant: Tenant) {
    return tenants.ensureTenant(this.ctx, tenant);
  }
  async getTenant(tenantId: string) {
    return tenants.getTenant(this.ctx, tenantId);
  }
  async putApiKey(key: ApiKeyRecord) {
    return tenants.putApiKey(this.ctx, key);
  }
  async findApiKeyByHash(hash: string) {
    return tenants.findApiKeyByHash(this.ctx, hash, this.apiKeyLocations);
  }
  async getApiKey(tenantId: string, keyId: string) {
    return tenants.getApiKey(this.ctx, tenantId, keyId);
  }
  async listApiKeys(tenantId: string, page: PageRequest) {
    return tenants.listApiKeys(this.ctx, tenantId, page);
  }
  async revokeApiKey(tenantId: string, keyId: string) {
    return tenants.revokeApiKey(this.ctx, tenantId, keyId);
  }
  async countRequest(tenantId: string, keyId: string, second: string, limit: number) {
    return tenants.countRequest(this.ctx, tenantId, keyId, second, limit);
  }

  async createAi(ai: Ai) {
    return ais.createAi(this.ctx, ai);
  }
  async getAi(tenantId: string, aiId: string) {
    return ais.getAi(this.ctx, tenantId, aiId);
  }
  async listAis(tenantId: string, page: PageRequest) {
    return ais.listAis(this.ctx, tenantId, page);
  }
  async updateAi(ai: Ai) {
    return ais.updateAi(this.ctx, ai);
  }
  async deleteAi(tenantId: string, aiId: string) {
    return ais.deleteAi(this.ctx, tenantId, aiId);
  }
  async recordWebhookHealth(tenantId: string, aiId: string, health: WebhookHealth | undefined) {
    return ais.recordWebhookHealth(this.ctx, tenantId, aiId, health);
  }

  async createSetupItem<K extends SetupKind>(kind: K, item: SetupItems[K]) {
    return setup.createSetupItem(this.ctx, kind, item);
  }
  async getSetupItem<K extends SetupKind>(kind: K, tenantId: string, id: string) {
    return setup.getSetupItem(this.ctx, kind, tenantId, id);
  }
  async listSetupItems<K extends SetupKind>(kind: K, tenantId: string, page: PageRequest) {
    return setup.listSetupItems(this.ctx, kind, tenantId, page);
  }
  async updateSetupItem<K extends SetupKind>(kind: K, item: SetupItems[K]) {
    return setup.updateSetupItem(this.ctx, kind, item);
  }
  async deleteSetupItem(kind: SetupKind, tenantId: string, id: string) {
    return setup.deleteSetupItem(this.ctx, kind, tenantId, id);
  }

  async getConversation(tenantId: string, conversationId: string) {
    return conversations.getConversation(this.ctx, tenantId, conversationId);
  }
  async ensureConversation(conversation: Conversation) {
    return conversations.ensureConversation(this.ctx, conversation);
  }
  async updateConversation(
    tenantId: string,
    conversationId: string,
    changes: Parameters<ConversationStore['updateConversation']>[2],
  ) {
    return conversations.updateConversation(this.ctx, tenantId, conversationId, changes);
  }
  async bumpConversation(tenantId: string, conversationId: string, changes: ConversationChanges) {
    return conversations.bumpConversation(this.ctx, tenantId, conversationId, changes);
  }

  async putMessage(message: Message) {
    return messages.putMessage(this.ctx, message);
  }
  async getMessage(tenantId: string, conversationId: string, messageId: string) {
    return messages.getMessage(this.ctx, tenantId, conversationId, messageId);
  }
  async listMessages(tenantId: string, conversationId: string) {
    return messages.listMessages(this.ctx, tenantId, conversationId);
  }
  async listRecentMessages(tenantId: string, conversationId: string, limit: number) {
    return messages.listRecentMessages(this.ctx, tenantId, conversationId, limit);
  }
  async claimMessage(tenantId: string, conversationId: string, messageId: string, replyId: string) {
    return messages.claimMessage(this.ctx, tenantId, conversationId, messageId, replyId);
  }
  async settleMessage(
    tenantId: string,
    conversationId: string,
    messageId: string,
    outcome: Parameters<ConversationStore['settleMessage']>[3],
  ) {
    return messages.settleMessage(this.ctx, tenantId, conversationId, messageId, outcome);
  }
  async recordFeedback(tenantId: string, conversationId: string, messageId: string, feedback: MessageFeedback) {
    return messages.recordFeedback(this.ctx, tenantId, conversationId, messageId, feedback);
  }
  async listPending(olderThan: string, limit: number) {
    return pending.listPending(this.ctx, olderThan, limit);
  }

  async createDelivery(delivery: Delivery) {
    return deliveries.createDelivery(this.ctx, delivery);
  }
  async getDelivery(tenantId: string, deliveryId: string) {
    return deliveries.getDelivery(this.ctx, tenantId, deliveryId);
  }
  async leaseDelivery(tenantId: string, deliveryId: string, now: string, leaseUntil: string) {
    return deliveries.leaseDelivery(this.ctx, tenantId, deliveryId, now, leaseUntil);
  }
  async recordAttempt(tenantId: string, deliveryId: string, result: Parameters<DeliveryStore['recordAttempt']>[2]) {
    return deliveries.recordAttempt(this.ctx, tenantId, deliveryId, result);
  }
  async listDeliveries(tenantId: string, page: PageRequest, status?: DeliveryStatus) {
    return deliveries.listDeliveries(this.ctx, tenantId, page, status);
  }
  async retryFailedDelivery(tenantId: string, deliveryId: string, at: string) {
    return deliveries.retryFailedDelivery(this.ctx, tenantId, deliveryId, at);
  }
  async takeSendSlot(tenantId: string, endpointKey: string, second: string, limit: number) {
    return deliveries.takeSendSlot(this.ctx, tenantId, endpointKey, second, limit);
  }

  async claimIdempotencyKey(record: IdempotencyRecord, now: string) {
    return idempotency.claimIdempotencyKey(this.ctx, record, now);
  }
  async completeIdempotencyKey(tenantId: string, key: string, response: { statusCode: number; body: unknown }) {
    return idempotency.completeIdempotencyKey(this.ctx, tenantId, key, response);
  }
  async releaseIdempotencyKey(tenantId: string, key: string) {
    return idempotency.releaseIdempotencyKey(this.ctx, tenantId, key);
  }

  async putMaaxMessageRef(ref: MaaxMessageRef) {
    return maax.putMaaxMessageRef(this.ctx, ref);
  }
  async getMaaxMessageRef(tenantId: string, messageId: string) {
    return maax.getMaaxMessageRef(this.ctx, tenantId, messageId);
  }

  async createKnowledgeBase(base: KnowledgeBase) {
    return knowledge.createKnowledgeBase(this.ctx, base);
  }
  async getKnowledgeBase(tenantId: string, id: string) {
    return knowledge.getKnowledgeBase(this.ctx, tenantId, id);
  }
  async listKnowledgeBases(tenantId: string, page: PageRequest) {
    return knowledge.listKnowledgeBases(this.ctx, tenantId, page);
  }
  async deleteKnowledgeBase(tenantId: string, id: string) {
    return knowledge.deleteKnowledgeBase(this.ctx, tenantId, id);
  }
  async startUpload(tenantId: string, baseId: string, documentId: string, uploadId: string, at: string) {
    return knowledge.startUpload(this.ctx, tenantId, baseId, documentId, uploadId, at);
  }
  async markIndexed(tenantId: string, baseId: string, documentId: string, uploadId: string, at: string) {
    return knowledge.markIndexed(this.ctx, tenantId, baseId, documentId, uploadId, at);
  }
  async forgetDocument(tenantId: string, baseId: string, documentId: string, at: string) {
    return knowledge.forgetDocument(this.ctx, tenantId, baseId, documentId, at);
  }
  async putDocument(document: KnowledgeDocument) {
    return knowledge.putDocument(this.ctx, document);
  }
  async getDocument(tenantId: string, baseId: string, documentId: string) {
    return knowledge.getDocument(this.ctx, tenantId, baseId, documentId);
  }
  async updateDocumentStatus(
    tenantId: string,
    baseId: string,
    documentId: string,
    uploadId: string,
    changes: Parameters<KnowledgeStore['updateDocumentStatus']>[4],
  ) {
    return knowledge.updateDocumentStatus(this.ctx, tenantId, baseId, documentId, uploadId, changes);
  }
  async listDocuments(tenantId: string, baseId: string, page: PageRequest) {
    return knowledge.listDocuments(this.ctx, tenantId, baseId, page);
  }
  async deleteDocument(tenantId: string, baseId: string, documentId: string) {
    return knowledge.deleteDocument(this.ctx, tenantId, baseId, documentId);
  }
  async putCorrection(correction: Correction) {
    return knowledge.putCorrection(this.ctx, correction);
  }
  async listCorrections(tenantId: string, aiId: string) {
    return knowledge.listCorrections(this.ctx, tenantId, aiId);
  }
  async putKnowledgeGap(gap: KnowledgeGap) {
    return knowledge.putKnowledgeGap(this.ctx, gap);
  }
  async listKnowledgeGaps(tenantId: string, page: PageRequest) {
    return knowledge.listKnowledgeGaps(this.ctx, tenantId, page);
  }

  async putTimer(timer: TimerRecord) {
    return timers.putTimer(this.ctx, timer);
  }
  async deleteTimer(tenantId: string, name: string) {
    return timers.deleteTimer(this.ctx, tenantId, name);
  }
  async listTimers(before: string, limit: number) {
    return timers.listTimers(this.ctx, before, limit);
  }
}
