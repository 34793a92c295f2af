/**
 * The Maax-compatible `/api/*` endpoints' edge cases, in-process: fields from the query string or
 * the body, AI resolution by service type, Maax field names in errors, paths and the Maax header.
 */
import { type FakeDeps, makeFakeDeps } from '#test/support/fakes';
import { apiEvent, httpClient } from '#test/support/http';
import { createHttpHandler } from '#functions/http/router';
import { routes } from '#functions/http/routes/index';
import { answerQueued, givenAnotherAi, givenTenantWithAi, TEST_API_KEY } from '#test/support/scenario';

async function setup() {
  const deps = makeFakeDeps({ webhookTargets: 'public' });
  const { tenantId, ai } = await givenTenantWithAi(deps);
  return { deps, tenantId, ai, call: httpClient(deps, TEST_API_KEY) };
}

/** The webhook bodies queued so far, as their receivers will get them. */
async function webhookBodies(deps: FakeDeps, tenantId: string) {
  const bodies = [];
  for (const { job } of deps.deliveryQueue.jobs) {
    const delivery = await deps.deliveries.getDelivery(tenantId, job.deliveryId);
    if (delivery) bodies.push({ url: delivery.url, body: JSON.parse(delivery.payload) });
  }
  return bodies;
}

const support = 'customer_support_automation';

