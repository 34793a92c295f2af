/** KnowledgeStore in memory. */
import { clone, compare, insertIfAbsent, key, listPage, checkTenant } from '#test/support/memory/memory-records';
import { ConcurrencyError } from '#lib/domain/errors';
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
import type { PendingEntry } from '#test/support/memory/memory-pending-work-store';

type StatusChanges = Parameters<KnowledgeStore['updateDocumentStatus']>[4];

export class MemoryKnowledgeStore implements KnowledgeStore {
  private readonly knowledgeBases = new Map<string, KnowledgeBase>();
  private readonly documents = new Map<string, KnowledgeDocument>();
  private readonly corrections = new Map<string, Correction>();
  private readonly gaps = new Map<string, KnowledgeGap>();

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
  async startUpload(tenantId: string, baseId: string, documentId: string, uploadId: string, at: string) {
    const base = this.knowledgeBases.get(key(tenantId, baseId));
    if (base === undefined) return false;
    base.uploads[documentId] = uploadId;
    delete base.indexed[documentId];
    touch(base, at);
    return true;
  }
  async markIndexed(tenantId: string, baseId: string, documentId: string, uploadId: string, at: string) {
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
  async setCorrectionEmbedding(
    correction: Pick<Correction, 'tenantId' | 'aiId' | 'id' | 'question'>,
    embedding: CorrectionEmbedding,
  ): Promise<boolean> {
    const k = key(correction.tenantId, correction.aiId, correction.id);
    const stored = this.corrections.get(k);
    if (stored?.question !== correction.question) return false;
    this.corrections.set(k, { ...stored, embedding: clone(embedding) });
    return true;
  }
  async deleteCorrection(tenantId: string, aiId: string, correctionId: string): Promise<void> {
    this.corrections.delete(key(tenantId, aiId, correctionId));
  }
  async deleteKnowledgeGap(tenantId: string, gapId: string): Promise<void> {
    this.gaps.delete(key(tenantId, gapId));
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
  async getKnowledgeGap(tenantId: string, gapId: string): Promise<KnowledgeGap | undefined> {
    return clone(this.gaps.get(key(tenantId, gapId)));
  }
  async closeKnowledgeGap(gap: KnowledgeGap, closedAt: string): Promise<void> {
    const stored = this.gaps.get(key(gap.tenantId, gap.id));
    if (stored !== undefined) stored.closedAt ??= closedAt;
  }
  async listKnowledgeGaps(tenantId: string, page: PageRequest): Promise<Page<KnowledgeGap>> {
    const open = [...this.gaps.values()].filter((gap) => gap.closedAt === undefined);
    // Newest first, ties by id, as the DynamoDB store's sort key `GAP#{createdAt}#{id}` read backwards.
    return listPage(open, 'gap', tenantId, page, {
      sortKey: (gap) => `${gap.createdAt}#${gap.id}`,
      descending: true,
    });
  }

  /** Documents queued for indexing, since they were uploaded, for the pending-work list. */
  pendingEntries(): PendingEntry[] {
    const waiting: PendingEntry[] = [];
    for (const d of this.documents.values()) {
      if (d.status !== 'queued') continue;
      const { tenantId, knowledgeBaseId, id: documentId, uploadId, updatedAt: since } = d;
      waiting.push({
        order: `${since}#KBDOC#${knowledgeBaseId}#${documentId}#${uploadId}`,
        ref: { kind: 'document', tenantId, knowledgeBaseId, documentId, uploadId, since },
      });
    }
    return waiting;
  }
}

/** A change to what the base makes searchable: bumps its version. */
function touch(base: KnowledgeBase, at: string): void {
  base.version += 1;
  base.updatedAt = at;
}
