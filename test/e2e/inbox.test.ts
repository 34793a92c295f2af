/**
 * The conversations inbox over HTTP on the local runtime, as a client (the dashboard) uses it:
 * listing, filtering, searching and paging, and needs_human set by an escalation (the offline
 * model hears a request for a person; the emergency webhook reaches a real loopback receiver) and
 * by a handoff, and cleared by a person's message and by a resume.
 */
import { jest } from '@jest/globals';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';

jest.setTimeout(60_000);

type Row = { conversation_id: string; needs_human: boolean; message_count: number };
const idsOf = (body: { data: Row[] }) => body.data.map((row) => row.conversation_id);

describe('the conversations inbox on the local runtime', () => {
  let runtime: RuntimeProcess;
  let receiver: WebhookReceiver;
  let api: ReturnType<typeof apiClient>;
  let aiId: string;

  beforeAll(async () => {
    [runtime, receiver] = await Promise.all([startRuntimeProcess(), startWebhookReceiver()]);
    api = apiClient(runtime);
    const ai = await api('POST', '/v1/ais', {
      type: 'support',
      name: 'Ada',
      webhooks: { answer_url: receiver.url, emergency_url: receiver.url },
    });
    expect(ai.status).toBe(201);
    aiId = ai.body.id;
    const prospects = [
      { id: 'grace@example.com', first_name: 'Grace', channel: 'email' },
      { id: '+15550101', first_name: 'Alan', channel: 'sms' },
      { id: 'ticket-7', first_name: 'Greta', channel: 'chat' },
    ];
    for (const p of prospects) {
      const posted = await api('POST', '/v2/messages', {
        ai_id: aiId,
        conversation_id: p.id,
        message: 'Hello!',
        contact: { first_name: p.first_name },
        channel: p.channel,
      });
      expect(posted.status).toBe(202);
    }
    await receiver.waitFor(prospects.length, 15_000);
  });

  afterAll(async () => {
    await Promise.all([runtime?.stop(), receiver?.stop()]);
  });

  it('lists the conversations most recently updated first, each with its last message and count', async () => {
    const listed = await api('GET', '/v2/conversations');

    expect(listed.status).toBe(200);
    expect(idsOf(listed.body)).toEqual(['ticket-7', '+15550101', 'grace@example.com']);
    expect(listed.body.data[0]).toMatchObject({
      ai_id: aiId,
      status: 'active',
      needs_human: false,
      contact: { first_name: 'Greta' },
      channel: 'chat',
      message_count: 2,
      last_message: { direction: 'outbound', kind: 'reply' },
    });
  });

  it('filters by channel and searches by the start of a name or id, any case', async () => {
    expect(idsOf((await api('GET', '/v2/conversations?channel=sms')).body)).toEqual(['+15550101']);
    expect(idsOf((await api('GET', '/v2/conversations?q=GR')).body)).toEqual(['ticket-7', 'grace@example.com']);
    expect(idsOf((await api('GET', `/v2/conversations?q=${encodeURIComponent('+1555')}`)).body)).toEqual(['+15550101']);
    expect((await api('GET', '/v2/conversations?channel=fax')).status).toBe(400);
  });

  it('pages with the cursor', async () => {
    const first = await api('GET', '/v2/conversations?limit=2');
    const second = await api('GET', `/v2/conversations?limit=2&cursor=${first.body.next_cursor}`);

    expect([...idsOf(first.body), ...idsOf(second.body)]).toEqual(['ticket-7', '+15550101', 'grace@example.com']);
    expect(second.body.next_cursor).toBeNull();
  });

  it('sets needs_human on an escalation and clears it when a person writes', async () => {
    receiver.received.length = 0;
    await api('POST', '/v2/messages', {
      ai_id: aiId,
      conversation_id: 'grace@example.com',
      message: 'Can I talk to a real person please?',
    });
    const webhooks = await receiver.waitFor(2, 15_000);
    const types = webhooks.map((w) => JSON.parse(w.body).type);
    expect(types).toContain('conversation.escalated');

    const waiting = await api('GET', '/v2/conversations?needs_human=true');
    const conversation = await api('GET', '/v2/conversations/grace@example.com');
    expect(idsOf(waiting.body)).toEqual(['grace@example.com']);
    expect(waiting.body.data[0].message_count).toBe(4);
    expect(conversation.body.needs_human).toBe(true);

    await api('POST', '/v2/outgoing-messages', {
      ai_id: aiId,
      conversation_id: 'grace@example.com',
      message: 'Hi, Sam here.',
    });

    expect((await api('GET', '/v2/conversations?needs_human=true')).body.data).toEqual([]);
    expect((await api('GET', '/v2/conversations/grace@example.com')).body.needs_human).toBe(false);
    expect((await api('GET', '/v2/conversations?limit=1')).body.data[0]).toMatchObject({
      conversation_id: 'grace@example.com',
      last_message: { direction: 'outbound', kind: 'human', text: 'Hi, Sam here.' },
    });
  });

  it('sets needs_human on a handoff and clears it on resume', async () => {
    await api('POST', '/v2/conversations/ticket-7/handoff');
    expect(idsOf((await api('GET', '/v2/conversations?needs_human=true&status=handed_off')).body)).toEqual([
      'ticket-7',
    ]);

    await api('POST', '/v2/conversations/ticket-7/resume');

    expect((await api('GET', '/v2/conversations?needs_human=true')).body.data).toEqual([]);
  });
});
