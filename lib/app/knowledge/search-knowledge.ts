/**
 * Retrieval: the passages of one or more knowledge bases that best answer a question, lexical
 * (BM25) and, with an embedder, semantic too, fused by reciprocal rank.
 */
import { mergePassages } from '#lib/domain/knowledge/search-index';
import type { KnowledgeBase, Passage } from '#lib/domain/knowledge/types';
import type { Deps } from '#lib/app/deps';
import { getKnowledgeBase } from '#lib/app/knowledge/knowledge-bases';

export type SearchDeps = Pick<Deps, 'knowledge' | 'blobs' | 'embedder' | 'knowledgeIndex' | 'logger'>;

/** `POST /v1/knowledge-bases/{id}/search`: NotFoundError if the tenant has no such base. */
export async function searchKnowledgeBase(
  deps: SearchDeps,
  input: { tenantId: string; baseId: string; query: string; topK: number },
): Promise<Passage[]> {
  const base = await getKnowledgeBase(deps, input.tenantId, input.baseId);
  return searchBases(deps, [base], input.query, input.topK);
}

/**
 * Searches the tenant's bases with these ids together; ids of bases that no longer exist are
 * skipped (an AI may still name a base deleted since).
 */
export async function searchKnowledge(
  deps: SearchDeps,
  input: {
    tenantId: string;
    baseIds: readonly string[];
    query: string;
    topK: number;
    /** Gives the query's embedding when the caller makes it (undefined: there is none); else it is made here. */
    queryVector?: () => Promise<Float32Array | undefined>;
  },
): Promise<Passage[]> {
  if (input.baseIds.length === 0 || input.query.trim() === '') return [];
  const bases = await Promise.all(input.baseIds.map((id) => deps.knowledge.getKnowledgeBase(input.tenantId, id)));
  return searchBases(
    deps,
    bases.filter((base) => base !== undefined),
    input.query,
    input.topK,
    input.queryVector,
  );
}

async function searchBases(
  deps: SearchDeps,
  bases: KnowledgeBase[],
  query: string,
  topK: number,
  embedded?: () => Promise<Float32Array | undefined>,
) {
  const searchable = bases.filter((base) => Object.keys(base.indexed).length > 0);
  if (searchable.length === 0) return [];
  const [queryVector, indexes] = await Promise.all([
    embedded ? embedded() : embedQuery(deps, query),
    Promise.all(searchable.map((base) => deps.knowledgeIndex.indexOf(deps.blobs, base, deps.embedder?.model))),
  ]);
  const lists = indexes.map((index) => index.search(query, { topK, ...(queryVector ? { queryVector } : {}) }));
  return lists.length === 1 ? (lists[0] ?? []) : mergePassages(lists, topK);
}

/** The question's embedding; on failure search goes on lexically (and says so in the log). */
export async function embedQuery(deps: SearchDeps, query: string): Promise<Float32Array | undefined> {
  if (!deps.embedder) return undefined;
  try {
    return (await deps.embedder.embed([query]))[0];
  } catch (error) {
    deps.logger.warn('query embedding failed; searching lexically', { error: String(error) });
    return undefined;
  }
}
