/** Creating, reading and removing knowledge bases, and checking what references them. */
import { ConflictError, type ErrorDetail, NotFoundError } from '#lib/domain/errors';
import { basePrefix } from '#lib/domain/knowledge/blob-keys';
import type { KnowledgeBase } from '#lib/domain/knowledge/types';
import { MAX_PAGE_SIZE } from '#lib/domain/limits/http';
import type { Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';
import type { Deps } from '#lib/app/deps';

export async function createKnowledgeBase(
  deps: Pick<Deps, 'knowledge' | 'clock'>,
  input: { tenantId: string; id: string; name: string },
): Promise<KnowledgeBase> {
  const now = deps.clock.now().toISOString();
  const base: KnowledgeBase = {
    tenantId: input.tenantId,
    id: input.id,
    name: input.name,
    version: 0,
    indexed: {},
    uploads: {},
    createdAt: now,
    updatedAt: now,
  };
  await deps.knowledge.createKnowledgeBase(base);
  return base;
}

/** The base, or a NotFoundError (naming `path` when given) if the tenant has none with this id. */
export async function getKnowledgeBase(
  deps: Pick<Deps, 'knowledge'>,
  tenantId: string,
  id: string,
  path?: string,
): Promise<KnowledgeBase> {
  const base = await deps.knowledge.getKnowledgeBase(tenantId, id);
  if (!base) {
    throw new NotFoundError(`no knowledge base with id ${id}`, {
      ...(path ? { details: [{ path, message: 'no knowledge base with this id' }] } : {}),
    });
  }
  return base;
}

export function listKnowledgeBases(
  deps: Pick<Deps, 'knowledge'>,
  tenantId: string,
  page: PageRequest,
): Promise<Page<KnowledgeBase>> {
  return deps.knowledge.listKnowledgeBases(tenantId, page);
}

/**
 * Deletes a base no AI or product uses (ConflictError naming each user otherwise), with every
 * document and blob in it. The base record goes last, so a delete interrupted half-way can simply
 * be repeated.
 */
export async function deleteKnowledgeBase(
  deps: Pick<Deps, 'ais' | 'knowledge' | 'setup' | 'blobs' | 'clock'>,
  tenantId: string,
  id: string,
): Promise<void> {
  await getKnowledgeBase(deps, tenantId, id);
  const users = await findUsers(deps, tenantId, id);
  if (users.length > 0) {
    throw new ConflictError(`the knowledge base ${id} is in use`, { details: users });
  }
  const at = deps.clock.now().toISOString();
  for (;;) {
    const page = await deps.knowledge.listDocuments(tenantId, id, { limit: MAX_PAGE_SIZE });
    for (const document of page.items) {
      await deps.knowledge.forgetDocument(tenantId, id, document.id, at);
      await deps.knowledge.deleteDocument(tenantId, id, document.id);
    }
    if (page.nextCursor === null) break;
  }
  await deps.blobs.deletePrefix(basePrefix(tenantId, id));
  if (!(await deps.knowledge.deleteKnowledgeBase(tenantId, id)))
    throw new NotFoundError(`no knowledge base with id ${id}`);
}

/** The AIs and products that name the base, as error details. A tenant has few of either. */
async function findUsers(deps: Pick<Deps, 'ais' | 'setup'>, tenantId: string, id: string): Promise<ErrorDetail[]> {
  const users: ErrorDetail[] = [];
  await forEachPage(
    (cursor) => deps.ais.listAis(tenantId, { limit: MAX_PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
    (ai) => {
      if (ai.knowledgeBaseIds?.includes(id)) users.push({ path: 'id', message: `used by AI ${ai.name} (${ai.id})` });
    },
  );
  await forEachPage(
    (cursor) => deps.setup.listSetupItems('product', tenantId, { limit: MAX_PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
    (product) => {
      if (product.knowledgeBaseIds?.includes(id)) {
        users.push({ path: 'id', message: `used by product ${product.name} (${product.id})` });
      }
    },
  );
  return users;
}

async function forEachPage<T>(load: (cursor?: string) => Promise<Page<T>>, visit: (item: T) => void): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await load(cursor);
    page.items.forEach(visit);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/**
 * Refuses references to bases the tenant does not have: a NotFoundError with one detail per
 * missing base, naming its place in the list (`knowledge_base_ids.1`).
 */
export async function assertKnowledgeBaseReferences(
  deps: Pick<Deps, 'knowledge'>,
  tenantId: string,
  ids: readonly string[] | null | undefined,
  field = 'knowledge_base_ids',
): Promise<void> {
  if (!ids || ids.length === 0) return;
  const found = await Promise.all(ids.map((id) => deps.knowledge.getKnowledgeBase(tenantId, id)));
  const missing = ids.flatMap((id, i) =>
    found[i] ? [] : [{ path: `${field}.${i}`, message: `no knowledge base with id ${id}` }],
  );
  if (missing.length > 0) {
    throw new NotFoundError(missing.map((detail) => detail.message).join('; '), { details: missing });
  }
}
