/** Knowledge bases, documents, search results and knowledge gaps → the contract's snake_case JSON. */
import type { z } from 'zod';
import type { Correction, KnowledgeBase, KnowledgeDocument, KnowledgeGap, Passage } from '#lib/domain/knowledge/types';
import type {
  answeredGapResponse,
  documentResponse,
  knowledgeBaseResponse,
  knowledgeGapResponse,
  searchResponse,
} from '#functions/http/knowledge-schemas';
import { compact } from '#functions/http/presenters/compact';

export function presentKnowledgeBase(base: KnowledgeBase): z.output<typeof knowledgeBaseResponse> {
  return {
    id: base.id,
    name: base.name,
    document_count: Object.keys(base.uploads).length,
    created_at: base.createdAt,
    updated_at: base.updatedAt,
  };
}

export function presentDocument(document: KnowledgeDocument): z.output<typeof documentResponse> {
  const { source } = document;
  return compact({
    document_id: document.id,
    knowledge_base_id: document.knowledgeBaseId,
    title: document.title,
    status: document.status,
    error: document.error,
    chunk_count: document.chunkCount,
    source: compact({
      kind: source.kind,
      content_type: source.kind === 'url' ? undefined : source.contentType,
      filename: source.kind === 'file' ? source.filename : undefined,
      url: source.kind === 'url' ? source.url : undefined,
    }),
    bytes: document.bytes,
    created_at: document.createdAt,
    updated_at: document.updatedAt,
  });
}

/** Passages found by a search, best first. */
export function presentSearchResult(passages: Passage[]): z.output<typeof searchResponse> {
  return {
    data: passages.map((p) => ({
      text: p.text,
      score: p.score,
      document_id: p.documentId,
      title: p.title,
      heading_path: p.headingPath,
    })),
  };
}

export function presentKnowledgeGap(gap: KnowledgeGap): z.output<typeof knowledgeGapResponse> {
  return {
    id: gap.id,
    reason: gap.reason,
    question: gap.question,
    ai_id: gap.aiId,
    conversation_id: gap.conversationId,
    message_id: gap.messageId,
    created_at: gap.createdAt,
  };
}

/** A gap just answered: the closed gap and the correction its answer became. */
export function presentAnsweredGap({
  gap,
  correction,
}: {
  gap: KnowledgeGap;
  correction: Correction;
}): z.output<typeof answeredGapResponse> {
  return {
    ...presentKnowledgeGap(gap),
    status: 'closed',
    closed_at: gap.closedAt ?? correction.createdAt,
    correction: {
      correction_id: correction.id,
      ai_id: correction.aiId,
      question: correction.question,
      answer: correction.answer,
      created_at: correction.createdAt,
    },
  };
}
