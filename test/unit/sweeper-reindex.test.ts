/**
 * The stack's sweeper runs the knowledge re-index for its embedding model (which it is given by
 * id: it builds no model), a bounded slice of time per run, until it is done for that model.
 */
import { createSweeperHandler } from '#functions/handlers/sweeper';
import { knowledgeReindexName } from '#lib/app/knowledge/reindex-migration';
import { chunkSetKey } from '#lib/domain/knowledge/blob-keys';
import { REINDEX_SECONDS_PER_RUN } from '#lib/domain/limits/knowledge';
import { createLambdaContext } from '#lib/adapters/local/lambda-events';
import { type FakeDeps, makeFakeDeps } from '#test/support/fakes';
import { aKnowledgeBase, aTenant, at } from '#test/support/store-contracts/fixtures';

const context = createLambdaContext('parley-sweeper', 'us-east-1', 60);
const TITAN = 'amazon.titan-embed-text-v2:0';

async function givenDocumentEmbeddedBy(deps: FakeDeps, tenantId: string, model: string) {
  await deps.tenants.ensureTenant(aTenant({ id: tenantId }));
  await deps.knowledge.createKnowledgeBase(aKnowledgeBase({ tenantId }));
  await deps.knowledge.startUpload(tenantId, 'kb_01', 'doc_01', 'upl_01', at(1));
  await deps.knowledge.markIndexed(tenantId, 'kb_01', 'doc_01', 'upl_01', at(2));
  const set = {
    documentId: 'doc_01',
    uploadId: 'upl_01',
    title: 'T',
    chunks: [],
    embedding: { model, dimensions: 256, vectors: [] },
  };
  await deps.blobs.put(
    chunkSetKey(tenantId, 'kb_01', 'doc_01', 'upl_01'),
    Buffer.from(JSON.stringify(set)),
    'application/json',
  );
}

describe('the sweeper’s knowledge re-index', () => {
  it('queues the documents of another model than its own, once', async () => {
    const deps = makeFakeDeps();
    await givenDocumentEmbeddedBy(deps, 'ten_a', 'text-embedding-3-small');
    const sweep = createSweeperHandler({ ...deps, embeddingModel: TITAN });

    const first = await sweep({}, context);
    const second = await sweep({}, context);

    expect(first.knowledgeReindex).toEqual({ done: true, queued: 1 });
    expect(second.knowledgeReindex).toEqual({ done: true, queued: 0 });
    expect(deps.ingestionQueue.jobs).toEqual([
      { tenantId: 'ten_a', knowledgeBaseId: 'kb_01', documentId: 'doc_01', uploadId: 'upl_01' },
    ]);
  });

  it(`stops after ${REINDEX_SECONDS_PER_RUN} s and resumes on the next run`, async () => {
    const deps = makeFakeDeps();
    for (const id of ['ten_a', 'ten_b', 'ten_c']) await givenDocumentEmbeddedBy(deps, id, 'text-embedding-3-small');
    const scan = deps.tenants.scanTenantIds.bind(deps.tenants);
    // Each step takes the whole run's time, so one run does one step of one tenant.
    deps.tenants.scanTenantIds = async (page) => {
      deps.clock.advance(REINDEX_SECONDS_PER_RUN * 1000);
      return scan({ ...page, limit: 1 });
    };
    const sweep = createSweeperHandler({ ...deps, embeddingModel: TITAN });

    const runs = [];
    for (let run = 0; run < 3; run += 1) runs.push((await sweep({}, context)).knowledgeReindex);

    expect(runs).toEqual([
      { done: false, queued: 1 },
      { done: false, queued: 1 },
      { done: true, queued: 1 },
    ]);
    expect(await deps.migrations.getMigration(knowledgeReindexName(TITAN))).toMatchObject({ done: true, migrated: 3 });
  });

  it('does nothing without an embedding model (offline)', async () => {
    const deps = makeFakeDeps();
    await givenDocumentEmbeddedBy(deps, 'ten_a', 'text-embedding-3-small');

    const swept = await createSweeperHandler(deps)({}, context);

    expect(swept.knowledgeReindex).toEqual({ done: true, queued: 0 });
    expect(deps.ingestionQueue.jobs).toEqual([]);
  });
});
