/**
 * Knowledge bases, their documents, corrections and knowledge gaps in the tenant's partition. What
 * is searchable is the base item's `indexed` and `uploads` maps and its `version`; each change to
 * them is one UpdateItem on the document's map entries, so an upload and a late ingestion of the
 * same document, racing, can neither lose the other's change nor index a superseded upload.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { attempt, type DynamoContext, getRecord, queryAll, DynamoTableAdapter } from '#lib/adapters/aws/dynamo-context';
import {
  correctionKey,
  correctionPrefix,
  documentKey,
  documentPrefix,
  knowledgeBaseKey,
  PREFIX_GAP,
  PREFIX_KNOWLEDGE_BASE,
  tenantPk,
  toRecord,
} from '#lib/adapters/aws/dynamo-keys';
import { closeGap, deleteGap, getGap, putGap } from '#lib/adapters/aws/dynamo-knowledge-gaps';
import { pendingDocumentAttributes } from '#lib/adapters/aws/dynamo-pending';
import { createItem, deleteItem, listTenantItems } from '#lib/adapters/aws/dynamo-tenant-items';
import type {
  Correction,
  CorrectionEmbedding,
  KnowledgeBase,
  KnowledgeDocument,
  KnowledgeGap,
} from '#lib/domain/knowledge/types';
import type { Page } from '#lib/domain/types';
import type { KnowledgeStore } from '#lib/ports/knowledge';
import type { PageRequest } from '#lib/ports/paging';

/** The KnowledgeStore port on the single table. */
export class DynamoKnowledgeStore extends DynamoTableAdapter implements KnowledgeStore {
  /** Throws ConcurrencyError if a base with this id exists. */
  async createKnowledgeBase(base: KnowledgeBase): Promise<void> {
    return createItem(this.ctx, knowledgeBaseKey(base.tenantId, base.id), base, `Knowledge base ${base.id}`);
  }

  async getKnowledgeBase(tenantId: string, id: string): Promise<KnowledgeBase | undefined> {
    return getRecord<KnowledgeBase>(this.ctx, knowledgeBaseKey(tenantId, id));
  }

  /** One page of the tenant's bases in id (= creation) order; see listTenantItems. */
  async listKnowledgeBases(tenantId: string, page: PageRequest): Promise<Page<KnowledgeBase>> {
    return listTenantItems<KnowledgeBase>(this.ctx, tenantId, PREFIX_KNOWLEDGE_BASE, page);
  }

  /** Deletes the base's own item only; its documents are deleted by the caller first. */
  async deleteKnowledgeBase(tenantId: string, id: string): Promise<boolean> {
    return deleteItem(this.ctx, knowledgeBaseKey(tenantId, id));
  }

  /** Makes `uploadId` the document's latest upload and takes its indexed passages out of search. */
  async startUpload(tenantId: string, baseId: string, documentId: string, uploadId: string, at: string) {
    return updateBase(this.ctx, tenantId, baseId, documentId, at, {
      update: 'SET #uploads.#doc = :upload, #updatedAt = :at REMOVE #indexed.#doc',
      values: { ':upload': uploadId },
    });
  }

  /** Makes the upload searchable, only while it is still the document's latest upload. */
  async markIndexed(tenantId: string, baseId: string, documentId: string, uploadId: string, at: string) {
    return updateBase(this.ctx, tenantId, baseId, documentId, at, {
      update: 'SET #indexed.#doc = :upload, #updatedAt = :at',
      condition: '#uploads.#doc = :upload',
      values: { ':upload': uploadId },
    });
  }

  /** Takes the document out of search and forgets its uploads; a missing base is fine. */
  async forgetDocument(tenantId: string, baseId: string, documentId: string, at: string): Promise<void> {
    await updateBase(this.ctx, tenantId, baseId, documentId, at, {
      update: 'SET #updatedAt = :at REMOVE #indexed.#doc, #uploads.#doc',
    });
  }

  /** Creates or replaces the document record. */
  async putDocument(document: KnowledgeDocument): Promise<void> {
    await this.ctx.client.send(
      new PutCommand({
        TableName: this.ctx.tableName,
        Item: {
          ...document,
          ...documentKey(document.tenantId, document.knowledgeBaseId, document.id),
          ...pendingDocumentAttributes(document),
        },
      }),
    );
  }

  async getDocument(tenantId: string, baseId: string, documentId: string): Promise<KnowledgeDocument | undefined> {
    return getRecord<KnowledgeDocument>(this.ctx, documentKey(tenantId, baseId, documentId));
  }

