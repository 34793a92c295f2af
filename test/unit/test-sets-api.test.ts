/**
 * Test sets over the HTTP edge, in-process: sets written by JSON, cases added by CSV and copied
 * from a real conversation's message, every limit refused with a 4xx naming the field (or the CSV's
 * row and column), and copies removed when their conversation is erased or expires.
 */
import { eraseConversation } from '#lib/app/erase-conversation';
import { expireConversations } from '#lib/app/expire-conversations';
import {
  MAX_CASE_HISTORY_CHARS,
  MAX_CASE_HISTORY_TURNS,
  MAX_CASE_ID_CHARS,
  MAX_CASE_MESSAGE_CHARS,
  MAX_CASE_PHRASE_CHARS,
  MAX_CASE_PHRASES,
  MAX_CASES_CSV_BYTES,
  MAX_CASES_PER_SET,
  MAX_RUBRIC_CHARS,
  MAX_TEST_SET_NAME_CHARS,
  MAX_TEST_SETS_PER_AI,
} from '#lib/domain/limits/evaluations';
import { MAX_MESSAGE_CHARS } from '#lib/domain/limits/messages';
import { crashOnce } from '#test/support/crash-once';
import { makeFakeDeps } from '#test/support/fakes';
import { httpClient } from '#test/support/http';
import { answerQueued, givenTenantWithAi, TEST_API_KEY } from '#test/support/scenario';

const CONVERSATION = 'alice@example.com';
const CSV_HEADER = 'message,contains,not_contains,cites_document_id,offers_goal_url,escalates,abstains';

async function setup() {
  const deps = makeFakeDeps();
  const { tenantId, ai } = await givenTenantWithAi(deps);
  const call = httpClient(deps, TEST_API_KEY);
  const sets = `/v1/ais/${ai.id}/test-sets`;
  return { deps, tenantId, ai, call, sets };
}

async function givenSet(call: ReturnType<typeof httpClient>, sets: string, body: unknown = { name: 'Returns' }) {
  const created = await call('POST', sets, body);
  if (created.status !== 201) throw new Error(`set not created: ${JSON.stringify(created.body)}`);
  return `${sets}/${created.body.set_id as string}`;
}

const csv = (call: ReturnType<typeof httpClient>, path: string, text: string) =>
  call('POST', `${path}/cases`, text, { 'content-type': 'text/csv' });

/** A conversation of two exchanges: the prospect's second message is the one copied. */
async function givenConversation(context: Awaited<ReturnType<typeof setup>>) {
  const { deps, tenantId, ai, call } = context;
  await call('POST', '/v2/messages', { ai_id: ai.id, conversation_id: CONVERSATION, message: 'Hi there' });
  await answerQueued(deps);
  const second = await call('POST', '/v2/messages', {
    ai_id: ai.id,
    conversation_id: CONVERSATION,
    message: 'Do you ship kits to Canada?',
  });
  await answerQueued(deps);
  const messages = await deps.conversations.listMessages(tenantId, CONVERSATION);
  return { messageId: second.body.message_id as string, messages };
}

