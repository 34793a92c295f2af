/**
 * Runs of a test set, in the AI's evaluations partition: the run item `RUN#{set}#{run}` (its case
 * order and an `outcomes` map of case id → passed, which the listed counts read), the snapshot of
 * its cases `RCASE#…` and one result item per case `RES#…`. Recording a result is two idempotent
 * writes (the result if absent, then its outcome if absent), so a crash between them is healed by
 * the job's retry; the first result recorded for a case is the one kept.
 */
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  attempt,
  type DynamoContext,
  getRecord,
  type Item,
  isConditionFailed,
  putIfAbsent,
  queryAll,
  queryUpTo,
} from '#lib/adapters/aws/dynamo-context';
import {
  evaluationsPk,
  type ItemKey,
  runCasesPrefix,
  runResultsPrefix,
  testRunsPrefix,
  toRecord,
} from '#lib/adapters/aws/dynamo-keys';
import { listPartitionItems } from '#lib/adapters/aws/dynamo-tenant-items';
import { ConcurrencyError } from '#lib/domain/errors';
import type { CaseResult, TestCase, TestRun } from '#lib/domain/evaluations/types';
import type { Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';
import type { RunFinish, TestRunSummary } from '#lib/ports/test-sets';

export interface SetRef {
  tenantId: string;
  aiId: string;
  setId: string;
}
export type RunRef = SetRef & { runId: string };

type RunItem = Omit<TestRun, 'results' | 'passed' | 'failed'> & {
  caseIds: string[];
  outcomes: Record<string, boolean>;
};

const runKey = (ref: RunRef): ItemKey => ({
  pk: evaluationsPk(ref.tenantId, ref.aiId),
  sk: testRunsPrefix(ref.setId) + ref.runId,
});
const runCaseKey = (ref: RunRef, caseId: string): ItemKey => ({
  pk: evaluationsPk(ref.tenantId, ref.aiId),
  sk: runCasesPrefix(ref.setId, ref.runId) + caseId,
});
const resultKey = (ref: RunRef, caseId: string): ItemKey => ({
  pk: evaluationsPk(ref.tenantId, ref.aiId),
  sk: runResultsPrefix(ref.setId, ref.runId) + caseId,
});

/** The snapshot first, the run item last: a run that exists always has its cases. */
export async function createRun(ctx: DynamoContext, run: TestRun, cases: TestCase[]): Promise<void> {
  const ref: RunRef = run;
  if ((await getRecord(ctx, runKey(ref))) !== undefined) throw new ConcurrencyError(`run ${run.runId} already exists`);
  for (const testCase of cases) {
    const item = { setId: run.setId, case: testCase };
    await ctx.client.send(
      new PutCommand({ TableName: ctx.tableName, Item: { ...item, ...runCaseKey(ref, testCase.caseId) } }),
    );
  }
  const item: RunItem = {
    tenantId: run.tenantId,
    aiId: run.aiId,
    setId: run.setId,
    runId: run.runId,
    status: 'running',
    total: cases.length,
    regressions: [],
    startedAt: run.startedAt,
    caseIds: cases.map((testCase) => testCase.caseId),
    outcomes: {},
  };
  if (!(await putIfAbsent(ctx, { ...item, ...runKey(ref) })))
    throw new ConcurrencyError(`run ${run.runId} already exists`);
}

export async function getRunCases(ctx: DynamoContext, ref: RunRef): Promise<TestCase[] | undefined> {
  const run = await getRecord<RunItem>(ctx, runKey(ref));
  if (run === undefined) return undefined;
  const items = await queryPrefix(ctx, ref, runCasesPrefix(ref.setId, ref.runId));
  return inOrder(
    run.caseIds,
    items.map((item) => toRecord<{ case: TestCase }>(item).case),
  );
}

export async function recordCaseResult(ctx: DynamoContext, ref: RunRef, result: CaseResult): Promise<boolean> {
  if ((await getRecord(ctx, runKey(ref))) === undefined) return false;
  const recorded = await putIfAbsent(ctx, {
    setId: ref.setId,
    runId: ref.runId,
    result,
    ...resultKey(ref, result.caseId),
  });
  const kept = recorded
    ? result
    : (await getRecord<{ result: CaseResult }>(ctx, resultKey(ref, result.caseId)))?.result;
  if (kept === undefined) return false;
  await ctx.client
    .send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: runKey(ref),
        UpdateExpression: 'SET outcomes.#case = if_not_exists(outcomes.#case, :passed)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#case': result.caseId },
        ExpressionAttributeValues: { ':passed': kept.passed },
      }),
    )
    .catch(ignoreConditionFailed);
  return recorded;
}

export async function finishRun(ctx: DynamoContext, ref: RunRef, finish: RunFinish): Promise<TestRun | undefined> {
  const finished = await attempt(() =>
    ctx.client.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: runKey(ref),
        UpdateExpression: 'SET #status = :done, finishedAt = :at, regressions = :regressions',
        ConditionExpression: '#status = :running',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':done': 'done',
          ':running': 'running',
          ':at': finish.finishedAt,
          ':regressions': finish.regressions,
        },
      }),
    ),
  );
  return finished ? getRun(ctx, ref) : undefined;
}

export async function getRun(ctx: DynamoContext, ref: RunRef): Promise<TestRun | undefined> {
  const run = await getRecord<RunItem>(ctx, runKey(ref));
  return run === undefined ? undefined : withResults(ctx, run);
}

