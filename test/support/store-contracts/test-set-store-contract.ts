/** The behaviour every TestSetStore must have, in memory and on DynamoDB alike. */
import type { Stores } from '#lib/app/deps';
import { ConcurrencyError, ValidationError } from '#lib/domain/errors';
import type { CaseResult, TestCase, TestRun, TestSet } from '#lib/domain/evaluations/types';
import { at, OTHER_TENANT, TENANT } from '#test/support/store-contracts/fixtures';
import { type StoresSetup, useFreshStores } from '#test/support/store-contracts/stores-under-test';

const AI = 'ai_01';

export const aCase = (caseId: string, overrides: Partial<TestCase> = {}): TestCase => ({
  caseId,
  message: `Question ${caseId}?`,
  expect: { contains: ['refund'] },
  ...overrides,
});

export const aTestSet = (overrides: Partial<TestSet> = {}): TestSet => ({
  tenantId: TENANT,
  aiId: AI,
  setId: 'set_01',
  name: 'Returns',
  cases: [aCase('c1'), aCase('c2', { history: [{ direction: 'inbound', text: 'Hi' }], rubric: 'Be kind.' })],
  createdAt: at(0),
  updatedAt: at(0),
  ...overrides,
});

const copied = (caseId: string, conversationId: string): TestCase =>
  aCase(caseId, { message: 'Do you ship to Canada?', source: { conversationId, messageId: `msg_${caseId}` } });

const aRun = (runId: string, overrides: Partial<TestRun> = {}): TestRun => ({
  tenantId: TENANT,
  aiId: AI,
  setId: 'set_01',
  runId,
  status: 'running',
  total: 0,
  passed: 0,
  failed: 0,
  regressions: [],
  results: [],
  startedAt: at(100),
  ...overrides,
});

const aResult = (caseId: string, passed: boolean): CaseResult => ({
  caseId,
  passed,
  reply: `Reply to ${caseId}`,
  citations: [],
  needsHuman: false,
  escalation: null,
  modelEscalation: 'none',
  followUpAt: null,
  failures: passed ? [] : ['contains "refund": the reply does not say it'],
});

