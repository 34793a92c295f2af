import { buildOpenApiDocument } from '#functions/http/openapi';
import { routes } from '#functions/http/routes/index';
import { ensureTenantForKey } from '#lib/app/tenants';
import { type FakeDeps, makeFakeDeps } from '#test/support/fakes';
import { httpClient } from '#test/support/http';
import { answerQueued, givenAnotherAi, givenTenantWithAi, TEST_API_KEY } from '#test/support/scenario';

function client(deps: FakeDeps) {
  return httpClient(deps, TEST_API_KEY);
}

async function setup(settings: Parameters<typeof givenTenantWithAi>[1] = {}) {
  const deps = makeFakeDeps();
  const { tenantId, ai } = await givenTenantWithAi(deps, settings);
  return { deps, tenantId, ai, call: client(deps) };
}

type JsonSchema = {
  required: string[];
  additionalProperties: boolean;
  properties: Record<string, { description?: string }>;
};

const statusPath = (posted: { conversation_id: string; message_id: string }) =>
  `/v1/conversations/${encodeURIComponent(posted.conversation_id)}/messages/${posted.message_id}`;

describe('the V1 conversations API', () => {
  describe('POST /v1/conversations, then polling the message', () => {
    it('is queued at first, then answered with the answer text and when', async () => {
      const { call, deps } = await setup();

      const posted = await call('POST', '/v1/conversations', {
        question: 'What are your opening hours?',
        conversation_id: 'ticket-7',
        contact: { first_name: 'Grace', email: 'grace@example.com' },
        channel: 'email',
      });
      const before = await call('GET', statusPath(posted.body));
      deps.clock.advance(2_000);
      await answerQueued(deps);
      const after = await call('GET', statusPath(posted.body));

      expect(posted.status).toBe(202);
      expect(posted.body).toEqual({ conversation_id: 'ticket-7', message_id: expect.any(String), status: 'queued' });
      expect(before.body).toEqual({
        message_id: posted.body.message_id,
        conversation_id: 'ticket-7',
        status: 'queued',
      });
      expect(after.status).toBe(200);
      expect(after.body).toEqual({
        message_id: posted.body.message_id,
        conversation_id: 'ticket-7',
        status: 'answered',
        answer: 'Answer to: What are your opening hours?',
        answered_at: deps.clock.now().toISOString(),
        needs_human: false,
        confidence: 'high',
      });
    });

    it('reports answering while the reply is being written', async () => {
      const { call, deps, tenantId } = await setup();
      const posted = await call('POST', '/v1/conversations', { question: 'Hi', conversation_id: 'c-1' });

      await deps.conversations.claimMessage(tenantId, 'c-1', posted.body.message_id, 'msg_reply');
      const polled = await call('GET', statusPath(posted.body));

      expect(polled.body).toEqual({ message_id: posted.body.message_id, conversation_id: 'c-1', status: 'answering' });
    });

    it('keeps a reply that asked for a person answered, and says so with needs_human', async () => {
      const { call, deps } = await setup();
      deps.chatModel.nextReply(() => ({
        text: 'Let me get a colleague to help you with that.',
        needsHuman: true,
        reason: 'asked for a refund',
        followUpAt: null,
        language: 'en',
        confidence: 'high',
        escalation: 'human_requested',
        citations: [],
      }));
      const posted = await call('POST', '/v1/conversations', { question: 'I want a refund.' });

      await answerQueued(deps);
      const polled = await call('GET', statusPath(posted.body));

      expect(polled.body).toMatchObject({
        status: 'answered',
        answer: 'Let me get a colleague to help you with that.',
        needs_human: true,
        confidence: 'high',
      });
    });

    it('reports failed, without an answer, when no answer could be generated', async () => {
      const { call, deps, tenantId } = await setup();
      const posted = await call('POST', '/v1/conversations', { question: 'Hi', conversation_id: 'c-1' });

      await deps.conversations.settleMessage(tenantId, 'c-1', posted.body.message_id, {
        status: 'failed',
        at: deps.clock.now().toISOString(),
      });
      const polled = await call('GET', statusPath(posted.body));

      expect(polled.body).toEqual({ message_id: posted.body.message_id, conversation_id: 'c-1', status: 'failed' });
    });

    it('starts a new conversation when none is named, and adds later questions to a named one', async () => {
      const { call, deps, tenantId } = await setup();

      const first = await call('POST', '/v1/conversations', { question: 'Hi' });
      const second = await call('POST', '/v1/conversations', {
        question: 'Still there?',
        conversation_id: first.body.conversation_id,
      });

      expect(first.body.conversation_id).toMatch(/^conv_/);
      expect(second.body.conversation_id).toBe(first.body.conversation_id);
      const messages = await deps.conversations.listMessages(tenantId, first.body.conversation_id);
      expect(messages.map((m) => m.text)).toEqual(['Hi', 'Still there?']);
    });
  });

  describe('choosing the AI', () => {
    it("uses the account's only support AI when ai_id is left out, ignoring sales AIs", async () => {
      const { call, deps, tenantId, ai } = await setup();
      await givenAnotherAi(deps, tenantId, 'sales');

      const posted = await call('POST', '/v1/conversations', { question: 'Hi', conversation_id: 'c-1' });

      expect(posted.status).toBe(202);
      expect((await deps.conversations.getConversation(tenantId, 'c-1'))?.aiId).toBe(ai.id);
    });

    it('uses the AI named by ai_id, of either type', async () => {
      const { call, deps, tenantId } = await setup();
      const sales = await givenAnotherAi(deps, tenantId, 'sales');

      const posted = await call('POST', '/v1/conversations', {
        ai_id: sales.id,
        question: 'Hi',
        conversation_id: 'c-1',
      });

      expect(posted.status).toBe(202);
      expect((await deps.conversations.getConversation(tenantId, 'c-1'))?.aiId).toBe(sales.id);
    });

    it('refuses a question without ai_id when the account has several support AIs, naming ai_id', async () => {
      const { call, deps, tenantId } = await setup();
      await givenAnotherAi(deps, tenantId, 'support');

      const response = await call('POST', '/v1/conversations', { question: 'Hi' });

      expect(response.status).toBe(400);
      expect(response.body.error).toEqual({
        code: 'validation_error',
        message: 'ai_id is required: this account has 2 support AIs',
        details: [{ path: 'ai_id', message: expect.stringContaining('2 support AIs') }],
      });
      expect(deps.generationQueue.jobs).toEqual([]);
    });

    it('refuses a question without ai_id when the account has only sales AIs', async () => {
      const { call } = await setup({ type: 'sales' });

      const response = await call('POST', '/v1/conversations', { question: 'Hi' });

      expect(response.status).toBe(400);
      expect(response.body.error.message).toBe('ai_id is required: this account has 0 support AIs');
    });

    it('answers 404 naming ai_id for an AI that is not in the account', async () => {
      const { call } = await setup();

      const response = await call('POST', '/v1/conversations', { ai_id: 'ai_nope', question: 'Hi' });

      expect(response.status).toBe(404);
      expect(response.body.error.details).toEqual([{ path: 'ai_id', message: expect.any(String) }]);
    });
  });

  describe('validation and idempotency', () => {
    it('names question when it is missing, and a V2-style message field as unknown', async () => {
      const { call, deps } = await setup();

      const response = await call('POST', '/v1/conversations', { message: 'Hi', channel: 'fax' });

      expect(response.status).toBe(400);
      expect(response.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
        'channel',
        'message',
        'question',
      ]);
      expect(deps.generationQueue.jobs).toEqual([]);
    });

    it('replays the first response for a repeated Idempotency-Key, in the same new conversation', async () => {
      const { call, deps } = await setup();
      const key = { 'idempotency-key': 'zap-run-1' };

      const first = await call('POST', '/v1/conversations', { question: 'Hi' }, key);
      const replay = await call('POST', '/v1/conversations', { question: 'Hi' }, key);
      const conflict = await call('POST', '/v1/conversations', { question: 'Hello' }, key);

      expect(replay.body).toEqual(first.body);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(conflict.status).toBe(409);
      expect(deps.generationQueue.jobs).toHaveLength(1);
    });

    it('stores the question in the same conversation when a request is retried after a crash', async () => {
      const { call, deps, tenantId } = await setup();
      const key = { 'idempotency-key': 'zap-run-2' };
      const enqueue = deps.generationQueue.enqueueGeneration.bind(deps.generationQueue);
      deps.generationQueue.enqueueGeneration = async () => {
        throw new Error('queue unavailable');
      };
      const crashed = await call('POST', '/v1/conversations', { question: 'Hi' }, key);
      deps.generationQueue.enqueueGeneration = enqueue;

      const retried = await call('POST', '/v1/conversations', { question: 'Hi' }, key);

      expect(crashed.status).toBe(500);
      expect(retried.status).toBe(202);
      // One stored question in all: the retry did not start a second conversation.
      expect(await deps.pendingWork.listPending('9999-01-01T00:00:00.000Z', 10)).toEqual([
        expect.objectContaining({ conversationId: retried.body.conversation_id, messageId: retried.body.message_id }),
      ]);
      expect(deps.generationQueue.jobs).toEqual([
        { tenantId, conversationId: retried.body.conversation_id, messageId: retried.body.message_id },
      ]);
    });
  });

  describe('GET …/messages/{message_id}', () => {
    it('answers 404 for an unknown conversation or message, naming which', async () => {
      const { call } = await setup();
      const posted = await call('POST', '/v1/conversations', { question: 'Hi', conversation_id: 'c-1' });

      const noConversation = await call('GET', `/v1/conversations/c-2/messages/${posted.body.message_id}`);
      const noMessage = await call('GET', '/v1/conversations/c-1/messages/msg_unknown');

      expect([noConversation.status, noConversation.body.error.details[0].path]).toEqual([404, 'conversation_id']);
      expect([noMessage.status, noMessage.body.error.details[0].path]).toEqual([404, 'message_id']);
    });

    it('answers 404 for the id of an outbound message: only questions have a status', async () => {
      const { call, deps, tenantId } = await setup();
      await call('POST', '/v1/conversations', { question: 'Hi', conversation_id: 'c-1' });
      await answerQueued(deps);
      const reply = (await deps.conversations.listMessages(tenantId, 'c-1')).find((m) => m.direction === 'outbound');

      const response = await call('GET', `/v1/conversations/c-1/messages/${reply?.id}`);

      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
    });

    it("hides one tenant's questions from another", async () => {
      const { call, deps } = await setup();
      const posted = await call('POST', '/v1/conversations', { question: 'Hi', conversation_id: 'c-1' });
      await ensureTenantForKey(deps, { apiKey: 'prly_other_tenant_key_0000', tenantName: 'Other' });

      const response = await httpClient(deps, 'prly_other_tenant_key_0000')('GET', statusPath(posted.body));

      expect(response.status).toBe(404);
    });
  });

  describe('GET /v1/conversations/{conversation_id}', () => {
    it('returns the conversation with its messages, oldest first', async () => {
      const { call, deps, ai } = await setup();
      const posted = await call('POST', '/v1/conversations', {
        question: 'Hi',
        conversation_id: 'grace+vip@example.com',
        contact: { first_name: 'Grace' },
      });
      await answerQueued(deps);

      const response = await call('GET', `/v1/conversations/${encodeURIComponent('grace+vip@example.com')}`);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        conversation_id: 'grace+vip@example.com',
        ai_id: ai.id,
        status: 'active',
        contact: { first_name: 'Grace' },
        messages: [
          { message_id: posted.body.message_id, direction: 'inbound', text: 'Hi', status: 'answered' },
          { direction: 'outbound', kind: 'reply', text: 'Answer to: Hi' },
        ],
      });
      expect((await call('GET', '/v1/conversations/nobody')).status).toBe(404);
    });
  });

  describe('POST …/messages/{message_id}/feedback', () => {
    const feedbackPath = (conversationId: string, messageId: string) =>
      `/v1/conversations/${encodeURIComponent(conversationId)}/messages/${messageId}/feedback`;

    async function answeredQuestion() {
      const ctx = await setup();
      const posted = await ctx.call('POST', '/v1/conversations', { question: 'How much?', conversation_id: 'c-1' });
      await answerQueued(ctx.deps);
      const reply = (await ctx.deps.conversations.listMessages(ctx.tenantId, 'c-1')).find(
        (m) => m.direction === 'outbound',
      );
      return { ...ctx, questionId: posted.body.message_id as string, replyId: reply?.id ?? '' };
    }

    it("stores feedback given on the question's id on the reply that answered it", async () => {
      const { call, deps, tenantId, questionId, replyId } = await answeredQuestion();

      const response = await call('POST', feedbackPath('c-1', questionId), {
        rating: 'down',
        correction: 'It costs 12 EUR a month.',
      });

      const now = deps.clock.now().toISOString();
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        message_id: replyId,
        conversation_id: 'c-1',
        rating: 'down',
        correction: 'It costs 12 EUR a month.',
        created_at: now,
      });
      expect((await deps.conversations.getMessage(tenantId, 'c-1', replyId))?.feedback).toEqual({
        rating: 'down',
        correction: 'It costs 12 EUR a month.',
        at: now,
      });
      expect((await deps.conversations.getMessage(tenantId, 'c-1', questionId))?.feedback).toBeUndefined();
    });

    it("replaces earlier feedback when the reply's own id is rated again", async () => {
      const { call, deps, tenantId, questionId, replyId } = await answeredQuestion();
      await call('POST', feedbackPath('c-1', questionId), { rating: 'down', correction: 'Wrong.' });

      const response = await call('POST', feedbackPath('c-1', replyId), { rating: 'up' });

      expect(response.body).toEqual({
        message_id: replyId,
        conversation_id: 'c-1',
        rating: 'up',
        created_at: expect.any(String),
      });
      expect((await deps.conversations.getMessage(tenantId, 'c-1', replyId))?.feedback).toEqual({
        rating: 'up',
        at: expect.any(String),
      });
    });

    it('answers 409 for a question that is not answered yet, storing nothing', async () => {
      const { call, deps, tenantId } = await setup();
      const posted = await call('POST', '/v1/conversations', { question: 'Hi', conversation_id: 'c-1' });

      const response = await call('POST', feedbackPath('c-1', posted.body.message_id), { rating: 'up' });

      expect(response.status).toBe(409);
      expect(response.body.error).toMatchObject({
        code: 'conflict',
        details: [{ path: 'message_id', message: 'is not answered yet' }],
      });
      expect((await deps.conversations.listMessages(tenantId, 'c-1')).map((m) => m.feedback)).toEqual([undefined]);
    });

    it('answers 404 for an unknown message or conversation, naming which', async () => {
      const { call } = await answeredQuestion();

      const noMessage = await call('POST', feedbackPath('c-1', 'msg_unknown'), { rating: 'up' });
      const noConversation = await call('POST', feedbackPath('c-2', 'msg_unknown'), { rating: 'up' });

      expect([noMessage.status, noMessage.body.error.details[0].path]).toEqual([404, 'message_id']);
      expect([noConversation.status, noConversation.body.error.details[0].path]).toEqual([404, 'conversation_id']);
    });

    it('refuses an invalid rating with a 400 naming rating, and unknown fields by name', async () => {
      const { call, questionId } = await answeredQuestion();

      const invalid = await call('POST', feedbackPath('c-1', questionId), { rating: 'meh' });
      const unknown = await call('POST', feedbackPath('c-1', questionId), { rating: 'up', stars: 5 });

      expect([invalid.status, invalid.body.error.details[0].path]).toEqual([400, 'rating']);
      expect([unknown.status, unknown.body.error.details[0].path]).toEqual([400, 'stars']);
    });

    it("hides one tenant's messages from another's feedback", async () => {
      const { deps, tenantId, questionId, replyId } = await answeredQuestion();
      await ensureTenantForKey(deps, { apiKey: 'prly_other_tenant_key_0000', tenantName: 'Other' });

      const response = await httpClient(deps, 'prly_other_tenant_key_0000')('POST', feedbackPath('c-1', questionId), {
        rating: 'down',
      });

      expect(response.status).toBe(404);
      expect((await deps.conversations.getMessage(tenantId, 'c-1', replyId))?.feedback).toBeUndefined();
    });
  });

  it('documents the V1 routes in the OpenAPI document, from the same schemas', () => {
    const doc = buildOpenApiDocument(routes, 'test');

    const post = doc.paths['/v1/conversations']?.post as {
      requestBody: { content: Record<string, { schema: JsonSchema }> };
    };
    const body = post.requestBody.content['application/json']?.schema;

    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/conversations',
        '/v1/conversations/{conversation_id}',
        '/v1/conversations/{conversation_id}/messages/{message_id}',
        '/v1/conversations/{conversation_id}/messages/{message_id}/feedback',
      ]),
    );
    expect(body?.required).toEqual(['question']);
    expect(body?.additionalProperties).toBe(false);
    expect(body?.properties.ai_id?.description).toMatch(/support AI/);
  });
});