describe('the Maax-compatible API', () => {
  describe('POST /api/initiate_answer_generation/', () => {
    it('takes its fields from the query string when there is no body, with numeric ids as strings', async () => {
      const { call, ai } = await setup();

      const posted = await call(
        'POST',
        `/api/initiate_answer_generation/?${new URLSearchParams({
          message_content: 'Do you ship to Peru?',
          service_type: support,
          ai_id: ai.id,
          prospect_id: '77',
        })}`,
      );

      expect(posted.status).toBe(202);
      expect(posted.body).toEqual({
        incoming_message_id: expect.stringMatching(/^msg_/),
        conversation_id: expect.stringMatching(/^conv_/),
        prospect_id: '77',
        status: 'pending',
      });
    });

    it('prefers a body field over the same field in the query string', async () => {
      const { call } = await setup();

      const posted = await call('POST', `/api/initiate_answer_generation?prospect_id=1&service_type=${support}`, {
        message_content: 'Hello',
        prospect_id: 2,
      });

      expect(posted.body.prospect_id).toBe('2');
    });

    it('answers on the misspelt path too, without a trailing slash', async () => {
      const { call } = await setup();

      const posted = await call('POST', '/api/inititiate_answer_generation', {
        message_content: 'Hello',
        service_type: support,
      });

      expect(posted.status).toBe(202);
    });

    it("resolves a missing ai_id to the account's only AI of the service type", async () => {
      const { deps, tenantId, call } = await setup();
      const sales = await givenAnotherAi(deps, tenantId, 'sales');

      const posted = await call('POST', '/api/initiate_answer_generation/', {
        message_content: 'How much is it?',
        service_type: 'sales_automation',
        conversation_id: 9001,
      });
      const stored = await deps.conversations.getConversation(tenantId, '9001');

      expect(posted.status).toBe(202);
      expect(stored?.aiId).toBe(sales.id);
    });

    it('refuses a missing ai_id when several AIs of the service type exist, naming ai_id', async () => {
      const { deps, tenantId, call } = await setup();
      await givenAnotherAi(deps, tenantId, 'support');

      const posted = await call('POST', '/api/initiate_answer_generation/', {
        message_content: 'Hello',
        service_type: support,
      });

      expect(posted.status).toBe(400);
      expect(posted.body.error.details).toEqual([{ path: 'ai_id', message: expect.stringContaining('2 support AIs') }]);
    });

    it("names Maax's fields in validation errors", async () => {
      const { call } = await setup();

      const posted = await call('POST', '/api/initiate_answer_generation/', {
        platform: 'fax',
        service_type: 'lead_generation',
        prospect_info: { email: 'not an e-mail' },
      });

      expect(posted.status).toBe(400);
      expect(posted.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
        'message_content',
        'platform',
        'prospect_info.email',
        'service_type',
      ]);
    });

    it('maps prospect_info onto the contact, social handles included, and blank output_format to text', async () => {
      const { deps, tenantId, call } = await setup();

      await call('POST', '/api/initiate_answer_generation/', {
        message_content: 'Hello',
        service_type: support,
        conversation_id: 'c-1',
        platform: 'website',
        output_format: '',
        prospect_info: { first_name: 'Ana', last_name: '', phone: 5550100, instagram: '@ana', facebook: '' },
      });
      const stored = await deps.conversations.getConversation(tenantId, 'c-1');

      expect(stored).toMatchObject({
        contact: { firstName: 'Ana', phone: '5550100', handles: { instagram: '@ana' } },
        channel: 'website',
        outputFormat: 'text',
      });
    });

    it('accepts the 2hd-api-key header in place of a bearer token', async () => {
      const deps = makeFakeDeps();
      await givenTenantWithAi(deps);
      const handle = createHttpHandler(routes);

      const result = await handle(
        deps,
        apiEvent('POST', '/api/create-conversation/', {
          body: { service_type: support },
          headers: { '2hd-api-key': TEST_API_KEY },
        }),
      );

      expect(result.statusCode).toBe(201);
    });
  });

  describe('GET /api/retrieve_answer/', () => {
    it('is pending, then completed with the answer, found by the message id alone', async () => {
      const { deps, call } = await setup();
      const posted = await call('POST', '/api/initiate_answer_generation/', {
        message_content: 'Do you ship to Peru?',
        service_type: support,
        prospect_id: 5,
      });
      const path = `/api/retrieve_answer/?service_type=${support}&incoming_message_id=${posted.body.incoming_message_id}`;

      const before = await call('GET', path);
      await answerQueued(deps);
      const after = await call('GET', path);

      expect(before.body).toMatchObject({ status: 'pending', answer: null });
      expect(after.body).toEqual({
        status: 'completed',
        answer: expect.any(String),
        needs_human: false,
        incoming_message_id: posted.body.incoming_message_id,
        conversation_id: posted.body.conversation_id,
        prospect_id: '5',
      });
    });

    it('answers 404 naming incoming_message_id for an unknown id, and 400 when it is missing', async () => {
      const { call } = await setup();

      const unknown = await call('GET', '/api/retrieve_answer?incoming_message_id=msg_nope');
      const missing = await call('GET', '/api/retrieve_answer');

      expect(unknown.status).toBe(404);
      expect(unknown.body.error.details).toEqual([{ path: 'incoming_message_id', message: expect.any(String) }]);
      expect(missing.status).toBe(400);
      expect(missing.body.error.details[0].path).toBe('incoming_message_id');
    });
  });

  describe('POST /api/create-conversation/ and GET /api/get_conversations_history/', () => {
    it('creates an empty conversation whose prospect id later messages and the history carry', async () => {
      const { call } = await setup();

      const created = await call('POST', '/api/create-conversation/', {
        service_type: support,
        prospect_info: { first_name: 'Ana' },
      });
      const posted = await call('POST', '/api/initiate_answer_generation/', {
        message_content: 'Hello',
        service_type: support,
        conversation_id: created.body.conversation_id,
      });
      const history = await call(
        'GET',
        `/api/get_conversations_history/?conversation_id=${created.body.conversation_id}&service_type=${support}`,
      );

      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        conversation_id: expect.stringMatching(/^conv_/),
        prospect_id: expect.stringMatching(/^prs_/),
      });
      expect(posted.body.prospect_id).toBe(created.body.prospect_id);
      expect(history.body).toEqual({
        conversation_id: created.body.conversation_id,
        prospect_id: created.body.prospect_id,
        messages: [
          {
            message_id: posted.body.incoming_message_id,
            sender: 'prospect',
            direction: 'inbound',
            message_content: 'Hello',
            created_at: expect.any(String),
          },
        ],
      });
    });

    it('answers 404 naming conversation_id for an unknown conversation', async () => {
      const { call } = await setup();

      const history = await call('GET', '/api/get_conversations_history?conversation_id=nope');

      expect(history.status).toBe(404);
      expect(history.body.error.details).toEqual([{ path: 'conversation_id', message: expect.any(String) }]);
    });
  });

  describe('POST /api/v2/outgoing-messages/', () => {
    it("POSTs the answer to send_response_url, in HTML by default, with Maax's keys", async () => {
      const { deps, tenantId, call } = await setup();

      const posted = await call('POST', '/api/v2/outgoing-messages/', {
        message_content: 'Do you ship to Peru?',
        service_type: support,
        prospect_id: 8,
        send_response_url: 'https://crm.example.com/answer',
        followup_url: 'https://crm.example.com/follow-up',
      });
      await answerQueued(deps);
      const [webhook] = await webhookBodies(deps, tenantId);
      const conversation = await deps.conversations.getConversation(tenantId, posted.body.conversation_id);

      expect(conversation?.outputFormat).toBe('html');
      expect(conversation?.webhooks).toEqual({
        answerUrl: 'https://crm.example.com/answer',
        followUpUrl: 'https://crm.example.com/follow-up',
      });
      expect(webhook?.url).toBe('https://crm.example.com/answer');
      expect(webhook?.body).toMatchObject({
        type: 'message.answered',
        message_content: webhook?.body.reply,
        incoming_message_id: posted.body.incoming_message_id,
        prospect_id: '8',
      });
    });

    it('requires send_response_url and followup_url, and names them when Parley may not send there', async () => {
      const { call } = await setup();
      const message = { message_content: 'Hi', service_type: support };

      const missing = await call('POST', '/api/v2/outgoing-messages', message);
      const refused = await call('POST', '/api/v2/outgoing-messages', {
        ...message,
        send_response_url: 'https://169.254.169.254/latest',
        followup_url: 'https://crm.example.com/follow-up',
      });

      expect(missing.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
        'followup_url',
        'send_response_url',
      ]);
      expect(refused.status).toBe(400);
      expect(refused.body.error.details).toEqual([{ path: 'send_response_url', message: expect.any(String) }]);
    });

    it('keeps the contract body alone for conversations not started through /api', async () => {
      const { deps, tenantId, ai, call } = await setup();

      await call('POST', '/v2/messages', { ai_id: ai.id, conversation_id: 'native', message: 'Hello' });
      await answerQueued(deps);
      const [webhook] = await webhookBodies(deps, tenantId);

      expect(webhook?.body).not.toHaveProperty('prospect_id');
      expect(webhook?.body).not.toHaveProperty('message_content');
    });
  });
});
