/**
 * Test sets in each AI's evaluations partition (see evaluationsPk). A set's cases are items of their
 * own, stored under a version the set item names: a create or replace writes the new version's
 * cases first and then flips the set item with one conditional write, so a reader sees the old
 * cases or the new ones, never a mix, and a crash part-way leaves only unreferenced items (removed
 * with the set). A set's `revision` changes on every write to it, and is what a replace checks.
 * Cases copied from a conversation are registered in its partition before they become visible.
 * Runs are in dynamo-test-runs.ts.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { attempt, DynamoTableAdapter, getRecord, type Item, queryAll } from '#lib/adapters/aws/dynamo-context';
import {
  conversationPk,
  evaluationsPk,
  PREFIX_TEST_CASE_COPY,
  PREFIX_TEST_SET,
  testCaseCopyKey,
  testCasesPrefix,
  testSetSk,
  toRecord,
} from '#lib/adapters/aws/dynamo-keys';
import { listPartitionItems } from '#lib/adapters/aws/dynamo-tenant-items';
import * as runs from '#lib/adapters/aws/dynamo-test-runs';
import { ConcurrencyError } from '#lib/domain/errors';
import type { CaseResult, TestCase, TestRun, TestSet } from '#lib/domain/evaluations/types';
import type { Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';
import type {
  CopiedCase,
  RunFinish,
  StoredTestSet,
  TestRunSummary,
  TestSetStore,
  TestSetSummary,
} from '#lib/ports/test-sets';

/** The set item: the set without its cases, the order of their ids, and where they are stored. */
type SetItem = Omit<TestSet, 'cases'> & {
  caseIds: string[];
  /** The version the cases are stored under (see testCasesPrefix). */
  version: string;
  revision: string;
  /** Set when a delete has started: the set reads as gone from then on. */
  deleting?: true;
};

/** A case item: the case under its set (a run's snapshot items have the same shape). */
export interface CaseItem {
  setId: string;
  case: TestCase;
}

/** A registration of a copied case, in its conversation's partition. */
interface CopyItem {
  aiId: string;
  setId: string;
  caseId: string;
}

