/**
 * An erasure cut short by a crash is finished by the recovery sweep, with no repeated DELETE: its
 * unfinished tombstone is pending work of kind `erasure`.
 */
import { eraseConversation } from '#lib/app/erase-conversation';
import { recoverPending, staleCutoffs, SWEEP_STALE_AFTER_SECONDS } from '#lib/app/recover-pending';
import { ConflictError } from '#lib/domain/errors';
import { crashOnce } from '#test/support/crash-once';
import { type FakeDeps, makeFakeDeps } from '#test/support/fakes';
import { answerQueued, givenMessage, givenTenantWithAi } from '#test/support/scenario';

const CONVERSATION = 'alice@example.com';

/** A point after which the erasing process dies, each after one of the erasure's writes. */
const CRASH_POINTS: { name: string; inject: (deps: FakeDeps) => { crashed: () => boolean } }[] = [
  { name: 'tombstone written, nothing erased yet', inject: (deps) => crashOnce(deps.timers, 'cancel') },
  { name: 'deliveries erased, messages not yet', inject: (deps) => crashOnce(deps.conversations, 'deleteMessage') },
  {
    name: 'event published, tombstone not finished',
    inject: (deps) => crashOnce(deps.conversations, 'finishTombstone'),
  },
];

/** The stack's sweep at the deps' clock. */
function sweep(deps: FakeDeps) {
  return recoverPending(deps, { olderThan: staleCutoffs(deps.clock.now(), SWEEP_STALE_AFTER_SECONDS), limit: 10 });
}

describe('recoverPending and a crashed erasure', () => {
  it.each(CRASH_POINTS)('finishes an erasure that crashed at "$name"', async ({ inject }) => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps);
    await givenMessage(deps, { tenantId, aiId: ai.id, text: 'How much is shipping?' });
    await answerQueued(deps);
    const crash = inject(deps);
    await expect(
      eraseConversation(deps, { tenantId, conversationId: CONVERSATION, reason: 'request' }),
    ).rejects.toThrow('injected crash');
    const whileUnfinished = givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hello again' });
    await expect(whileUnfinished).rejects.toThrow(ConflictError);

    const tooSoon = await sweep(deps);
    deps.clock.advance((SWEEP_STALE_AFTER_SECONDS.erasure + 1) * 1000);
    const recovered = await sweep(deps);

    expect(crash.crashed()).toBe(true);
    expect(tooSoon.erasures).toBe(0);
    expect(recovered.erasures).toBe(1);
    expect(await deps.conversations.getTombstone(tenantId, CONVERSATION)).toMatchObject({ finished: true });
    expect(await deps.conversations.listMessages(tenantId, CONVERSATION)).toEqual([]);
    const { items: deliveries } = await deps.deliveries.listDeliveries(tenantId, { limit: 10 });
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.payload === '')).toBe(true);
    const deleted = deps.events.published.filter((e) => e.type === 'conversation.deleted');
    expect(new Set(deleted.map((e) => e.id)).size).toBe(1);
    expect((await sweep(deps)).erasures).toBe(0);
  });

  it('lets the id take a new message, in a new empty conversation, once the sweep finished the erasure', async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps);
    await givenMessage(deps, { tenantId, aiId: ai.id, text: 'How much is shipping?' });
    crashOnce(deps.conversations, 'deleteMessage');
    await expect(
      eraseConversation(deps, { tenantId, conversationId: CONVERSATION, reason: 'request' }),
    ).rejects.toThrow('injected crash');
    deps.clock.advance((SWEEP_STALE_AFTER_SECONDS.erasure + 1) * 1000);
    await sweep(deps);

    const accepted = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hello again' });

    expect(accepted).toMatchObject({ conversationId: CONVERSATION });
    const texts = (await deps.conversations.listMessages(tenantId, CONVERSATION)).map((m) => m.text);
    expect(texts).toEqual(['Hello again']);
    expect(await deps.conversations.getConversation(tenantId, CONVERSATION)).toMatchObject({ incarnation: 1 });
  });
});
