/**
 * Answer or abstain on the local runtime, as a new user tries it: a knowledge base holding only a
 * returns policy. "Do you ship kits to Canada?" shares the word "kit" with it but is not answered
 * by it: the AI says it does not know, the emergency webhook hears `conversation.escalated` with
 * reason `ungrounded`, and the question is listed as a knowledge gap. "Can I return a kit?" is
 * still answered from the passage, with its citation.
 */
import { jest } from '@jest/globals';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';

jest.setTimeout(120_000);

const RETURNS = 'You can return any kit within 45 days for a full refund.';

type Webhook = { type: string; reason?: string; reply: string; question: string; conversation_id: string };

describe('answer or abstain on the local runtime', () => {
  let runtime: RuntimeProcess;
  let receiver: WebhookReceiver;
  let api: ReturnType<typeof apiClient>;
  let aiId: string;

  beforeAll(async () => {
    [runtime, receiver] = await Promise.all([startRuntimeProcess(), startWebhookReceiver()]);
    api = apiClient(runtime);
    const base = await api('POST', '/v1/knowledge-bases', { name: 'Policies' });
    await api('POST', `/v1/knowledge-bases/${base.body.id}/documents`, { title: 'Returns', content: RETURNS });
    for (let i = 0; i < 300; i++) {
      const listed = await api('GET', `/v1/knowledge-bases/${base.body.id}/documents`);
      if (listed.body.data.every((d: { status: string }) => d.status === 'ready')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const ai = await api('POST', '/v1/ais', {
      type: 'support',
      name: 'Kim',
      webhooks: { answer_url: `${receiver.url}/answer`, emergency_url: `${receiver.url}/emergency` },
      knowledge_base_ids: [base.body.id],
    });
    expect(ai.status).toBe(201);
    aiId = ai.body.id;
  });

  afterAll(async () => {
    await Promise.all([runtime?.stop(), receiver?.stop()]);
  });

  const webhooksFor = (conversationId: string) =>
    receiver.received.map((w) => w.json as Webhook).filter((w) => w.conversation_id === conversationId);

  async function ask(conversationId: string, message: string, webhooks: number): Promise<Webhook[]> {
    const posted = await api('POST', '/v2/messages', { ai_id: aiId, conversation_id: conversationId, message });
    expect(posted.status).toBe(202);
    for (let i = 0; i < 200 && webhooksFor(conversationId).length < webhooks; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return webhooksFor(conversationId);
  }

  it('says it does not know whether it ships kits to Canada, escalates as ungrounded and lists a gap', async () => {
    const question = 'Do you ship kits to Canada?';

    const webhooks = await ask('kits@example.com', question, 2);
    const tested = await api('POST', `/v1/ais/${aiId}/test`, { message: question });
    const gaps = await api('GET', '/v1/knowledge-gaps');
    const conversation = await api('GET', '/v2/conversations/kits@example.com');

    const answered = webhooks.find((w) => w.type === 'message.answered');
    expect(answered?.reply).toMatch(/I do not know the answer to that, so I have passed your question to a colleague/);
    expect(answered?.reply).not.toContain('45 days');
    expect(webhooks.find((w) => w.type === 'conversation.escalated')).toMatchObject({ reason: 'ungrounded', question });
    expect(receiver.received.find((w) => (w.json as Webhook).type === 'conversation.escalated')?.path).toBe(
      '/hook/emergency',
    );
    expect(tested.body).toMatchObject({ needs_human: true, citations: [] });
    expect(conversation.body.needs_human).toBe(true);
    expect(gaps.body.data).toContainEqual(expect.objectContaining({ reason: 'ungrounded', question }));
  });

  it('still answers "Can I return a kit?" from the returns policy, citing it', async () => {
    const webhooks = await ask('returns@example.com', 'Can I return a kit?', 1);
    const tested = await api('POST', `/v1/ais/${aiId}/test`, { message: 'Can I return a kit?' });

    expect(webhooks.map((w) => w.type)).toEqual(['message.answered']);
    expect(webhooks[0]?.reply).toContain(RETURNS);
    expect(tested.body).toMatchObject({
      needs_human: false,
      citations: [{ document_id: expect.any(String), title: 'Returns', snippet: RETURNS }],
    });
  });
});