/** The TestSetStore port on the single table. */
export class DynamoTestSetStore extends DynamoTableAdapter implements TestSetStore {
  async createTestSet(set: TestSet): Promise<void> {
    const version = randomUUID();
    await this.writeCases(set, version);
    const { cases, ...rest } = set;
    const item: SetItem = { ...rest, caseIds: cases.map((c) => c.caseId), version, revision: version };
    const created = await attempt(() =>
      this.ctx.client.send(
        new PutCommand({
          TableName: this.ctx.tableName,
          Item: { ...item, ...this.setKey(set.tenantId, set.aiId, set.setId) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    if (!created) {
      await this.deleteVersion(set.tenantId, set.aiId, set.setId, version);
      throw new ConcurrencyError(`test set ${set.setId} already exists`);
    }
  }

  async getTestSet(tenantId: string, aiId: string, setId: string): Promise<StoredTestSet | undefined> {
    const item = await this.getSetItem(tenantId, aiId, setId);
    if (item === undefined || item.deleting) return undefined;
    const stored = await this.queryItems(tenantId, aiId, testCasesPrefix(setId, item.version));
    const byId = new Map(stored.map((raw) => [caseOf(raw).caseId, caseOf(raw)]));
    const cases = item.caseIds.flatMap((caseId) => {
      const found = byId.get(caseId);
      return found === undefined ? [] : [found];
    });
    const { caseIds: _ids, version: _version, deleting: _deleting, ...rest } = item;
    return { ...rest, cases };
  }

  async listTestSets(tenantId: string, aiId: string, page: PageRequest): Promise<Page<TestSetSummary>> {
    const listed = await listPartitionItems<SetItem>(this.ctx, evaluationsPk(tenantId, aiId), PREFIX_TEST_SET, page, {
      filter: 'attribute_not_exists(deleting)',
    });
    return { items: listed.items.map(summarise), nextCursor: listed.nextCursor };
  }

  async countTestSets(tenantId: string, aiId: string): Promise<number> {
    const items = await this.queryItems(tenantId, aiId, PREFIX_TEST_SET);
    return items.filter((item) => item.deleting === undefined).length;
  }

  async replaceTestSet(set: TestSet, expectedRevision: string): Promise<string> {
    const current = await this.getSetItem(set.tenantId, set.aiId, set.setId);
    if (current === undefined || current.deleting) throw new ConcurrencyError(`test set ${set.setId} no longer exists`);
    if (current.revision !== expectedRevision) throw new ConcurrencyError(`test set ${set.setId} changed meanwhile`);
    const version = randomUUID();
    await this.writeCases(set, version);
    const { cases, ...rest } = set;
    const item: SetItem = {
      ...rest,
      createdAt: current.createdAt,
      caseIds: cases.map((c) => c.caseId),
      version,
      revision: version,
    };
    const flipped = await attempt(() =>
      this.ctx.client.send(
        new PutCommand({
          TableName: this.ctx.tableName,
          Item: { ...item, ...this.setKey(set.tenantId, set.aiId, set.setId) },
          ConditionExpression: 'revision = :expected AND attribute_not_exists(deleting)',
          ExpressionAttributeValues: { ':expected': expectedRevision },
        }),
      ),
    );
    if (!flipped) {
      await this.deleteVersion(set.tenantId, set.aiId, set.setId, version);
      throw new ConcurrencyError(`test set ${set.setId} changed meanwhile`);
    }
    // Only the version this replace superseded: another writer's newer version may be in flight.
    await this.deleteVersion(set.tenantId, set.aiId, set.setId, current.version);
    return version;
  }

  async deleteTestSet(tenantId: string, aiId: string, setId: string): Promise<boolean> {
    const marked = await attempt(() =>
      this.ctx.client.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
          Key: this.setKey(tenantId, aiId, setId),
          UpdateExpression: 'SET deleting = :true',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deleting)',
          ExpressionAttributeValues: { ':true': true },
        }),
      ),
    );
    // Deleting again finishes a delete that a crash interrupted (the set already reads as gone).
    if (!marked && (await this.getSetItem(tenantId, aiId, setId)) === undefined) return false;
    await this.deleteSetItems(tenantId, aiId, setId);
    await this.deleteKey({ pk: evaluationsPk(tenantId, aiId), sk: testSetSk(setId) });
    return marked;
  }

  async deleteAiTestSets(tenantId: string, aiId: string): Promise<void> {
    for (const item of await this.queryItems(tenantId, aiId, PREFIX_TEST_SET)) {
      await this.deleteTestSet(tenantId, aiId, String(item.setId));
    }
    // What a crashed create left unreferenced (cases written, set item never).
    for (const item of await this.queryItems(tenantId, aiId, '')) await this.deleteWithCopy(tenantId, aiId, item);
  }

  async listCopiedCases(tenantId: string, conversationId: string): Promise<CopiedCase[]> {
    const copies: CopiedCase[] = [];
    for (const copy of await this.listCopies(tenantId, conversationId)) {
      const set = await this.getSetItem(tenantId, copy.aiId, copy.setId);
      if (set === undefined || set.deleting || !set.caseIds.includes(copy.caseId)) continue;
      const found = await this.getCase(tenantId, copy, set.version);
      if (found?.source?.conversationId !== conversationId) continue;
      copies.push({ aiId: copy.aiId, setId: copy.setId, setName: set.name, case: found });
    }
    return copies;
  }

  async eraseCopiedCases(tenantId: string, conversationId: string): Promise<void> {
    for (const copy of await this.listCopies(tenantId, conversationId)) {
      await this.dropFromSet(tenantId, copy, conversationId);
      const pk = evaluationsPk(tenantId, copy.aiId);
      // Every version's item of the case (a replace's superseded version may not be cleaned yet).
      for (const item of await this.queryItems(tenantId, copy.aiId, testCasesPrefix(copy.setId))) {
        const stored = caseOf(item);
        if (stored.caseId === copy.caseId && stored.source?.conversationId === conversationId) {
          await this.deleteKey({ pk, sk: String(item.sk) });
        }
      }
      await runs.eraseCaseFromRuns(this.ctx, tenantId, copy, conversationId);
      await this.deleteKey(testCaseCopyKey(tenantId, conversationId, copy));
    }
  }

  createRun(run: TestRun, cases: TestCase[]): Promise<void> {
    return runs.createRun(this.ctx, run, cases);
  }
  getRunCases(tenantId: string, aiId: string, setId: string, runId: string): Promise<TestCase[] | undefined> {
    return runs.getRunCases(this.ctx, { tenantId, aiId, setId, runId });
  }
  recordCaseResult(tenantId: string, aiId: string, setId: string, runId: string, result: CaseResult) {
    return runs.recordCaseResult(this.ctx, { tenantId, aiId, setId, runId }, result);
  }
  finishRun(tenantId: string, aiId: string, setId: string, runId: string, finish: RunFinish) {
    return runs.finishRun(this.ctx, { tenantId, aiId, setId, runId }, finish);
  }
  getRun(tenantId: string, aiId: string, setId: string, runId: string): Promise<TestRun | undefined> {
    return runs.getRun(this.ctx, { tenantId, aiId, setId, runId });
  }
  listRuns(tenantId: string, aiId: string, setId: string, page: PageRequest): Promise<Page<TestRunSummary>> {
    return runs.listRuns(this.ctx, { tenantId, aiId, setId }, page);
  }
  getPreviousFinishedRun(tenantId: string, aiId: string, setId: string, runId: string) {
    return runs.getPreviousFinishedRun(this.ctx, { tenantId, aiId, setId, runId });
  }
  pruneRuns(tenantId: string, aiId: string, setId: string, keep: number): Promise<number> {
    return runs.pruneRuns(this.ctx, { tenantId, aiId, setId }, keep);
  }

  /** Registers the set's copied cases, then writes its cases under `version`. */
  private async writeCases(set: TestSet, version: string): Promise<void> {
    const pk = evaluationsPk(set.tenantId, set.aiId);
    for (const testCase of set.cases) {
      if (testCase.source !== undefined) {
        const copy: CopyItem = { aiId: set.aiId, setId: set.setId, caseId: testCase.caseId };
        await this.put({ ...copy, ...testCaseCopyKey(set.tenantId, testCase.source.conversationId, copy) });
      }
    }
    for (const testCase of set.cases) {
      const item: CaseItem = { setId: set.setId, case: testCase };
      await this.put({ ...item, pk, sk: testCasesPrefix(set.setId, version) + testCase.caseId });
    }
  }

  /**
   * Takes the case out of the set item's list (a new revision, so a replace that read the set
   * before cannot write the copy back), retrying while other writes move the revision on.
   */
  private async dropFromSet(tenantId: string, copy: CopyItem, conversationId: string): Promise<void> {
    for (;;) {
      const set = await this.getSetItem(tenantId, copy.aiId, copy.setId);
      if (set === undefined || !set.caseIds.includes(copy.caseId)) return;
      const stored = await this.getCase(tenantId, copy, set.version);
      // A case of the same id that is no copy of this conversation (the set was rewritten since).
      if (stored !== undefined && stored.source?.conversationId !== conversationId) return;
      const dropped = await attempt(() =>
        this.ctx.client.send(
          new UpdateCommand({
            TableName: this.ctx.tableName,
            Key: this.setKey(tenantId, copy.aiId, copy.setId),
            UpdateExpression: 'SET caseIds = :caseIds, revision = :revision',
            ConditionExpression: 'revision = :expected',
            ExpressionAttributeValues: {
              ':caseIds': set.caseIds.filter((caseId) => caseId !== copy.caseId),
              ':revision': randomUUID(),
              ':expected': set.revision,
            },
          }),
        ),
      );
      if (dropped) return;
    }
  }

  private async deleteSetItems(tenantId: string, aiId: string, setId: string): Promise<void> {
    for (const item of await this.queryItems(tenantId, aiId, testCasesPrefix(setId))) {
      await this.deleteWithCopy(tenantId, aiId, item);
    }
    await runs.deleteRunsOf(this.ctx, { tenantId, aiId, setId });
  }

  /** Deletes a stored item of the partition, and first the copy registration of a copied case. */
  private async deleteWithCopy(tenantId: string, aiId: string, item: Item): Promise<void> {
    const { setId, case: testCase } = item as Partial<CaseItem>;
    if (setId !== undefined && testCase?.source !== undefined) {
      const copy = { aiId, setId, caseId: testCase.caseId };
      await this.deleteKey(testCaseCopyKey(tenantId, testCase.source.conversationId, copy));
    }
    await this.deleteKey({ pk: evaluationsPk(tenantId, aiId), sk: String(item.sk) });
  }

  private async deleteVersion(tenantId: string, aiId: string, setId: string, version: string): Promise<void> {
    const pk = evaluationsPk(tenantId, aiId);
    for (const item of await this.queryItems(tenantId, aiId, testCasesPrefix(setId, version))) {
      await this.deleteKey({ pk, sk: String(item.sk) });
    }
  }

  private async listCopies(tenantId: string, conversationId: string): Promise<CopyItem[]> {
    const items = await queryAll(this.ctx, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': conversationPk(tenantId, conversationId), ':prefix': PREFIX_TEST_CASE_COPY },
      ConsistentRead: true,
    });
    return items.map((item) => toRecord<CopyItem>(item));
  }