describe('test sets over HTTP', () => {
  it('creates a set by JSON with case ids assigned, reads it back and lists it with its case count', async () => {
    const { call, sets, ai } = await setup();
    const body = {
      name: 'Returns',
      cases: [
        {
          message: 'Can I return a kit?',
          expect: { contains: ['45 days'], follow_up_between: { after: 'PT12H', before: 'PT36H' } },
        },
        {
          case_id: 'canada',
          message: 'Do you ship to Canada?',
          history: [{ direction: 'inbound', text: 'Hello' }],
          expect: { abstains: true, escalates: true, escalation_reason: 'ungrounded' },
          rubric: 'Says plainly it does not know.',
        },
      ],
    };

    const created = await call('POST', sets, body);
    const read = await call('GET', `${sets}/${created.body.set_id}`);
    const listed = await call('GET', sets);

    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      set_id: expect.stringMatching(/^set_/),
      ai_id: ai.id,
      name: 'Returns',
      cases: [{ case_id: expect.stringMatching(/^case_/), ...body.cases[0] }, body.cases[1]],
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(read.body).toEqual(created.body);
    expect(listed.body).toEqual({
      data: [
        {
          set_id: created.body.set_id,
          ai_id: ai.id,
          name: 'Returns',
          case_count: 2,
          created_at: created.body.created_at,
          updated_at: created.body.updated_at,
        },
      ],
      next_cursor: null,
    });
  });

  it('answers 404 for an AI or a set it does not have', async () => {
    const { call, sets } = await setup();

    expect((await call('GET', '/v1/ais/ai_missing/test-sets')).status).toBe(404);
    expect((await call('POST', '/v1/ais/ai_missing/test-sets', { name: 'x' })).status).toBe(404);
    expect((await call('GET', `${sets}/set_missing`)).body.error.details).toEqual([
      { path: 'set_id', message: 'no test set with this id for this AI' },
    ]);
  });

  it('replays a create sent again with the same Idempotency-Key', async () => {
    const { call, sets } = await setup();

    const first = await call('POST', sets, { name: 'Returns' }, { 'idempotency-key': 'k1' });
    const again = await call('POST', sets, { name: 'Returns' }, { 'idempotency-key': 'k1' });

    expect(again.body).toEqual(first.body);
    expect((await call('GET', sets)).body.data).toHaveLength(1);
  });

  it('renames a set, replaces its cases and deletes it', async () => {
    const { call, sets } = await setup();
    const path = await givenSet(call, sets, { name: 'Returns', cases: [{ message: 'Refunds?' }] });

    const renamed = await call('PATCH', path, { name: 'Refunds' });
    const replaced = await call('PATCH', path, { cases: [{ case_id: 'c1', message: 'Exchanges?' }] });
    const deleted = await call('DELETE', path);

    expect(renamed.body).toMatchObject({ name: 'Refunds', cases: [{ message: 'Refunds?' }] });
    expect(replaced.body).toMatchObject({
      name: 'Refunds',
      cases: [{ case_id: 'c1', message: 'Exchanges?', expect: {} }],
    });
    expect(deleted.status).toBe(204);
    expect((await call('GET', path)).status).toBe(404);
    expect((await call('DELETE', path)).status).toBe(404);
  });

  it("deletes an AI's test sets with the AI", async () => {
    const { deps, tenantId, ai, call, sets } = await setup();
    await givenSet(call, sets);

    expect((await call('DELETE', `/v1/ais/${ai.id}`)).status).toBe(204);

    expect(await deps.testSets.countTestSets(tenantId, ai.id)).toBe(0);
  });

  describe('refuses what it cannot hold, naming the field', () => {
    const refusals: [string, unknown, string, RegExp][] = [
      [
        'a follow-up window that is no duration',
        { cases: [{ message: 'Hi', expect: { follow_up_between: { after: 'tomorrow', before: 'PT36H' } } }] },
        'cases.0.expect.follow_up_between.after',
        /must be an ISO 8601 duration like PT12H/,
      ],
      [
        'a window in months',
        { cases: [{ message: 'Hi', expect: { follow_up_between: { after: 'PT1H', before: 'P1M' } } }] },
        'cases.0.expect.follow_up_between.before',
        /ISO 8601 duration/,
      ],
      [
        'a window that ends before it starts',
        { cases: [{ message: 'Hi', expect: { follow_up_between: { after: 'P2D', before: 'P1D' } } }] },
        'cases.0.expect.follow_up_between.before',
        /longer than after/,
      ],
      [
        'a name over MAX_TEST_SET_NAME_CHARS',
        { name: 'n'.repeat(MAX_TEST_SET_NAME_CHARS + 1) },
        'name',
        /200 characters/,
      ],
      [
        'a message over MAX_CASE_MESSAGE_CHARS',
        { cases: [{ message: 'm'.repeat(MAX_CASE_MESSAGE_CHARS + 1) }] },
        'cases.0.message',
        /20000 characters/,
      ],
      [
        'a history over MAX_CASE_HISTORY_TURNS',
        {
          cases: [
            { message: 'Hi', history: Array(MAX_CASE_HISTORY_TURNS + 1).fill({ direction: 'inbound', text: 'x' }) },
          ],
        },
        'cases.0.history',
        /./,
      ],
      [
        'a history over MAX_CASE_HISTORY_CHARS',
        {
          cases: [
            {
              message: 'Hi',
              history: [
                { direction: 'inbound', text: 'x'.repeat(MAX_CASE_MESSAGE_CHARS) },
                { direction: 'outbound', text: 'y'.repeat(MAX_CASE_HISTORY_CHARS - MAX_CASE_MESSAGE_CHARS + 1) },
              ],
            },
          ],
        },
        'cases.0.history',
        /./,
      ],
      [
        'a rubric over MAX_RUBRIC_CHARS',
        { cases: [{ message: 'Hi', rubric: 'r'.repeat(MAX_RUBRIC_CHARS + 1) }] },
        'cases.0.rubric',
        /1000 characters/,
      ],
      [
        'more than MAX_CASE_PHRASES phrases',
        { cases: [{ message: 'Hi', expect: { contains: Array(MAX_CASE_PHRASES + 1).fill('a') } }] },
        'cases.0.expect.contains',
        /20 items/,
      ],
      [
        'a phrase over MAX_CASE_PHRASE_CHARS',
        { cases: [{ message: 'Hi', expect: { not_contains: ['p'.repeat(MAX_CASE_PHRASE_CHARS + 1)] } }] },
        'cases.0.expect.not_contains.0',
        /500 characters/,
      ],
      [
        'a case id over MAX_CASE_ID_CHARS',
        { cases: [{ case_id: 'c'.repeat(MAX_CASE_ID_CHARS + 1), message: 'Hi' }] },
        'cases.0.case_id',
        /64 characters/,
      ],
      [
        'a case id used twice',
        {
          cases: [
            { case_id: 'c1', message: 'Hi' },
            { case_id: 'c1', message: 'Ho' },
          ],
        },
        'cases.1.case_id',
        /earlier case/,
      ],
      [
        'more than MAX_CASES_PER_SET cases',
        { cases: Array(MAX_CASES_PER_SET + 1).fill({ message: 'Hi' }) },
        'cases',
        /200 items/,
      ],
      [
        'an unknown expectation',
        { cases: [{ message: 'Hi', expect: { mentions: 'x' } }] },
        'cases.0.expect.mentions',
        /unknown field/,
      ],
    ];

    it.each(refusals.map(([name, fields, path, message]) => ({ name, fields, path, message })))(
      '$name',
      async ({ fields, path, message }) => {
        const { call, sets } = await setup();

        const refused = await call('POST', sets, { name: 'Set', ...(fields as object) });

        expect(refused.status).toBe(400);
        expect(refused.body.error.details).toContainEqual({ path, message: expect.stringMatching(message) });
        expect((await call('GET', sets)).body.data).toEqual([]);
      },
    );

    it('takes the longest name, message and history it allows', async () => {
      const { call, sets } = await setup();

      const created = await call('POST', sets, {
        name: 'n'.repeat(MAX_TEST_SET_NAME_CHARS),
        cases: [
          {
            message: 'm'.repeat(MAX_CASE_MESSAGE_CHARS),
            history: [
              { direction: 'inbound', text: 'x'.repeat(MAX_CASE_MESSAGE_CHARS) },
              { direction: 'outbound', text: 'y'.repeat(MAX_CASE_HISTORY_CHARS - MAX_CASE_MESSAGE_CHARS) },
            ],
            rubric: 'r'.repeat(MAX_RUBRIC_CHARS),
          },
        ],
      });

      expect(created.status).toBe(201);
      expect(MAX_CASE_MESSAGE_CHARS).toBe(MAX_MESSAGE_CHARS);
    });

    it('refuses a set past MAX_TEST_SETS_PER_AI with a 409', async () => {
      const { deps, tenantId, ai, call, sets } = await setup();
      for (let n = 0; n < MAX_TEST_SETS_PER_AI; n++) {
        const at = deps.clock.now().toISOString();
        const set = { tenantId, aiId: ai.id, setId: `set_${n}`, name: `Set ${n}`, cases: [], createdAt: at };
        await deps.testSets.createTestSet({ ...set, updatedAt: at });
      }

      const refused = await call('POST', sets, { name: 'One too many' });

      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(`at most ${MAX_TEST_SETS_PER_AI}`);
    });
  });

  describe('cases from CSV', () => {
    it('adds one case per row: lists split on |, booleans read, quoted cells kept whole', async () => {
      const { call, sets } = await setup();
      const path = await givenSet(call, sets);

      const added = await csv(
        call,
        path,
        [
          CSV_HEADER,
          'Can I return a kit?,45 days|refund,,doc_returns,,false,',
          '"Do you ship to Canada, eh?",,"kit|""free""",,,true,true',
          '',
        ].join('\r\n'),
      );

      expect(added.status).toBe(201);
      expect(added.body).toEqual({
        added: [
          {
            case_id: expect.stringMatching(/^case_/),
            message: 'Can I return a kit?',
            expect: { contains: ['45 days', 'refund'], cites_document_id: 'doc_returns', escalates: false },
          },
          {
            case_id: expect.stringMatching(/^case_/),
            message: 'Do you ship to Canada, eh?',
            expect: { not_contains: ['kit', '"free"'], escalates: true, abstains: true },
          },
        ],
        case_count: 2,
      });
      expect((await call('GET', path)).body.cases).toEqual(added.body.added);
    });

    it('takes the columns in any order, only message required', async () => {
      const { call, sets } = await setup();
      const path = await givenSet(call, sets);

      const added = await csv(call, path, 'abstains,message\nyes,Do you ship to Canada?\n');

      expect(added.body.added).toEqual([
        { case_id: expect.any(String), message: 'Do you ship to Canada?', expect: { abstains: true } },
      ]);
    });

    it.each([
      [
        'a cell that is no boolean',
        `${CSV_HEADER}\nHi,,,,,,\nHo,,,,,maybe,`,
        'rows.2.escalates',
        /row 2, column escalates/,
      ],
      ['a row without a message', `${CSV_HEADER}\n,refund,,,,,`, 'rows.1.message', /row 1, column message/],
      [
        'a phrase over MAX_CASE_PHRASE_CHARS',
        `message,contains\nHi,${'p'.repeat(MAX_CASE_PHRASE_CHARS + 1)}`,
        'rows.1.contains',
        /row 1, column contains/,
      ],
      ['an unknown column', 'message,mentions\nHi,x', 'csv.header.2', /unknown column "mentions"/],
      ['no message column', 'contains\nrefund', 'csv.header', /message column/],
      ['a row with more cells than columns', 'message,contains\nHi,a,b', 'rows.1', /3 cells/],
      ['an unclosed quote', 'message\n"Hi', 'csv', /line 2: a quoted cell is never closed/],
      ['no rows', `${CSV_HEADER}\n`, 'csv', /no rows/],
    ])('refuses %s, naming the row and column, adding nothing', async (_, text, path, message) => {
      const { call, sets } = await setup();
      const setPath = await givenSet(call, sets);

      const refused = await csv(call, setPath, text);

      expect(refused.status).toBe(400);
      expect(refused.body.error.details).toContainEqual({ path, message: expect.stringMatching(message) });
      expect((await call('GET', setPath)).body.cases).toEqual([]);
    });

    it('refuses a CSV body over MAX_CASES_CSV_BYTES with a 413', async () => {
      const { call, sets } = await setup();
      const path = await givenSet(call, sets);

      const refused = await csv(call, path, `message\n${'x'.repeat(MAX_CASES_CSV_BYTES)}`);

      expect(refused.status).toBe(413);
    });

    it('refuses rows that would take the set past MAX_CASES_PER_SET, adding none of them', async () => {
      const { call, sets } = await setup();
      const path = await givenSet(call, sets, {
        name: 'Full',
        cases: Array(MAX_CASES_PER_SET - 1).fill({ message: 'Hi' }),
      });

      const refused = await csv(call, path, 'message\nOne\nTwo\n');

      expect(refused.status).toBe(409);
      expect(refused.body.error.details).toEqual([
        { path: 'cases', message: expect.stringMatching(`${MAX_CASES_PER_SET}`) },
      ]);
      expect((await call('GET', path)).body.cases).toHaveLength(MAX_CASES_PER_SET - 1);
    });

    it('refuses another media type with a 415', async () => {
      const { call, sets } = await setup();
      const path = await givenSet(call, sets);

      const refused = await call('POST', `${path}/cases`, 'message\nHi', { 'content-type': 'text/plain' });

      expect(refused.status).toBe(415);
    });
  });

  describe('cases copied from a conversation', () => {
    it('copies the prospect’s message with the turns before it, and records where it came from', async () => {
      const context = await setup();
      const { messageId, messages } = await givenConversation(context);
      const path = await givenSet(context.call, context.sets);

      const copied = await context.call('POST', `${path}/cases`, {
        conversation_id: CONVERSATION,
        message_id: messageId,
        expect: { abstains: true },
        rubric: 'Says it does not know.',
      });

      expect(copied.status).toBe(201);
      expect(copied.body.added).toEqual([
        {
          case_id: expect.any(String),
          message: 'Do you ship kits to Canada?',
          history: messages.slice(0, 2).map((m) => ({ direction: m.direction, text: m.text })),
          expect: { abstains: true },
          rubric: 'Says it does not know.',
          source: { conversation_id: CONVERSATION, message_id: messageId },
        },
      ]);
      expect(messages[1]?.direction).toBe('outbound');
    });

    it('refuses a reply, a message the conversation lacks, and a conversation it does not have', async () => {
      const context = await setup();
      const { messages } = await givenConversation(context);
      const path = await givenSet(context.call, context.sets);
      const copy = (body: object) => context.call('POST', `${path}/cases`, body);

      const reply = await copy({ conversation_id: CONVERSATION, message_id: messages[1]?.id });
      const missingMessage = await copy({ conversation_id: CONVERSATION, message_id: 'msg_missing' });
      const missingConversation = await copy({ conversation_id: 'bob@example.com', message_id: messages[0]?.id });
      const both = await copy({ conversation_id: CONVERSATION, message_id: 'm', csv: 'message\nHi' });

      expect(reply.status).toBe(400);
      expect(reply.body.error.details[0].path).toBe('message_id');
      expect(missingMessage.status).toBe(404);
      expect(missingConversation.status).toBe(404);
      expect(both.body.error.details).toContainEqual({ path: 'conversation_id', message: 'does not go with csv' });
      expect((await context.call('GET', path)).body.cases).toEqual([]);
    });

    it('bounds the history it copies to MAX_CASE_HISTORY_TURNS, keeping the latest turns', async () => {
      const context = await setup();
      const { deps, ai, call } = context;
      for (let n = 0; n < MAX_CASE_HISTORY_TURNS; n++) {
        await call('POST', '/v2/messages', { ai_id: ai.id, conversation_id: CONVERSATION, message: `Question ${n}` });
        await answerQueued(deps);
      }
      const last = await call('POST', '/v2/messages', { ai_id: ai.id, conversation_id: CONVERSATION, message: 'Last' });
      const path = await givenSet(call, context.sets);

      const copied = await call('POST', `${path}/cases`, {
        conversation_id: CONVERSATION,
        message_id: last.body.message_id,
      });

      const history = copied.body.added[0].history as { text: string }[];
      expect(history).toHaveLength(MAX_CASE_HISTORY_TURNS);
      expect(history[0]?.text).toBe(`Question ${MAX_CASE_HISTORY_TURNS / 2}`);
    });

    it('keeps the source of a copied case kept by a PATCH', async () => {
      const context = await setup();
      const { messageId } = await givenConversation(context);
      const path = await givenSet(context.call, context.sets);
      const copied = await context.call('POST', `${path}/cases`, {
        conversation_id: CONVERSATION,
        message_id: messageId,
      });
      const caseId = copied.body.added[0].case_id;

      const patched = await context.call('PATCH', path, {
        cases: [{ case_id: caseId, message: 'Shipping to Canada?' }],
      });

      expect(patched.body.cases[0].source).toEqual({ conversation_id: CONVERSATION, message_id: messageId });
    });

    it('lists the copies in the conversation’s export', async () => {
      const context = await setup();
      const { messageId } = await givenConversation(context);
      const path = await givenSet(context.call, context.sets);
      const copied = await context.call('POST', `${path}/cases`, {
        conversation_id: CONVERSATION,
        message_id: messageId,
      });

      const exported = await context.call('GET', `/v2/conversations/${CONVERSATION}/export`);

      expect(exported.body.test_cases).toEqual([
        { ai_id: context.ai.id, set_id: path.split('/').at(-1), set_name: 'Returns', case: copied.body.added[0] },
      ]);
    });

    it('removes the copies when the conversation is erased, leaving the other cases', async () => {
      const context = await setup();
      const { messageId } = await givenConversation(context);
      const path = await givenSet(context.call, context.sets, { name: 'Mixed', cases: [{ message: 'Refunds?' }] });
      await context.call('POST', `${path}/cases`, { conversation_id: CONVERSATION, message_id: messageId });

      expect((await context.call('DELETE', `/v2/conversations/${CONVERSATION}`)).status).toBe(204);

      expect((await context.call('GET', path)).body.cases).toMatchObject([{ message: 'Refunds?' }]);
    });

    it('forgets the Idempotency-Key record of a copy when the conversation is erased, so nothing replays its text', async () => {
      const context = await setup();
      const { messageId } = await givenConversation(context);
      const path = await givenSet(context.call, context.sets);
      const body = { conversation_id: CONVERSATION, message_id: messageId };
      const first = await context.call('POST', `${path}/cases`, body, { 'idempotency-key': 'copy-1' });
      const replayed = await context.call('POST', `${path}/cases`, body, { 'idempotency-key': 'copy-1' });

      await context.call('DELETE', `/v2/conversations/${CONVERSATION}`);
      const after = await context.call('POST', `${path}/cases`, body, { 'idempotency-key': 'copy-1' });

      expect(replayed.body).toEqual(first.body);
      expect(after.status).toBe(404);
      expect(JSON.stringify(after.body)).not.toContain('kits to Canada');
    });

    it('removes them too when an erasure that crashed part way is resumed', async () => {
      const context = await setup();
      const { deps, tenantId } = context;
      const { messageId } = await givenConversation(context);
      const path = await givenSet(context.call, context.sets);
      await context.call('POST', `${path}/cases`, { conversation_id: CONVERSATION, message_id: messageId });
      const crash = crashOnce(deps.testSets, 'eraseCopiedCases');

      await expect(
        eraseConversation(deps, { tenantId, conversationId: CONVERSATION, reason: 'request' }),
      ).rejects.toThrow('injected crash');
      const afterCrash = (await context.call('GET', path)).body.cases;
      await eraseConversation(deps, { tenantId, conversationId: CONVERSATION, reason: 'request' });

      expect(crash.crashed()).toBe(true);
      expect(afterCrash).toHaveLength(1);
      expect((await context.call('GET', path)).body.cases).toEqual([]);
      expect((await deps.conversations.getTombstone(tenantId, CONVERSATION))?.finished).toBe(true);
    });

    it('removes them when the conversation expires under the account’s retention', async () => {
      const context = await setup();
      const { deps, tenantId } = context;
      const { messageId } = await givenConversation(context);
      const path = await givenSet(context.call, context.sets);
      await context.call('POST', `${path}/cases`, { conversation_id: CONVERSATION, message_id: messageId });
      await deps.tenants.updateTenant(tenantId, { dataRetentionDays: 1 });
      deps.clock.advance(2 * 24 * 60 * 60 * 1000);

      expect((await expireConversations(deps)).erased).toBe(1);

      expect((await context.call('GET', path)).body.cases).toEqual([]);
    });

    it('undoes a copy whose conversation was erased while it was being made', async () => {
      const context = await setup();
      const { deps, tenantId } = context;
      const { messageId } = await givenConversation(context);
      const path = await givenSet(context.call, context.sets);
      const replace = deps.testSets.replaceTestSet.bind(deps.testSets);
      deps.testSets.replaceTestSet = async (set, revision) => {
        const written = await replace(set, revision);
        await eraseConversation(deps, { tenantId, conversationId: CONVERSATION, reason: 'request' });
        return written;
      };

      const copied = await context.call('POST', `${path}/cases`, {
        conversation_id: CONVERSATION,
        message_id: messageId,
      });

      expect(copied.status).toBe(404);
      expect((await context.call('GET', path)).body.cases).toEqual([]);
    });
  });
});