  /**
   * Records an ingestion's outcome on the document, only while `uploadId` is still its upload. The
   * error describes this outcome: without one, an earlier error is removed. The title is kept unless
   * a new one is given.
   */
  async updateDocumentStatus(
    tenantId: string,
    baseId: string,
    documentId: string,
    uploadId: string,
    changes: Parameters<KnowledgeStore['updateDocumentStatus']>[4],
  ): Promise<boolean> {
    const assignments = ['#status = :status', 'chunkCount = :chunks', 'updatedAt = :at'];
    const names: Record<string, string> = { '#status': 'status', '#error': 'error' };
    const values: Record<string, unknown> = {
      ':status': changes.status,
      ':chunks': changes.chunkCount,
      ':at': changes.updatedAt,
      ':upload': uploadId,
    };
    if (changes.error !== undefined) {
      assignments.push('#error = :error');
      values[':error'] = changes.error;
    }
    if (changes.title !== undefined) {
      assignments.push('#title = :title');
      names['#title'] = 'title';
      values[':title'] = changes.title;
    }
    // A settled document leaves the pending index (see pendingDocumentAttributes).
    const removals = ['gsi1pk', 'gsi1sk', ...(changes.error === undefined ? ['#error'] : [])];
    const removal = ` REMOVE ${removals.join(', ')}`;
    return attempt(() =>
      this.ctx.client.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
          Key: documentKey(tenantId, baseId, documentId),
          UpdateExpression: `SET ${assignments.join(', ')}${removal}`,
          ConditionExpression: 'attribute_exists(pk) AND uploadId = :upload',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  /** One page of the base's documents in id order; see listTenantItems. */
  async listDocuments(tenantId: string, baseId: string, page: PageRequest): Promise<Page<KnowledgeDocument>> {
    return listTenantItems<KnowledgeDocument>(this.ctx, tenantId, documentPrefix(baseId), page);
  }

  /** Returns false if there was nothing to delete. */
  async deleteDocument(tenantId: string, baseId: string, documentId: string): Promise<boolean> {
    return deleteItem(this.ctx, documentKey(tenantId, baseId, documentId));
  }

  /** Stores a correction, replacing one with the same id. */
  async putCorrection(correction: Correction): Promise<void> {
    await this.ctx.client.send(
      new PutCommand({
        TableName: this.ctx.tableName,
        Item: { ...correction, ...correctionKey(correction.tenantId, correction.aiId, correction.id) },
      }),
    );
  }

  /** Sets `embedding` on the correction item only while it holds this question (see the port). */
  async setCorrectionEmbedding(
    correction: Pick<Correction, 'tenantId' | 'aiId' | 'id' | 'question'>,
    embedding: CorrectionEmbedding,
  ): Promise<boolean> {
    return attempt(() =>
      this.ctx.client.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
          Key: correctionKey(correction.tenantId, correction.aiId, correction.id),
          UpdateExpression: 'SET #embedding = :embedding',
          ConditionExpression: '#question = :question',
          ExpressionAttributeNames: { '#embedding': 'embedding', '#question': 'question' },
          ExpressionAttributeValues: { ':embedding': embedding, ':question': correction.question },
        }),
      ),
    );
  }

  async deleteCorrection(tenantId: string, aiId: string, correctionId: string): Promise<void> {
    await deleteItem(this.ctx, correctionKey(tenantId, aiId, correctionId));
  }

  /** All of the AI's corrections, oldest first (by when they were made, then by id). */
  async listCorrections(tenantId: string, aiId: string): Promise<Correction[]> {
    const items = await queryAll(this.ctx, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': tenantPk(tenantId), ':prefix': correctionPrefix(aiId) },
      ConsistentRead: true,
    });
    return items
      .map((item) => toRecord<Correction>(item))
      .sort((a, b) => compare(a.createdAt, b.createdAt) || compare(a.id, b.id));
  }

  /** See putGap: once per id, and a closed gap stays closed. */
  putKnowledgeGap(gap: KnowledgeGap): Promise<void> {
    return putGap(this.ctx, gap);
  }

  getKnowledgeGap(tenantId: string, gapId: string): Promise<KnowledgeGap | undefined> {
    return getGap(this.ctx, tenantId, gapId);
  }

  closeKnowledgeGap(gap: KnowledgeGap, closedAt: string): Promise<void> {
    return closeGap(this.ctx, gap, closedAt);
  }

  /** Deletes the gap, open or closed; fine if it does not exist. */
  deleteKnowledgeGap(tenantId: string, gapId: string): Promise<void> {
    return deleteGap(this.ctx, tenantId, gapId);
  }

  /** One page of the tenant's gaps, newest first; see listTenantItems. */
  async listKnowledgeGaps(tenantId: string, page: PageRequest): Promise<Page<KnowledgeGap>> {
    return listTenantItems<KnowledgeGap>(this.ctx, tenantId, PREFIX_GAP, page, 'descending');
  }
}

const BASE_NAMES = { '#indexed': 'indexed', '#uploads': 'uploads', '#version': 'version', '#updatedAt': 'updatedAt' };

/**
 * One UpdateItem on an existing base's entries for `documentId`, bumping the version and setting
 * `updatedAt`. False if the base is missing or `condition` does not hold.
 */
function updateBase(
  ctx: DynamoContext,
  tenantId: string,
  baseId: string,
  documentId: string,
  at: string,
  change: { update: string; condition?: string; values?: Record<string, unknown> },
): Promise<boolean> {
  const conditions = ['attribute_exists(pk)', ...(change.condition === undefined ? [] : [change.condition])];
  return attempt(() =>
    ctx.client.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: knowledgeBaseKey(tenantId, baseId),
        UpdateExpression: `${change.update} ADD #version :one`,
        ConditionExpression: conditions.join(' AND '),
        // Placeholders for every name: `indexed` is a reserved word, and a document id must be one
        // map key whatever its characters, never parsed as a path.
        ExpressionAttributeNames: { ...BASE_NAMES, '#doc': documentId },
        ExpressionAttributeValues: { ':one': 1, ':at': at, ...change.values },
      }),
    ),
  );
}

// Code-unit order, as the other list orders here (ISO times and ASCII ids sort alike either way).
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
