/**
 * The conversations inbox and knowledge-gap answers over the HTTP edge, in-process on the memory
 * stores: listing, filtering, searching and paging, needs_human set by an escalation or a handoff
 * and cleared by a person, bad filters refused by name, and a gap answered into a correction.
 */
import { answerTo, makeFakeDeps } from '#test/support/fakes';
import { httpClient } from '#test/support/http';
import { answerQueued, givenTenantWithAi, TEST_API_KEY } from '#test/support/scenario';
import { MAX_INBOX_QUERY_CHARS, MAX_INBOX_TEXT_CHARS } from '#lib/domain/limits/inbox';
import { MAX_CORRECTION_CHARS } from '#lib/domain/limits/messages';

async function setup() {
  const deps = makeFakeDeps();
  const { ai } = await givenTenantWithAi(deps);
  const call = httpClient(deps, TEST_API_KEY);
  const post = (conversationId: string, message: string, extra: object = {}) =>
    call('POST', '/v2/messages', { ai_id: ai.id, conversation_id: conversationId, message, ...extra });
  return { deps, ai, call, post };
}

describe('GET /v2/conversations', () => {
  it('lists conversations most recently updated first, each with its inbox row', async () => {
    const { deps, ai, call, post } = await setup();
    await post('first@example.com', 'Hello', { contact: { first_name: 'Ada', email: 'first@example.com' } });
    deps.clock.advance(1000);
    await post('second@example.com', 'x'.repeat(MAX_INBOX_TEXT_CHARS + 10), { channel: 'sms' });
    await answerQueued(deps);

    const listed = await call('GET', '/v2/conversations');

    expect(listed.status).toBe(200);
    expect(listed.body.data.map((row: { conversation_id: string }) => row.conversation_id)).toEqual([
      'second@example.com',
      'first@example.com',
    ]);
    expect(listed.body.data[1]).toMatchObject({
      ai_id: ai.id,
      status: 'active',
      needs_human: false,
      contact: { first_name: 'Ada', email: 'first@example.com' },
      message_count: 2,
      last_message: { direction: 'outbound', kind: 'reply', text: 'Answer to: Hello' },
    });
    expect(listed.body.data[0].last_message.text).toHaveLength(MAX_INBOX_TEXT_CHARS);
    expect(listed.body.next_cursor).toBeNull();
  });

  it('filters, searches and pages', async () => {
    const { deps, call, post } = await setup();
    for (const [i, name] of ['Grace', 'Alan', 'Greta'].entries()) {
      deps.clock.advance(1000);
      await post(`c${i}`, 'Hi', { contact: { first_name: name }, channel: i === 1 ? 'sms' : 'email' });
    }

    const ids = async (query: string) =>
      (await call('GET', `/v2/conversations?${query}`)).body.data.map(
        (row: { conversation_id: string }) => row.conversation_id,
      );

    expect(await ids('q=gr')).toEqual(['c2', 'c0']);
    expect(await ids('channel=sms')).toEqual(['c1']);
    expect(await ids('status=closed')).toEqual([]);
    const first = await call('GET', '/v2/conversations?limit=2');
    const second = await call('GET', `/v2/conversations?limit=2&cursor=${first.body.next_cursor}`);
    expect(
      [...first.body.data, ...second.body.data].map((row: { conversation_id: string }) => row.conversation_id),
    ).toEqual(['c2', 'c1', 'c0']);
    expect(second.body.next_cursor).toBeNull();
  });

  it.each([
    ['status=open', 'status'],
    ['needs_human=yes', 'needs_human'],
    ['channel=fax', 'channel'],
    ['updated_after=yesterday', 'updated_after'],
    ['updated_before=2026-13-01T00:00:00Z', 'updated_before'],
    [`q=${'a'.repeat(MAX_INBOX_QUERY_CHARS + 1)}`, 'q'],
    ['cursor=forged', 'cursor'],
    ['colour=red', 'colour'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    const { call } = await setup();

    const refused = await call('GET', `/v2/conversations?${query}`);

    expect(refused.status).toBe(400);
    expect(refused.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
  });
});

describe('needs_human', () => {
  it('is set by an escalation and cleared by a person’s message', async () => {
    const { deps, ai, call, post } = await setup();
    deps.chatModel.nextReply((request) => ({ ...answerTo(request), needsHuman: true, escalation: 'human_requested' }));
    await post('lead@example.com', 'Can I talk to a person?');
    await answerQueued(deps);

    const escalated = await call('GET', '/v2/conversations/lead@example.com');
    const waiting = await call('GET', '/v2/conversations?needs_human=true');
    await call('POST', '/v2/outgoing-messages', {
      ai_id: ai.id,
      conversation_id: 'lead@example.com',
      message: 'Hi, Sam here.',
    });

    expect(escalated.body.needs_human).toBe(true);
    expect(waiting.body.data.map((row: { conversation_id: string }) => row.conversation_id)).toEqual([
      'lead@example.com',
    ]);
    expect((await call('GET', '/v2/conversations/lead@example.com')).body.needs_human).toBe(false);
    expect((await call('GET', '/v2/conversations?needs_human=true')).body.data).toEqual([]);
  });

  it('is set by a handoff and cleared by a resume', async () => {
    const { call, post } = await setup();
    await post('lead@example.com', 'Hello');

    const handedOff = await call('POST', '/v2/conversations/lead@example.com/handoff');
    const resumed = await call('POST', '/v2/conversations/lead@example.com/resume');

    expect(handedOff.body).toMatchObject({ status: 'handed_off', needs_human: true });
    expect(resumed.body).toMatchObject({ status: 'active', needs_human: false });
  });
});

describe('POST /v1/knowledge-gaps/{id}/answer', () => {
  async function givenGap() {
    const context = await setup();
    context.deps.chatModel.nextReply((request) => ({
      ...answerTo(request),
      needsHuman: true,
      escalation: 'unanswerable',
    }));
    await context.post('lead@example.com', 'Do you ship to Mars?');
    await answerQueued(context.deps);
    const gaps = await context.call('GET', '/v1/knowledge-gaps');
    return { ...context, gapId: gaps.body.data[0].id as string };
  }

  it('makes the answer a correction for the question and closes the gap', async () => {
    const { deps, ai, call, gapId } = await givenGap();

    const answered = await call('POST', `/v1/knowledge-gaps/${gapId}/answer`, { answer: ' Not yet. ' });

    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({
      id: gapId,
      status: 'closed',
      question: 'Do you ship to Mars?',
      correction: { ai_id: ai.id, question: 'Do you ship to Mars?', answer: 'Not yet.' },
    });
    expect((await call('GET', '/v1/knowledge-gaps')).body.data).toEqual([]);
    expect((await deps.knowledge.listCorrections(ai.tenantId, ai.id)).map((c) => c.answer)).toEqual(['Not yet.']);
    expect((await call('POST', `/v1/knowledge-gaps/${gapId}/answer`, { answer: 'Again' })).status).toBe(409);
  });

  it.each([
    [{ answer: '   ' }, 'answer'],
    [{ answer: 'a'.repeat(MAX_CORRECTION_CHARS + 1) }, 'answer'],
    [{}, 'answer'],
  ])('refuses %j with a 400 naming %s', async (body, field) => {
    const { call, gapId } = await givenGap();

    const refused = await call('POST', `/v1/knowledge-gaps/${gapId}/answer`, body);

    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].path).toBe(field);
  });

  it('answers 404 for a gap that does not exist', async () => {
    const { call } = await setup();

    expect((await call('POST', '/v1/knowledge-gaps/gap_nope/answer', { answer: 'x' })).status).toBe(404);
  });
});
