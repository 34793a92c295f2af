/**
 * The stack's sweeper runs the knowledge re-index for its embedding model (which it is given by
 * id: it builds no model), a bounded slice of time per run, until it is done for that model.
 */
import { createSweeperHandler } from '#functions/handlers/sweeper';
import { knowledgeReindexName } from '#lib/app/knowledge/reindex-migration';
import { REINDEX_SECONDS_PER_RUN } from '#lib/domain/limits/knowledge';
import { createLambdaContext } from '#lib/adapters/local/lambda-events';
import { makeFakeDeps } from '#test/support/fakes';
import { seedDocumentEmbeddedBy } from '#test/support/embedded-document';

const context = createLambdaContext('parley-sweeper', 'us-east-1', 60);
const TITAN = 'amazon.titan-embed-text-v2:0';

describe('the sweeper’s knowledge re-index', () => {
  it('queues the documents of another model than its own, once', async () => {
    const deps = makeFakeDeps();
    await seedDocumentEmbeddedBy(deps, 'ten_a', 'text-embedding-3-small');
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
    for (const id of ['ten_a', 'ten_b', 'ten_c']) await seedDocumentEmbeddedBy(deps, id, 'text-embedding-3-small');
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

  it('still expires conversations when a re-index step fails, and resumes the re-index at the next run', async () => {
    const deps = makeFakeDeps();
    await seedDocumentEmbeddedBy(deps, 'ten_a', 'text-embedding-3-small');
    const get = deps.blobs.get.bind(deps.blobs);
    deps.blobs.get = async () => {
      throw new Error('S3 unavailable');
    };
    const sweep = createSweeperHandler({ ...deps, embeddingModel: TITAN });

    const failed = await sweep({}, context);
    deps.blobs.get = get;
    const resumed = await sweep({}, context);

    expect(failed).toMatchObject({ knowledgeReindex: { done: false, queued: 0 }, expired: expect.anything() });
    expect(resumed.knowledgeReindex).toEqual({ done: true, queued: 1 });
  });

  it('does nothing without an embedding model (offline)', async () => {
    const deps = makeFakeDeps();
    await seedDocumentEmbeddedBy(deps, 'ten_a', 'text-embedding-3-small');

    const swept = await createSweeperHandler(deps)({}, context);

    expect(swept.knowledgeReindex).toEqual({ done: true, queued: 0 });
    expect(deps.ingestionQueue.jobs).toEqual([]);
  });
});
