/** Knowledge bases, their documents, search, and knowledge gaps. */
import type { z } from 'zod';
import {
  addDocument,
  deleteDocument,
  type DocumentUpload,
  getDocument,
  listDocuments,
} from '#lib/app/knowledge/documents';
import {
  createKnowledgeBase,
  deleteKnowledgeBase,
  getKnowledgeBase,
  listKnowledgeBases,
} from '#lib/app/knowledge/knowledge-bases';
import { answerKnowledgeGap, listKnowledgeGaps } from '#lib/app/knowledge/knowledge-gaps';
import { searchKnowledgeBase } from '#lib/app/knowledge/search-knowledge';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '#lib/domain/errors';
import { documentTypeOf } from '#lib/domain/knowledge/content-types';
import { DEFAULT_SEARCH_TOP_K, MAX_DOCUMENT_BYTES, MAX_DOCUMENT_REQUEST_BYTES } from '#lib/domain/limits/knowledge';
import {
  presentAnsweredGap,
  presentDocument,
  presentKnowledgeBase,
  presentKnowledgeGap,
  presentSearchResult,
} from '#functions/http/presenters/knowledge-presenters';
import { presentPage } from '#functions/http/presenters/page-presenter';
import { defineRoute } from '#functions/http/route';
import {
  addDocumentBody,
  answerGapBody,
  answeredGapResponse,
  createKnowledgeBaseBody,
  documentResponse,
  knowledgeBaseResponse,
  knowledgeGapResponse,
  searchBody,
  searchResponse,
} from '#functions/http/knowledge-schemas';
import { idParam, listQuery, pageOf, toPageRequest } from '#functions/http/common-schemas';

const tags = ['Knowledge bases'];
const baseParams = { id: idParam };
const documentParams = { id: idParam, document_id: idParam };
const notFound = { description: 'No knowledge base with this id in your account.' };

