/**
 * The Maax-compatible endpoints end to end, as a Zap written for Maax AI calls them after changing
 * only its base URL and key: the `2hd-api-key` header, numeric ids, fields in the query string, and
 * the V2 answer and follow-ups POSTed to the URLs it names (a loopback receiver here).
 */
import { jest } from '@jest/globals';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';
import { type ReceivedWebhook, startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';

jest.setTimeout(60_000);

/** 0.001 h = 3.6 s of silence before the drop-off nudge, so a follow-up arrives within the test. */
const DROPOFF_HOURS = 0.001;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SUPPORT = 'customer_support_automation';

/** A Maax client: its own header, no bearer token; a body only when given. */
function maaxClient(runtime: RuntimeProcess) {
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${runtime.url}${path}`, {
      method,
      headers: { '2hd-api-key': runtime.apiKey, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    // biome-ignore lint/suspicious/noExplicitAny: tests read response JSON of many shapes; assertions check them
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
  };
}

describe('the Maax-compatible API on the local runtime', () => {
  let runtime: RuntimeProcess;
  let receiver: WebhookReceiver;
  let maax: ReturnType<typeof maaxClient>;

  beforeAll(async () => {
    [runtime, receiver] = await Promise.all([startRuntimeProcess(), startWebhookReceiver()]);
    maax = maaxClient(runtime);
    const created = await apiClient(runtime)('POST', '/v1/ais', {
      type: 'support',
      name: 'Ada',
      webhooks: { answer_url: `${receiver.url}/ai-default` },
      follow_up: { enabled: true, dropoff_after_hours: DROPOFF_HOURS, max_nudges: 1, timezone: 'UTC' },
    });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await Promise.all([runtime?.stop(), receiver?.stop()]);
  });

  async function pollAnswer(messageId: string) {
    const path = `/api/retrieve_answer/?service_type=${SUPPORT}&incoming_message_id=${messageId}`;
    let polled = await maax('GET', path);
    for (let i = 0; i < 50 && polled.body?.status === 'pending'; i++) {
      await sleep(100);
      polled = await maax('GET', path);
    }
    return polled;
  }

  it('creates a conversation, answers a message posted by query string, and lists the history', async () => {
    const created = await maax('POST', '/api/create-conversation/', {
      service_type: SUPPORT,
      prospect_id: 1234,
      prospect_info: { first_name: 'Grace', email: 'grace@example.com', intercom: 'u-9' },
    });
    expect(created).toEqual({
      status: 201,
      body: { conversation_id: expect.stringMatching(/^conv_/), prospect_id: '1234' },
    });
    const conversationId = created.body.conversation_id;

    const query = new URLSearchParams({
      message_content: 'Hello! What are your opening hours?',
      platform: 'website',
      service_type: SUPPORT,
      conversation_id: conversationId,
    });
    const posted = await maax('POST', `/api/initiate_answer_generation/?${query}`);
    expect(posted).toEqual({
      status: 202,
      body: {
        incoming_message_id: expect.stringMatching(/^msg_/),
        conversation_id: conversationId,
        prospect_id: '1234',
        status: 'pending',
      },
    });

    const answer = await pollAnswer(posted.body.incoming_message_id);
    expect(answer).toEqual({
      status: 200,
      body: {
        status: 'completed',
        answer: expect.any(String),
        // The AI knows nothing of opening hours: it abstains and asks a colleague to answer.
        needs_human: true,
        incoming_message_id: posted.body.incoming_message_id,
        conversation_id: conversationId,
        prospect_id: '1234',
      },
    });

    const history = await maax(
      'GET',
      `/api/get_conversations_history/?conversation_id=${conversationId}&service_type=${SUPPORT}`,
    );
    expect(history.status).toBe(200);
    expect(history.body.messages).toEqual([
      expect.objectContaining({
        message_id: posted.body.incoming_message_id,
        sender: 'prospect',
        message_content: 'Hello! What are your opening hours?',
      }),
      expect.objectContaining({ sender: 'ai', direction: 'outbound', message_content: answer.body.answer }),
    ]);
  });

  it('answers on the misspelt path with numeric ids in the body', async () => {
    const posted = await maax('POST', '/api/inititiate_answer_generation', {
      message_content: 'Do you ship to Peru?',
      service_type: SUPPORT,
      prospect_id: 99,
      conversation_id: 555,
    });

    expect(posted.status).toBe(202);
    expect(posted.body).toMatchObject({ conversation_id: '555', prospect_id: '99' });
    expect((await pollAnswer(posted.body.incoming_message_id)).body.status).toBe('completed');
  });

  it("POSTs the V2 answer to send_response_url and the follow-up to followup_url, with Maax's keys", async () => {
    const posted = await maax('POST', '/api/v2/outgoing-messages/', {
      message_content: 'Hi, what do you offer?',
      platform: 'email',
      service_type: SUPPORT,
      prospect_id: 4321,
      prospect_info: { first_name: 'Ada', email: 'ada@example.com' },
      send_response_url: `${receiver.url}/answer`,
      followup_url: `${receiver.url}/follow-up`,
    });
    expect(posted.status).toBe(202);
    const ofThis = (path: string) =>
      receiver.received.filter(
        (w: ReceivedWebhook) =>
          w.path === path && (w.json as { conversation_id?: string }).conversation_id === posted.body.conversation_id,
      );

    const deadline = Date.now() + 20_000;
    while ((ofThis('/hook/answer').length === 0 || ofThis('/hook/follow-up').length === 0) && Date.now() < deadline) {
      await sleep(100);
    }
    type Body = { reply: string };
    const answered = ofThis('/hook/answer')[0]?.json as Body | undefined;
    const followUp = ofThis('/hook/follow-up')[0]?.json as Body | undefined;

    expect(answered).toMatchObject({
      type: 'message.answered',
      message_content: answered?.reply,
      incoming_message_id: posted.body.incoming_message_id,
      prospect_id: '4321',
      contact_email: 'ada@example.com',
      channel: 'email',
    });
    expect(answered?.reply).toMatch(/<\w+>/);
    expect(followUp).toMatchObject({
      type: 'dropoff.sent',
      message_content: followUp?.reply,
      incoming_message_id: posted.body.incoming_message_id,
      prospect_id: '4321',
    });
    expect(receiver.received.filter((w) => w.path === '/hook/ai-default').map((w) => w.json)).not.toContainEqual(
      expect.objectContaining({ conversation_id: posted.body.conversation_id }),
    );
  });
});