  private async getCase(tenantId: string, copy: CopyItem, version: string): Promise<TestCase | undefined> {
    const key = { pk: evaluationsPk(tenantId, copy.aiId), sk: testCasesPrefix(copy.setId, version) + copy.caseId };
    return (await getRecord<CaseItem>(this.ctx, key))?.case;
  }

  private getSetItem(tenantId: string, aiId: string, setId: string): Promise<SetItem | undefined> {
    return getRecord<SetItem>(this.ctx, this.setKey(tenantId, aiId, setId));
  }

  private queryItems(tenantId: string, aiId: string, prefix: string): Promise<Item[]> {
    return queryAll(this.ctx, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': evaluationsPk(tenantId, aiId), ':prefix': prefix },
      ConsistentRead: true,
    });
  }

  private setKey(tenantId: string, aiId: string, setId: string) {
    return { pk: evaluationsPk(tenantId, aiId), sk: testSetSk(setId) };
  }

  private async put(item: Item): Promise<void> {
    await this.ctx.client.send(new PutCommand({ TableName: this.ctx.tableName, Item: item }));
  }

  private async deleteKey(key: { pk: string; sk: string }): Promise<void> {
    await this.ctx.client.send(new DeleteCommand({ TableName: this.ctx.tableName, Key: key }));
  }
}

function summarise(item: SetItem): TestSetSummary {
  const { caseIds, version: _version, revision: _revision, deleting: _deleting, ...rest } = item;
  return { ...rest, caseCount: caseIds.length };
}

function caseOf(item: Item): TestCase {
  return toRecord<CaseItem>(item).case;
}
