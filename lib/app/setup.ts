/**
 * Products, strategies and goals (what a sales AI sells, how, and what it drives the prospect to):
 * creating, reading, changing and removing them, and checking the AIs that reference them. One set
 * of use cases serves the three kinds, typed by `kind`.
 */
import { ConflictError, type ErrorDetail, NotFoundError } from '#lib/domain/errors';
import { MAX_PAGE_SIZE } from '#lib/domain/limits/http';
import type { Ai, Page, SetupItems, SetupKind } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';
import type { Deps } from '#lib/app/deps';
import { assertKnowledgeBaseReferences } from '#lib/app/knowledge/knowledge-bases';
import { applyPatch, type Patch } from '#lib/app/patch';

type ManagedField = 'tenantId' | 'id' | 'createdAt' | 'updatedAt';

/** What a client sets on an item of kind K. */
export type SetupFields<K extends SetupKind> = Omit<SetupItems[K], ManagedField>;

/** A PATCH: fields left out stay as they are; `null` clears an optional field. */
export type SetupChanges<K extends SetupKind> = Patch<SetupFields<K>>;

/** The field of an AI that references each kind. */
const AI_REFERENCE_FIELDS = {
  product: 'productId',
  strategy: 'strategyId',
  goal: 'goalId',
} as const satisfies Record<SetupKind, keyof Ai>;

type AiReferences = { [K in SetupKind as (typeof AI_REFERENCE_FIELDS)[K]]?: string | null };

const KINDS = Object.keys(AI_REFERENCE_FIELDS) as SetupKind[];

/** The wire name of an AI's reference to `kind` (`product_id`, …), for error details. */
const wireField = (kind: SetupKind) => `${kind}_id`;

/** Creates an item of `kind` under the id the caller reserved (see runIdempotent). */
export async function createSetupItem<K extends SetupKind>(
  deps: Pick<Deps, 'setup' | 'clock' | 'knowledge'>,
  input: { tenantId: string; kind: K; id: string; fields: SetupFields<K> },
): Promise<SetupItems[K]> {
  await assertProductKnowledgeBases(deps, input.tenantId, input.kind, input.fields);
  const now = deps.clock.now().toISOString();
  const item = {
    ...input.fields,
    tenantId: input.tenantId,
    id: input.id,
    createdAt: now,
    updatedAt: now,
  } as SetupItems[K];
  await deps.setup.createSetupItem(input.kind, item);
  return item;
}

/** The item, or a NotFoundError if the tenant has no item of this kind with this id. */
export async function getSetupItem<K extends SetupKind>(
  deps: Pick<Deps, 'setup'>,
  kind: K,
  tenantId: string,
  id: string,
): Promise<SetupItems[K]> {
  const item = await deps.setup.getSetupItem(kind, tenantId, id);
  if (!item) throw new NotFoundError(`no ${kind} with id ${id}`);
  return item;
}

/** A product's knowledge bases must exist in the tenant (404 naming `knowledge_base_ids.N`). */
async function assertProductKnowledgeBases(
  deps: Pick<Deps, 'knowledge'>,
  tenantId: string,
  kind: SetupKind,
  fields: object,
): Promise<void> {
  if (kind !== 'product') return;
  const ids = (fields as { knowledgeBaseIds?: string[] | null }).knowledgeBaseIds;
  await assertKnowledgeBaseReferences(deps, tenantId, ids);
}

/** One page of the tenant's items of `kind`, oldest first. */
export function listSetupItems<K extends SetupKind>(
  deps: Pick<Deps, 'setup'>,
  kind: K,
  tenantId: string,
  page: PageRequest,
): Promise<Page<SetupItems[K]>> {
  return deps.setup.listSetupItems(kind, tenantId, page);
}