export const knowledgeRoutes = [
  defineRoute<z.output<typeof createKnowledgeBaseBody>>({
    method: 'POST',
    path: '/v1/knowledge-bases',
    summary: 'Create a knowledge base: documents an AI answers from.',
    tags,
    auth: true,
    body: createKnowledgeBaseBody,
    creates: { idPrefix: 'kb' },
    responses: { 201: { description: 'Created.', schema: knowledgeBaseResponse } },
    async handle(deps, { tenantId, body, newId }) {
      const base = await createKnowledgeBase(deps, { tenantId, id: newId, name: body.name });
      return { statusCode: 201, body: presentKnowledgeBase(base) };
    },
  }),
  defineRoute<undefined, z.output<typeof listQuery>>({
    method: 'GET',
    path: '/v1/knowledge-bases',
    summary: 'List your knowledge bases, oldest first.',
    tags,
    auth: true,
    query: listQuery,
    responses: { 200: { description: 'A page of knowledge bases.', schema: pageOf(knowledgeBaseResponse) } },
    async handle(deps, { tenantId, query }) {
      const page = await listKnowledgeBases(deps, tenantId, toPageRequest(query));
      return { statusCode: 200, body: presentPage(page, presentKnowledgeBase) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/knowledge-bases/{id}',
    summary: 'Read a knowledge base.',
    tags,
    auth: true,
    params: baseParams,
    responses: { 200: { description: 'The knowledge base.', schema: knowledgeBaseResponse }, 404: notFound },
    async handle(deps, { tenantId, params }) {
      const base = await getKnowledgeBase(deps, tenantId, params.id ?? '');
      return { statusCode: 200, body: presentKnowledgeBase(base) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/knowledge-bases/{id}',
    summary: 'Delete a knowledge base with all its documents. One an AI or product uses is refused (409).',
    tags,
    auth: true,
    params: baseParams,
    responses: {
      204: { description: 'Deleted.' },
      404: notFound,
      409: { description: 'An AI or product uses the base: `error.details` names each.' },
    },
    async handle(deps, { tenantId, params }) {
      await deleteKnowledgeBase(deps, tenantId, params.id ?? '');
      return { statusCode: 204 };
    },
  }),
  defineRoute<z.output<typeof addDocumentBody>>({
    method: 'POST',
    path: '/v1/knowledge-bases/{id}/documents',
    summary:
      'Add a document: JSON text, Markdown or HTML; JSON {url} to fetch; or a file (multipart/form-data, field `file`). ' +
      'It is indexed in the background: poll its status. The same file name, URL or title again replaces it.',
    tags,
    auth: true,
    params: baseParams,
    body: addDocumentBody,
    creates: { idPrefix: 'doc' },
    maxBodyBytes: MAX_DOCUMENT_REQUEST_BYTES,
    multipart: {
      fields: {
        file: { description: 'The document: PDF, DOCX, TXT, MD, HTML or CSV, up to 10 MB.', binary: true },
        title: { description: 'Shown in citations; the file name by default.' },
      },
    },
    responses: {
      202: { description: 'Stored and queued for indexing.', schema: documentResponse },
      404: notFound,
      413: { description: 'The document is larger than 10 MB.' },
      415: { description: 'A file type Parley does not read.' },
    },
    async handle(deps, { tenantId, params, body, newId }) {
      const document = await addDocument(deps, {
        tenantId,
        baseId: params.id ?? '',
        upload: toUpload(body),
        newId,
      });
      return { statusCode: 202, body: presentDocument(document) };
    },
  }),
  defineRoute<undefined, z.output<typeof listQuery>>({
    method: 'GET',
    path: '/v1/knowledge-bases/{id}/documents',
    summary: 'List the documents of a knowledge base, with their status and passage count.',
    tags,
    auth: true,
    params: baseParams,
    query: listQuery,
    responses: { 200: { description: 'A page of documents.', schema: pageOf(documentResponse) }, 404: notFound },
    async handle(deps, { tenantId, params, query }) {
      const page = await listDocuments(deps, tenantId, params.id ?? '', toPageRequest(query));
      return { statusCode: 200, body: presentPage(page, presentDocument) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/knowledge-bases/{id}/documents/{document_id}',
    summary: 'Read a document: its status (queued, ready, failed with the reason) and passage count.',
    tags,
    auth: true,
    params: documentParams,
    responses: { 200: { description: 'The document.', schema: documentResponse }, 404: notFound },
    async handle(deps, { tenantId, params }) {
      const document = await getDocument(deps, tenantId, params.id ?? '', params.document_id ?? '');
      return { statusCode: 200, body: presentDocument(document) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/knowledge-bases/{id}/documents/{document_id}',
    summary: 'Remove a document: it leaves search at once, with all its passages.',
    tags,
    auth: true,
    params: documentParams,
    responses: { 204: { description: 'Deleted.' }, 404: notFound },
    async handle(deps, { tenantId, params }) {
      await deleteDocument(deps, tenantId, params.id ?? '', params.document_id ?? '');
      return { statusCode: 204 };
    },
  }),
  defineRoute<z.output<typeof searchBody>>({
    method: 'POST',
    path: '/v1/knowledge-bases/{id}/search',
    summary: 'Search a knowledge base as an AI would: the best passages first, with their documents.',
    tags,
    auth: true,
    params: baseParams,
    body: searchBody,
    responses: { 200: { description: 'Passages, best first.', schema: searchResponse }, 404: notFound },
    async handle(deps, { tenantId, params, body }) {
      const passages = await searchKnowledgeBase(deps, {
        tenantId,
        baseId: params.id ?? '',
        query: body.query,
        topK: body.top_k ?? DEFAULT_SEARCH_TOP_K,
      });
      return { statusCode: 200, body: presentSearchResult(passages) };
    },
  }),
  defineRoute<undefined, z.output<typeof listQuery>>({
    method: 'GET',
    path: '/v1/knowledge-gaps',
    summary:
      'Questions the knowledge did not answer well (escalated, answered without grounding, rated down), newest first: what to write next.',
    tags,
    auth: true,
    query: listQuery,
    responses: { 200: { description: 'A page of knowledge gaps.', schema: pageOf(knowledgeGapResponse) } },
    async handle(deps, { tenantId, query }) {
      const page = await listKnowledgeGaps(deps, tenantId, toPageRequest(query));
      return { statusCode: 200, body: presentPage(page, presentKnowledgeGap) };
    },
  }),
  defineRoute<z.output<typeof answerGapBody>>({
    method: 'POST',
    path: '/v1/knowledge-gaps/{id}/answer',
    summary:
      "Write the missing answer: it becomes a correction for the gap's question (used first by later answers to close questions) and the gap is closed, no longer listed.",
    tags,
    auth: true,
    params: { id: idParam },
    body: answerGapBody,
    responses: {
      200: { description: 'The closed gap and the correction made from the answer.', schema: answeredGapResponse },
      404: { description: 'No knowledge gap with this id in your account.' },
      409: { description: 'The gap was answered already.' },
    },
    async handle(deps, { tenantId, params, body }) {
      const answered = await answerKnowledgeGap(deps, { tenantId, gapId: params.id ?? '', answer: body.answer });
      return { statusCode: 200, body: presentAnsweredGap(answered) };
    },
  }),
];

/** The validated body as an upload, refusing what is too large (413) or of a type Parley does not read (415). */
function toUpload(body: z.output<typeof addDocumentBody>): DocumentUpload {
  const title = body.title === undefined ? {} : { title: body.title };
  if (body.url !== undefined) return { kind: 'url', url: body.url, ...title };
  if (body.file !== undefined) {
    const { filename, content_type, data } = body.file;
    if (data.byteLength > MAX_DOCUMENT_BYTES) throw tooLarge('file', data.byteLength);
    if (data.byteLength === 0) {
      throw new ValidationError('the file is empty', { details: [{ path: 'file', message: 'is empty' }] });
    }
    const contentType = documentTypeOf({ filename, contentType: content_type });
    if (!contentType) {
      throw new UnsupportedMediaTypeError(`Parley cannot read ${filename} (${content_type || 'no type given'})`, {
        details: [{ path: 'file', message: 'must be a PDF, DOCX, TXT, MD, HTML or CSV file' }],
      });
    }
    return { kind: 'file', bytes: data, contentType, filename, ...title };
  }
  const content = body.content ?? '';
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > MAX_DOCUMENT_BYTES) throw tooLarge('content', bytes);
  return { kind: 'text', content, contentType: body.content_type ?? 'text/plain', ...title };
}

function tooLarge(path: string, bytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`the document is ${bytes} bytes; the limit is ${MAX_DOCUMENT_BYTES}`, {
    details: [{ path, message: `must be at most ${MAX_DOCUMENT_BYTES} bytes (10 MB)` }],
  });
}
