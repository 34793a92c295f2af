/**
 * The stack's sweeper runs the inbox backfill after its recovery sweep: conversations stored
 * before the inbox are put in it, a bounded slice of time per run, until it is done.
 */
import { createSweeperHandler } from '#functions/handlers/sweeper';
import { INBOX_BACKFILL_SECONDS_PER_RUN } from '#lib/domain/limits/inbox';
import { makeFakeDeps } from '#test/support/fakes';
import { aConversation, TENANT } from '#test/support/store-contracts/fixtures';
import { createLambdaContext } from '#lib/adapters/local/lambda-events';

const context = createLambdaContext('parley-sweeper', 'us-east-1', 60);

describe('the sweeper', () => {
  it('puts conversations stored before the inbox in it', async () => {
    const deps = makeFakeDeps();
    deps.conversations.seedWithoutInbox(aConversation({ id: 'old' }));

    const result = await createSweeperHandler(deps)({}, context);

    expect(result.inboxBackfill).toEqual({ done: true, migrated: 1 });
    expect((await deps.conversations.listInbox(TENANT, {}, { limit: 10 })).items.map((e) => e.id)).toEqual(['old']);
  });

  it(`stops the backfill after ${INBOX_BACKFILL_SECONDS_PER_RUN} s and resumes it on the next run`, async () => {
    const deps = makeFakeDeps();
    for (const id of ['a', 'b', 'c']) deps.conversations.seedWithoutInbox(aConversation({ id }));
    const list = deps.conversations.listConversationsOutsideInbox.bind(deps.conversations);
    // Each step takes the whole run's time, so one run does one step.
    deps.conversations.listConversationsOutsideInbox = async (page) => {
      deps.clock.advance(INBOX_BACKFILL_SECONDS_PER_RUN * 1000);
      return list({ ...page, limit: 1 });
    };
    const sweep = createSweeperHandler(deps);

    const first = await sweep({}, context);
    const second = await sweep({}, context);

    expect(first.inboxBackfill).toEqual({ done: false, migrated: 1 });
    expect(second.inboxBackfill).toEqual({ done: false, migrated: 1 });
    expect((await sweep({}, context)).inboxBackfill.migrated).toBe(1);
    expect((await sweep({}, context)).inboxBackfill).toEqual({ done: true, migrated: 0 });
  });
});