/** Runs the TestSetStore contract against the stores `setup` makes, fresh for every test. */
export function describeTestSetStoreContract(setup: StoresSetup): void {
  describe('test sets', () => {
    let stores!: Stores;
    useFreshStores(setup, (fresh) => {
      stores = fresh;
    });
    const get = (setId = 'set_01', tenantId = TENANT) => stores.testSets.getTestSet(tenantId, AI, setId);

    it('reads back the set it created, cases in order, with a revision', async () => {
      await stores.testSets.createTestSet(aTestSet());

      const { revision, ...set } = (await get()) ?? { revision: undefined };

      expect(set).toStrictEqual(aTestSet());
      expect(typeof revision).toBe('string');
    });

    it('refuses to create a set whose id exists, keeping the first', async () => {
      await stores.testSets.createTestSet(aTestSet());

      await expect(stores.testSets.createTestSet(aTestSet({ name: 'Other', cases: [] }))).rejects.toBeInstanceOf(
        ConcurrencyError,
      );
      expect((await get())?.cases.map((c) => c.caseId)).toEqual(['c1', 'c2']);
    });

    it("keeps each tenant's and each AI's sets apart", async () => {
      await stores.testSets.createTestSet(aTestSet());

      expect(await get('set_01', OTHER_TENANT)).toBeUndefined();
      expect(await stores.testSets.getTestSet(TENANT, 'ai_02', 'set_01')).toBeUndefined();
      expect(await stores.testSets.countTestSets(TENANT, 'ai_02')).toBe(0);
    });

    it('lists sets oldest first without their cases, paged', async () => {
      for (const n of [1, 2, 3]) {
        await stores.testSets.createTestSet(aTestSet({ setId: `set_0${n}`, name: `Set ${n}` }));
      }

      const first = await stores.testSets.listTestSets(TENANT, AI, { limit: 2 });
      const second = await stores.testSets.listTestSets(TENANT, AI, { limit: 2, cursor: first.nextCursor ?? '' });

      expect(first.items.map((s) => s.setId)).toEqual(['set_01', 'set_02']);
      expect(first.items[0]).toStrictEqual({
        tenantId: TENANT,
        aiId: AI,
        setId: 'set_01',
        name: 'Set 1',
        caseCount: 2,
        createdAt: at(0),
        updatedAt: at(0),
      });
      expect(second).toEqual({ items: [expect.objectContaining({ setId: 'set_03' })], nextCursor: null });
      expect(await stores.testSets.countTestSets(TENANT, AI)).toBe(3);
    });

    it("refuses another list's cursor", async () => {
      await stores.testSets.createTestSet(aTestSet());
      await stores.testSets.createTestSet(aTestSet({ setId: 'set_02' }));
      const page = await stores.testSets.listTestSets(TENANT, AI, { limit: 1 });

      await expect(
        stores.testSets.listTestSets(TENANT, 'ai_02', { limit: 1, cursor: page.nextCursor ?? '' }),
      ).rejects.toBeInstanceOf(ValidationError);
    });

    it('replaces name and cases at the revision read, keeping createdAt, and moves the revision on', async () => {
      await stores.testSets.createTestSet(aTestSet());
      const read = await get();

      const revision = await stores.testSets.replaceTestSet(
        aTestSet({ name: 'Renamed', cases: [aCase('c3')], createdAt: at(50), updatedAt: at(60) }),
        read?.revision ?? '',
      );

      expect(await get()).toStrictEqual({
        ...aTestSet({ name: 'Renamed', cases: [aCase('c3')], updatedAt: at(60) }),
        revision,
      });
      expect(revision).not.toBe(read?.revision);
    });

    it('refuses a replace from a stale revision, so no concurrent edit is lost', async () => {
      await stores.testSets.createTestSet(aTestSet());
      const read = await get();
      await stores.testSets.replaceTestSet(aTestSet({ cases: [aCase('c9')] }), read?.revision ?? '');

      await expect(
        stores.testSets.replaceTestSet(aTestSet({ cases: [aCase('c8')] }), read?.revision ?? ''),
      ).rejects.toBeInstanceOf(ConcurrencyError);
      expect((await get())?.cases.map((c) => c.caseId)).toEqual(['c9']);
    });

    it('refuses to replace a set that does not exist', async () => {
      await expect(stores.testSets.replaceTestSet(aTestSet(), 'any')).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await get()).toBeUndefined();
    });

    it('deletes a set with its runs, once', async () => {
      await stores.testSets.createTestSet(aTestSet());
      await stores.testSets.createRun(aRun('run_01'), aTestSet().cases);

      expect(await stores.testSets.deleteTestSet(TENANT, AI, 'set_01')).toBe(true);
      expect(await stores.testSets.deleteTestSet(TENANT, AI, 'set_01')).toBe(false);
      expect(await get()).toBeUndefined();
      expect(await stores.testSets.getRun(TENANT, AI, 'set_01', 'run_01')).toBeUndefined();
      expect(await stores.testSets.countTestSets(TENANT, AI)).toBe(0);
    });

    it("deletes all of an AI's sets and nothing of another AI's", async () => {
      await stores.testSets.createTestSet(aTestSet());
      await stores.testSets.createTestSet(aTestSet({ setId: 'set_02', cases: [copied('c1', 'conv_1')] }));
      await stores.testSets.createTestSet(aTestSet({ aiId: 'ai_02' }));

      await stores.testSets.deleteAiTestSets(TENANT, AI);

      expect(await stores.testSets.listTestSets(TENANT, AI, { limit: 10 })).toEqual({ items: [], nextCursor: null });
      expect(await stores.testSets.listCopiedCases(TENANT, 'conv_1')).toEqual([]);
      expect(await stores.testSets.countTestSets(TENANT, 'ai_02')).toBe(1);
    });

    describe('copies of conversations', () => {
      it("lists the cases copied from a conversation's messages", async () => {
        await stores.testSets.createTestSet(aTestSet({ cases: [aCase('c1'), copied('c2', 'conv_1')] }));
        await stores.testSets.createTestSet(aTestSet({ setId: 'set_02', cases: [copied('c1', 'conv_2')] }));

        expect(await stores.testSets.listCopiedCases(TENANT, 'conv_1')).toStrictEqual([
          { aiId: AI, setId: 'set_01', setName: 'Returns', case: copied('c2', 'conv_1') },
        ]);
        expect(await stores.testSets.listCopiedCases(OTHER_TENANT, 'conv_1')).toEqual([]);
      });

      it('erases the copies from their sets and from runs, leaving every other case', async () => {
        await stores.testSets.createTestSet(aTestSet({ cases: [aCase('c1'), copied('c2', 'conv_1')] }));
        await stores.testSets.createTestSet(aTestSet({ setId: 'set_02', cases: [copied('c1', 'conv_2')] }));
        const before = await get();
        await stores.testSets.createRun(aRun('run_01'), before?.cases ?? []);
        await stores.testSets.recordCaseResult(TENANT, AI, 'set_01', 'run_01', aResult('c1', true));
        await stores.testSets.recordCaseResult(TENANT, AI, 'set_01', 'run_01', aResult('c2', false));

        await stores.testSets.eraseCopiedCases(TENANT, 'conv_1');
        await stores.testSets.eraseCopiedCases(TENANT, 'conv_1');

        expect((await get())?.cases).toStrictEqual([aCase('c1')]);
        expect((await get())?.revision).not.toBe(before?.revision);
        expect(await stores.testSets.getRunCases(TENANT, AI, 'set_01', 'run_01')).toStrictEqual([aCase('c1')]);
        const run = await stores.testSets.getRun(TENANT, AI, 'set_01', 'run_01');
        expect(run?.results.map((r) => r.caseId)).toEqual(['c1']);
        expect({ passed: run?.passed, failed: run?.failed }).toEqual({ passed: 1, failed: 0 });
        expect(await stores.testSets.listCopiedCases(TENANT, 'conv_1')).toEqual([]);
        expect((await get('set_02'))?.cases).toStrictEqual([copied('c1', 'conv_2')]);
      });

      it('erases a copy a later edit dropped from its set from the runs that still hold it', async () => {
        await stores.testSets.createTestSet(aTestSet({ cases: [copied('c2', 'conv_1')] }));
        await stores.testSets.createRun(aRun('run_01'), [copied('c2', 'conv_1')]);
        const read = await get();
        await stores.testSets.replaceTestSet(aTestSet({ cases: [aCase('c1')] }), read?.revision ?? '');

        await stores.testSets.eraseCopiedCases(TENANT, 'conv_1');

        expect(await stores.testSets.getRunCases(TENANT, AI, 'set_01', 'run_01')).toEqual([]);
        expect((await get())?.cases).toStrictEqual([aCase('c1')]);
      });

      it('makes a replace that read the set before the erasure fail, so it cannot write the copy back', async () => {
        await stores.testSets.createTestSet(aTestSet({ cases: [copied('c2', 'conv_1')] }));
        const read = await get();

        await stores.testSets.eraseCopiedCases(TENANT, 'conv_1');

        await expect(stores.testSets.replaceTestSet(aTestSet(read), read?.revision ?? '')).rejects.toBeInstanceOf(
          ConcurrencyError,
        );
      });
    });

    describe('runs', () => {
      beforeEach(async () => {
        await stores.testSets.createTestSet(aTestSet());
      });
      const cases = () => aTestSet().cases;

      it('starts a run with a snapshot of its cases that later edits do not change', async () => {
        await stores.testSets.createRun(aRun('run_01', { total: 99, passed: 5 }), cases());
        const read = await get();
        await stores.testSets.replaceTestSet(aTestSet({ cases: [aCase('c9')] }), read?.revision ?? '');

        expect(await stores.testSets.getRunCases(TENANT, AI, 'set_01', 'run_01')).toStrictEqual(cases());
        expect(await stores.testSets.getRun(TENANT, AI, 'set_01', 'run_01')).toStrictEqual(
          aRun('run_01', { total: 2 }),
        );
        expect(await stores.testSets.getRunCases(TENANT, AI, 'set_01', 'run_02')).toBeUndefined();
      });

      it('refuses a second run with the same id', async () => {
        await stores.testSets.createRun(aRun('run_01'), cases());

        await expect(stores.testSets.createRun(aRun('run_01'), [])).rejects.toBeInstanceOf(ConcurrencyError);
        expect((await stores.testSets.getRun(TENANT, AI, 'set_01', 'run_01'))?.total).toBe(2);
      });

      it('records the first result of each case and ignores repeats', async () => {
        await stores.testSets.createRun(aRun('run_01'), cases());

        expect(await stores.testSets.recordCaseResult(TENANT, AI, 'set_01', 'run_01', aResult('c2', false))).toBe(true);
        expect(await stores.testSets.recordCaseResult(TENANT, AI, 'set_01', 'run_01', aResult('c2', true))).toBe(false);
        expect(await stores.testSets.recordCaseResult(TENANT, AI, 'set_01', 'run_01', aResult('c1', true))).toBe(true);
        expect(await stores.testSets.recordCaseResult(TENANT, AI, 'set_01', 'run_09', aResult('c1', true))).toBe(false);

        const run = await stores.testSets.getRun(TENANT, AI, 'set_01', 'run_01');
        expect(run).toStrictEqual(
          aRun('run_01', { total: 2, passed: 1, failed: 1, results: [aResult('c1', true), aResult('c2', false)] }),
        );
      });

      it('finishes a running run once, with its regressions', async () => {
        await stores.testSets.createRun(aRun('run_01'), cases());
        await stores.testSets.recordCaseResult(TENANT, AI, 'set_01', 'run_01', aResult('c1', false));

        const finished = await stores.testSets.finishRun(TENANT, AI, 'set_01', 'run_01', {
          finishedAt: at(200),
          regressions: ['c1'],
        });
        const again = await stores.testSets.finishRun(TENANT, AI, 'set_01', 'run_01', {
          finishedAt: at(300),
          regressions: [],
        });

        expect(finished).toStrictEqual(
          aRun('run_01', {
            status: 'done',
            total: 2,
            failed: 1,
            regressions: ['c1'],
            results: [aResult('c1', false)],
            finishedAt: at(200),
          }),
        );
        expect(again).toBeUndefined();
        expect(
          await stores.testSets.finishRun(TENANT, AI, 'set_01', 'run_09', { finishedAt: at(1), regressions: [] }),
        ).toBeUndefined();
        expect(await stores.testSets.getRun(TENANT, AI, 'set_01', 'run_01')).toStrictEqual(finished);
      });

      it('lists runs newest first, paged, with their counts and without results', async () => {
        for (const n of [1, 2, 3]) await stores.testSets.createRun(aRun(`run_0${n}`), cases());
        await stores.testSets.recordCaseResult(TENANT, AI, 'set_01', 'run_03', aResult('c1', true));

        const first = await stores.testSets.listRuns(TENANT, AI, 'set_01', { limit: 2 });
        const second = await stores.testSets.listRuns(TENANT, AI, 'set_01', {
          limit: 2,
          cursor: first.nextCursor ?? '',
        });

        expect(first.items.map((r) => r.runId)).toEqual(['run_03', 'run_02']);
        const { results: _results, ...summary } = aRun('run_03', { total: 2, passed: 1 });
        expect(first.items[0]).toStrictEqual(summary);
        expect(second).toEqual({ items: [expect.objectContaining({ runId: 'run_01' })], nextCursor: null });
      });

      it('finds the newest finished run before a run, with its results', async () => {
        for (const n of [1, 2, 3, 4]) await stores.testSets.createRun(aRun(`run_0${n}`), cases());
        for (const n of [1, 2, 4]) {
          await stores.testSets.recordCaseResult(TENANT, AI, 'set_01', `run_0${n}`, aResult('c1', n !== 2));
          await stores.testSets.finishRun(TENANT, AI, 'set_01', `run_0${n}`, { finishedAt: at(n), regressions: [] });
        }

        const previous = await stores.testSets.getPreviousFinishedRun(TENANT, AI, 'set_01', 'run_03');

        expect(previous?.runId).toBe('run_02');
        expect(previous?.results).toStrictEqual([aResult('c1', false)]);
        expect(await stores.testSets.getPreviousFinishedRun(TENANT, AI, 'set_01', 'run_01')).toBeUndefined();
      });

      it('prunes finished runs beyond the newest ones kept, never a running one', async () => {
        for (const n of [1, 2, 3, 4]) await stores.testSets.createRun(aRun(`run_0${n}`), cases());
        for (const n of [2, 3, 4]) {
          await stores.testSets.finishRun(TENANT, AI, 'set_01', `run_0${n}`, { finishedAt: at(n), regressions: [] });
        }

        expect(await stores.testSets.pruneRuns(TENANT, AI, 'set_01', 2)).toBe(1);

        const listed = await stores.testSets.listRuns(TENANT, AI, 'set_01', { limit: 10 });
        expect(listed.items.map((r) => r.runId)).toEqual(['run_04', 'run_03', 'run_01']);
        expect(await stores.testSets.getRunCases(TENANT, AI, 'set_01', 'run_02')).toBeUndefined();
      });
    });
  });
}
