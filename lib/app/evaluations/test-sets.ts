/**
 * Test sets: an AI's sets of cases, written whole (JSON), added to from CSV, or copied from a
 * message of a real conversation (see copy-case.ts). Runs are in their own use cases.
 */
import type { Deps } from '#lib/app/deps';
import { ConcurrencyError, ConflictError, NotFoundError, ValidationError } from '#lib/domain/errors';
import type { TestCase, TestSet } from '#lib/domain/evaluations/types';
import { MAX_CASES_PER_SET, MAX_TEST_SETS_PER_AI } from '#lib/domain/limits/evaluations';
import type { Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';
import type { StoredTestSet, TestSetSummary } from '#lib/ports/test-sets';

export type SetDeps = Pick<Deps, 'ais' | 'testSets' | 'clock' | 'ids'>;

/** A case as a client writes it: its id is assigned when left out, and only a copy has a source. */
export type CaseDraft = Omit<TestCase, 'caseId' | 'source'> & { caseId?: string };

/** How often a change that lost a race with another change of the same set is tried again. */
const ATTEMPTS = 3;

/** Creates a set under the id the caller reserved (see runIdempotent). */
export async function createTestSet(
  deps: SetDeps,
  input: { tenantId: string; aiId: string; setId: string; name: string; cases: CaseDraft[] },
): Promise<TestSet> {
  await assertAi(deps, input.tenantId, input.aiId);
  if ((await deps.testSets.countTestSets(input.tenantId, input.aiId)) >= MAX_TEST_SETS_PER_AI) {
    throw new ConflictError(`an AI may have at most ${MAX_TEST_SETS_PER_AI} test sets`, {
      details: [{ path: 'id', message: `has ${MAX_TEST_SETS_PER_AI} test sets already: delete one first` }],
    });
  }
  const now = deps.clock.now().toISOString();
  const set: TestSet = {
    tenantId: input.tenantId,
    aiId: input.aiId,
    setId: input.setId,
    name: input.name,
    cases: assignIds(deps, input.cases),
    createdAt: now,
    updatedAt: now,
  };
  await deps.testSets.createTestSet(set);
  return set;
}

/** The set with its cases; NotFoundError naming the AI or the set. */
export async function getTestSet(
  deps: Pick<Deps, 'ais' | 'testSets'>,
  tenantId: string,
  aiId: string,
  setId: string,
): Promise<StoredTestSet> {
  await assertAi(deps, tenantId, aiId);
  const set = await deps.testSets.getTestSet(tenantId, aiId, setId);
  if (set === undefined) throw noTestSet(setId);
  return set;
}

export async function listTestSets(
  deps: Pick<Deps, 'ais' | 'testSets'>,
  tenantId: string,
  aiId: string,
  page: PageRequest,
): Promise<Page<TestSetSummary>> {
  await assertAi(deps, tenantId, aiId);
  return deps.testSets.listTestSets(tenantId, aiId, page);
}

/**
 * Renames the set and/or replaces its cases. A case that keeps the case_id of a copied case keeps
 * its source, so erasing that conversation still removes it.
 */
export async function updateTestSet(
  deps: SetDeps,
  input: { tenantId: string; aiId: string; setId: string; name?: string; cases?: CaseDraft[] },
): Promise<TestSet> {
  return changeSet(deps, input, (current) => {
    if (input.cases === undefined) return { ...current, ...(input.name === undefined ? {} : { name: input.name }) };
    const sources = new Map(current.cases.map((testCase) => [testCase.caseId, testCase.source]));
    const cases = assignIds(deps, input.cases).map((testCase) => {
      const source = sources.get(testCase.caseId);
      return source === undefined ? testCase : { ...testCase, source };
    });
    return { ...current, ...(input.name === undefined ? {} : { name: input.name }), cases };
  });
}

/** Appends cases to the set; ConflictError past MAX_CASES_PER_SET. Returns the cases added. */
export async function addCases(
  deps: SetDeps,
  input: { tenantId: string; aiId: string; setId: string; cases: (CaseDraft & Pick<TestCase, 'source'>)[] },
): Promise<{ added: TestCase[]; caseCount: number }> {
  const added = assignIds(deps, input.cases);
  const set = await changeSet(deps, input, (current) => {
    const taken = new Set(current.cases.map((testCase) => testCase.caseId));
    added.forEach((testCase, index) => {
      if (taken.has(testCase.caseId)) {
        throw new ConflictError(`the set has a case ${testCase.caseId} already`, {
          details: [{ path: `cases.${index}.case_id`, message: 'is taken by a case of the set' }],
        });
      }
    });
    const total = current.cases.length + added.length;
    if (total > MAX_CASES_PER_SET) {
      throw new ConflictError(`a set holds at most ${MAX_CASES_PER_SET} cases`, {
        details: [{ path: 'cases', message: `would make ${total} cases; a set holds at most ${MAX_CASES_PER_SET}` }],
      });
    }
    return { ...current, cases: [...current.cases, ...added] };
  });
  return { added, caseCount: set.cases.length };
}

/** Deletes the set with its cases and runs. */
export async function deleteTestSet(
  deps: Pick<Deps, 'ais' | 'testSets'>,
  tenantId: string,
  aiId: string,
  setId: string,
): Promise<void> {
  await assertAi(deps, tenantId, aiId);
  if (!(await deps.testSets.deleteTestSet(tenantId, aiId, setId))) throw noTestSet(setId);
}

/** NotFoundError naming the set. */
export function noTestSet(setId: string): NotFoundError {
  return new NotFoundError(`no test set with id ${setId}`, {
    details: [{ path: 'set_id', message: 'no test set with this id for this AI' }],
  });
}

/** Throws NotFoundError unless the tenant has the AI. */
export async function assertAi(deps: Pick<Deps, 'ais'>, tenantId: string, aiId: string): Promise<void> {
  if ((await deps.ais.getAi(tenantId, aiId)) === undefined) {
    throw new NotFoundError(`no AI with id ${aiId}`, { details: [{ path: 'id', message: 'no AI with this id' }] });
  }
}

/**
 * Reads the set, applies `change` and replaces it at the revision read, trying again when another
 * change of the set came in between (so none is lost).
 */
async function changeSet(
  deps: SetDeps,
  input: { tenantId: string; aiId: string; setId: string },
  change: (current: TestSet) => TestSet,
): Promise<TestSet> {
  for (let attempt = 1; ; attempt++) {
    const { revision, ...current } = await getTestSet(deps, input.tenantId, input.aiId, input.setId);
    const next = { ...change(current), updatedAt: deps.clock.now().toISOString() };
    try {
      await deps.testSets.replaceTestSet(next, revision);
      return next;
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= ATTEMPTS) throw error;
    }
  }
}

function assignIds<T extends CaseDraft>(deps: Pick<Deps, 'ids'>, drafts: T[]): (T & TestCase)[] {
  const ids = new Set<string>();
  return drafts.map((draft, index) => {
    const caseId = draft.caseId ?? deps.ids.newId('case');
    if (ids.has(caseId)) {
      throw new ValidationError(`case id ${caseId} is used twice`, {
        details: [{ path: `cases.${index}.case_id`, message: 'is used by an earlier case of the set' }],
      });
    }
    ids.add(caseId);
    return { ...draft, caseId };
  });
}