export async function listRuns(ctx: DynamoContext, ref: SetRef, page: PageRequest): Promise<Page<TestRunSummary>> {
  const pk = evaluationsPk(ref.tenantId, ref.aiId);
  const listed = await listPartitionItems<RunItem>(ctx, pk, testRunsPrefix(ref.setId), page, { order: 'descending' });
  return { items: listed.items.map(summarise), nextCursor: listed.nextCursor };
}

/** Reads back from `runId` itself (BETWEEN is inclusive), newest first, to the first done run before it. */
export async function getPreviousFinishedRun(ctx: DynamoContext, ref: RunRef): Promise<TestRun | undefined> {
  const prefix = testRunsPrefix(ref.setId);
  const [item] = await queryUpTo(
    ctx,
    {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      FilterExpression: '#status = :done AND runId <> :run',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':pk': evaluationsPk(ref.tenantId, ref.aiId),
        ':from': prefix,
        ':to': prefix + ref.runId,
        ':done': 'done',
        ':run': ref.runId,
      },
      ConsistentRead: true,
      ScanIndexForward: false,
    },
    1,
  );
  return item === undefined ? undefined : withResults(ctx, toRecord<RunItem>(item));
}

export async function pruneRuns(ctx: DynamoContext, ref: SetRef, keep: number): Promise<number> {
  const items = await queryAll(ctx, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': evaluationsPk(ref.tenantId, ref.aiId), ':prefix': testRunsPrefix(ref.setId) },
    ConsistentRead: true,
    ScanIndexForward: false,
  });
  const older = items
    .slice(keep)
    .map((item) => toRecord<RunItem>(item))
    .filter((run) => run.status === 'done');
  for (const run of older) await deleteRun(ctx, run);
  return older.length;
}

/** Every run of the set with its snapshot and results, including what a crashed createRun left. */
export async function deleteRunsOf(ctx: DynamoContext, ref: SetRef): Promise<void> {
  for (const prefix of [runResultsPrefix(ref.setId), runCasesPrefix(ref.setId), testRunsPrefix(ref.setId)]) {
    for (const item of await queryPrefix(ctx, ref, prefix))
      await deleteKey(ctx, { pk: String(item.pk), sk: String(item.sk) });
  }
}

/**
 * Takes a case copied from the conversation out of every run of its set: its result, its outcome
 * and, last (what a retry finds again), its snapshot.
 */
export async function eraseCaseFromRuns(
  ctx: DynamoContext,
  tenantId: string,
  copy: { aiId: string; setId: string; caseId: string },
  conversationId: string,
): Promise<void> {
  const set: SetRef = { tenantId, aiId: copy.aiId, setId: copy.setId };
  for (const item of await queryPrefix(ctx, set, testRunsPrefix(copy.setId))) {
    const ref: RunRef = { ...set, runId: String(item.runId) };
    const snapshot = await getRecord<{ case: TestCase }>(ctx, runCaseKey(ref, copy.caseId));
    if (snapshot?.case.source?.conversationId !== conversationId) continue;
    await deleteKey(ctx, resultKey(ref, copy.caseId));
    await ctx.client
      .send(
        new UpdateCommand({
          TableName: ctx.tableName,
          Key: runKey(ref),
          UpdateExpression: 'REMOVE outcomes.#case',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#case': copy.caseId },
        }),
      )
      .catch(ignoreConditionFailed);
    await deleteKey(ctx, runCaseKey(ref, copy.caseId));
  }
}

async function deleteRun(ctx: DynamoContext, run: RunRef): Promise<void> {
  for (const prefix of [runResultsPrefix(run.setId, run.runId), runCasesPrefix(run.setId, run.runId)]) {
    for (const item of await queryPrefix(ctx, run, prefix))
      await deleteKey(ctx, { pk: String(item.pk), sk: String(item.sk) });
  }
  await deleteKey(ctx, runKey(run));
}

async function withResults(ctx: DynamoContext, run: RunItem): Promise<TestRun> {
  const items = await queryPrefix(ctx, run, runResultsPrefix(run.setId, run.runId));
  const results = inOrder(
    run.caseIds,
    items.map((item) => toRecord<{ result: CaseResult }>(item).result),
  );
  const passed = results.filter((result) => result.passed).length;
  const { caseIds: _caseIds, outcomes: _outcomes, ...rest } = run;
  return { ...rest, passed, failed: results.length - passed, results };
}

function summarise(run: RunItem): TestRunSummary {
  const { caseIds: _caseIds, outcomes, ...rest } = run;
  const passed = Object.values(outcomes).filter((outcome) => outcome).length;
  return { ...rest, passed, failed: Object.keys(outcomes).length - passed };
}

/** The records in `caseIds`' order, leaving out ids without one. */
function inOrder<T extends { caseId: string }>(caseIds: string[], records: T[]): T[] {
  const byId = new Map(records.map((record) => [record.caseId, record]));
  return caseIds.flatMap((caseId) => {
    const record = byId.get(caseId);
    return record === undefined ? [] : [record];
  });
}

function queryPrefix(ctx: DynamoContext, ref: SetRef, prefix: string): Promise<Item[]> {
  return queryAll(ctx, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': evaluationsPk(ref.tenantId, ref.aiId), ':prefix': prefix },
    ConsistentRead: true,
  });
}

async function deleteKey(ctx: DynamoContext, key: ItemKey): Promise<void> {
  await ctx.client.send(new DeleteCommand({ TableName: ctx.tableName, Key: key }));
}

function ignoreConditionFailed(error: unknown): void {
  if (!isConditionFailed(error)) throw error;
}
