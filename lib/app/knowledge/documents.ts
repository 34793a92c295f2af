/**
 * Adding, listing and removing a knowledge base's documents. Adding stores the original and queues
 * it; the ingester (ingest-document.ts) reads, chunks and indexes it.
 */
import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '#lib/domain/errors';
import { documentPrefix, originalKey } from '#lib/domain/knowledge/blob-keys';
import type { DocumentContentType, DocumentSource, KnowledgeDocument } from '#lib/domain/knowledge/types';
import { MAX_DOCUMENTS_PER_BASE } from '#lib/domain/limits/knowledge';
import { refusalForUrl } from '#lib/domain/webhook-url';
import type { Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';
import type { Deps } from '#lib/app/deps';
import { getKnowledgeBase } from '#lib/app/knowledge/knowledge-bases';

/** What a client uploads: text in the request, a file, or a URL to fetch. */
export type DocumentUpload =
  | { kind: 'text'; content: string; contentType: DocumentContentType; title?: string }
  | { kind: 'file'; bytes: Uint8Array; contentType: DocumentContentType; filename: string; title?: string }
  | { kind: 'url'; url: string; title?: string };

type DocumentDeps = Pick<
  Deps,
  'knowledge' | 'blobs' | 'ingestionQueue' | 'clock' | 'ids' | 'webhookTargets' | 'allowHttpWebhooks'
>;

/**
 * Stores a document and queues it for indexing (status `queued`). Uploading the same file name,
 * URL or title to the same base again replaces that document: its earlier passages leave search
 * at once, and the new ones arrive when indexed. A text without a title is always a new document.
 *
 * @param input.newId the id reserved for a new document (see runIdempotent)
 * @throws NotFoundError if the base does not exist; ValidationError for a URL Parley must not fetch;
 *   ConflictError if the base is full
 */
export async function addDocument(
  deps: DocumentDeps,
  input: { tenantId: string; baseId: string; upload: DocumentUpload; newId: string },
): Promise<KnowledgeDocument> {
  const { tenantId, baseId, upload } = input;
  if (upload.kind === 'url') assertFetchableUrl(upload.url, deps);
  const base = await getKnowledgeBase(deps, tenantId, baseId);
  const sourceName = nameOf(upload);
  const documentId = sourceName === undefined ? input.newId : documentIdFor(baseId, sourceName);
  if (!(documentId in base.uploads) && Object.keys(base.uploads).length >= MAX_DOCUMENTS_PER_BASE) {
    throw new ConflictError(`the knowledge base holds the most documents it may (${MAX_DOCUMENTS_PER_BASE})`, {
      details: [
        { path: 'id', message: `at most ${MAX_DOCUMENTS_PER_BASE} documents; delete some or use another base` },
      ],
    });
  }
  const uploadId = deps.ids.newId('upl');
  const now = deps.clock.now().toISOString();
  const original = originalOf(upload);
  if (original) {
    await deps.blobs.put(originalKey(tenantId, baseId, documentId, uploadId), original.bytes, original.contentType);
  }
  const earlier = await deps.knowledge.getDocument(tenantId, baseId, documentId);
  const document: KnowledgeDocument = {
    tenantId,
    knowledgeBaseId: baseId,
    id: documentId,
    title: upload.title ?? defaultTitle(upload),
    titleGiven: upload.title !== undefined,
    source: sourceOf(upload),
    uploadId,
    status: 'queued',
    chunkCount: 0,
    bytes: original?.bytes.byteLength ?? 0,
    createdAt: earlier?.createdAt ?? now,
    updatedAt: now,
  };
  await deps.knowledge.putDocument(document);
  if (!(await deps.knowledge.startUpload(tenantId, baseId, documentId, uploadId, now))) {
    throw new NotFoundError(`no knowledge base with id ${baseId}`);
  }
  await deps.ingestionQueue.enqueueIngestion({ tenantId, knowledgeBaseId: baseId, documentId, uploadId });
  return document;
}

export async function listDocuments(
  deps: Pick<Deps, 'knowledge'>,
  tenantId: string,
  baseId: string,
  page: PageRequest,
): Promise<Page<KnowledgeDocument>> {
  await getKnowledgeBase(deps, tenantId, baseId);
  return deps.knowledge.listDocuments(tenantId, baseId, page);
}

export async function getDocument(
  deps: Pick<Deps, 'knowledge'>,
  tenantId: string,
  baseId: string,
  documentId: string,
): Promise<KnowledgeDocument> {
  await getKnowledgeBase(deps, tenantId, baseId);
  const document = await deps.knowledge.getDocument(tenantId, baseId, documentId);
  if (!document) throw new NotFoundError(`no document with id ${documentId} in knowledge base ${baseId}`);
  return document;
}

/**
 * Removes a document: out of search first (at once, for every function's cached index), then its
 * record and blobs. Each step may be repeated, so an interrupted delete is finished by another.
 */
export async function deleteDocument(
  deps: Pick<Deps, 'knowledge' | 'blobs' | 'clock'>,
  tenantId: string,
  baseId: string,
  documentId: string,
): Promise<void> {
  await getDocument(deps, tenantId, baseId, documentId);
  await deps.knowledge.forgetDocument(tenantId, baseId, documentId, deps.clock.now().toISOString());
  await deps.knowledge.deleteDocument(tenantId, baseId, documentId);
  await deps.blobs.deletePrefix(documentPrefix(tenantId, baseId, documentId));
}

/**
 * Refuses, with a 400 naming `url`, a URL the fetcher would refuse anyway (scheme, credentials,
 * literal private hosts), and plain http where only https is allowed.
 */
function assertFetchableUrl(url: string, targets: Pick<Deps, 'webhookTargets' | 'allowHttpWebhooks'>): void {
  const refusal = refusalForUrl(url, targets.webhookTargets, { allowHttp: targets.allowHttpWebhooks });
  if (refusal)
    throw new ValidationError('this URL cannot be fetched', { details: [{ path: 'url', message: refusal }] });
}

/** What identifies a document within its base, so uploading it again replaces it. */
function nameOf(upload: DocumentUpload): string | undefined {
  switch (upload.kind) {
    case 'file':
      return `file:${upload.filename.toLowerCase()}`;
    case 'url':
      return `url:${new URL(upload.url).href}`;
    case 'text':
      return upload.title === undefined ? undefined : `title:${upload.title.trim().toLowerCase()}`;
  }
}

/** A stable id for a named document: the same name in the same base is the same document. */
export function documentIdFor(baseId: string, sourceName: string): string {
  const digest = createHash('sha256').update(`${baseId}\n${sourceName}`).digest('base64url');
  return `doc_${digest.slice(0, 26).replaceAll('-', 'x').replaceAll('_', 'y')}`;
}

function defaultTitle(upload: DocumentUpload): string {
  switch (upload.kind) {
    case 'file':
      return upload.filename;
    case 'url':
      return upload.url;
    case 'text':
      return 'Untitled';
  }
}

function sourceOf(upload: DocumentUpload): DocumentSource {
  switch (upload.kind) {
    case 'file':
      return { kind: 'file', contentType: upload.contentType, filename: upload.filename };
    case 'url':
      return { kind: 'url', url: upload.url };
    case 'text':
      return { kind: 'text', contentType: upload.contentType };
  }
}

/** The bytes to keep as the original; a URL's original is stored when it is fetched. */
function originalOf(upload: DocumentUpload): { bytes: Uint8Array; contentType: string } | undefined {
  if (upload.kind === 'file') return { bytes: upload.bytes, contentType: upload.contentType };
  if (upload.kind === 'text') return { bytes: Buffer.from(upload.content, 'utf8'), contentType: upload.contentType };
  return undefined;
}