/** Applies a PATCH to an existing item (NotFoundError if there is none). */
export async function updateSetupItem<K extends SetupKind>(
  deps: Pick<Deps, 'setup' | 'clock' | 'knowledge'>,
  input: { tenantId: string; kind: K; id: string; changes: SetupChanges<K> },
): Promise<SetupItems[K]> {
  const current = await getSetupItem(deps, input.kind, input.tenantId, input.id);
  await assertProductKnowledgeBases(deps, input.tenantId, input.kind, input.changes);
  const next = {
    ...applyPatch(current as SetupFields<K>, input.changes),
    updatedAt: deps.clock.now().toISOString(),
  } as SetupItems[K];
  await deps.setup.updateSetupItem(input.kind, next);
  return next;
}

/**
 * Deletes an item no AI uses; one an AI uses is a ConflictError naming each such AI. The check and
 * the delete are two steps (the store has no transactions), so an AI saved in between may end up
 * referencing a deleted item: loadSalesSetup treats that as no item.
 */
export async function deleteSetupItem(
  deps: Pick<Deps, 'ais' | 'setup'>,
  kind: SetupKind,
  tenantId: string,
  id: string,
): Promise<void> {
  await getSetupItem(deps, kind, tenantId, id);
  const users = await listAisUsing(deps, kind, tenantId, id);
  if (users.length > 0) {
    throw new ConflictError(`the ${kind} ${id} is used by ${users.length === 1 ? 'an AI' : `${users.length} AIs`}`, {
      details: users.map((ai) => ({ path: 'id', message: `used by AI ${ai.name} (${ai.id})` })),
    });
  }
  if (!(await deps.setup.deleteSetupItem(kind, tenantId, id))) throw new NotFoundError(`no ${kind} with id ${id}`);
}

/**
 * The tenant's AIs that reference the item. It reads every AI of the tenant: an account has a
 * handful, so this costs less than keeping (and maintaining) an index of references.
 */
async function listAisUsing(deps: Pick<Deps, 'ais'>, kind: SetupKind, tenantId: string, id: string): Promise<Ai[]> {
  const field = AI_REFERENCE_FIELDS[kind];
  const users: Ai[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.ais.listAis(tenantId, { limit: MAX_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    users.push(...page.items.filter((ai) => ai[field] === id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return users;
}

/**
 * Refuses references (an AI's `productId`, `strategyId`, `goalId`) to items that do not exist in
 * the tenant: a NotFoundError (404) with one detail per missing item, naming its wire field
 * (`product_id`, …), as acceptMessage does for `ai_id`. Null and absent references are fine.
 */
export async function assertSetupReferences(
  deps: Pick<Deps, 'setup'>,
  tenantId: string,
  references: AiReferences,
): Promise<void> {
  const checks = await Promise.all(
    KINDS.map(async (kind): Promise<ErrorDetail | undefined> => {
      const id = references[AI_REFERENCE_FIELDS[kind]];
      if (typeof id !== 'string' || (await deps.setup.getSetupItem(kind, tenantId, id))) return undefined;
      return { path: wireField(kind), message: `no ${kind} with id ${id}` };
    }),
  );
  const missing = checks.filter((detail) => detail !== undefined);
  if (missing.length > 0) {
    throw new NotFoundError(missing.map((detail) => detail.message).join('; '), { details: missing });
  }
}

/** The items a sales AI references that exist. */
export type SalesSetup = { [K in SetupKind]?: SetupItems[K] };

/** What a sales AI works from: the items it references that exist (a missing one is left out). */
export async function loadSalesSetup(deps: Pick<Deps, 'setup'>, ai: Ai): Promise<SalesSetup> {
  const load = <K extends SetupKind>(kind: K) => {
    const id = ai[AI_REFERENCE_FIELDS[kind]];
    return id === undefined ? Promise.resolve(undefined) : deps.setup.getSetupItem(kind, ai.tenantId, id);
  };
  const [product, strategy, goal] = await Promise.all([load('product'), load('strategy'), load('goal')]);
  return { ...(product ? { product } : {}), ...(strategy ? { strategy } : {}), ...(goal ? { goal } : {}) };
}
