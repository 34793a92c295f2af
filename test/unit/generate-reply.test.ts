import { generateReply } from '#lib/app/generate-reply';
import { jest } from '@jest/globals';
import {
  GENERATION_MESSAGE_WINDOW,
  MAX_GENERATION_ATTEMPTS,
  MAX_HISTORY_MESSAGES,
} from '#lib/domain/limits/generation';
import type { Message } from '#lib/domain/types';
import { MalformedModelOutputError } from '#lib/domain/reply';
import { makeFakeDeps } from '#test/support/fakes';
import { givenMessage, givenSalesAi, givenTenantWithAi, SALES_SETUP } from '#test/support/scenario';

const conversationId = 'alice@example.com';

/** `count` earlier turns, answered, with ids that sort before any the fakes give (ULID order is time order). */
async function givenLongHistory(deps: ReturnType<typeof makeFakeDeps>, tenantId: string, count: number) {
  for (let n = 0; n < count; n++) {
    const inbound = n % 2 === 0;
    const message: Message = {
      tenantId,
      conversationId,
      id: `msg_0000${String(n).padStart(6, '0')}`,
      direction: inbound ? 'inbound' : 'outbound',
      kind: inbound ? 'prospect' : 'reply',
      text: `turn ${n}`,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
      ...(inbound ? { status: 'answered' as const } : {}),
    };
    await deps.conversations.putMessage(message);
  }
}

describe('generateReply', () => {
  it('reads only the newest messages of a long conversation, and the model still sees its full history', async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps);
    await givenLongHistory(deps, tenantId, GENERATION_MESSAGE_WINDOW * 2);
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Still there?' });
    const readAll = jest.spyOn(deps.conversations, 'listMessages');

    const outcome = await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

    expect(outcome).toBe('answered');
    expect(readAll).not.toHaveBeenCalled();
    const request = deps.chatModel.requests[0];
    expect(request?.history).toHaveLength(MAX_HISTORY_MESSAGES);
    expect(request?.history.at(-1)?.text).toBe(`turn ${GENERATION_MESSAGE_WINDOW * 2 - 1}`);
    expect(request?.pending.map((t) => t.text)).toEqual(['Still there?']);
  });

  it('reads the whole conversation when its message sorts before the newest ones (a late retry kept an old id)', async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps);
    await deps.conversations.ensureConversation({
      tenantId,
      id: conversationId,
      aiId: ai.id,
      status: 'active',
      contact: {},
      metadata: {},
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    const old: Message = {
      tenantId,
      conversationId,
      id: 'msg_00000000000',
      direction: 'inbound',
      kind: 'prospect',
      text: 'The question a retry stored late',
      createdAt: '2026-01-01T00:00:00.000Z',
      status: 'queued',
    };
    await deps.conversations.putMessage(old);
    await givenLongHistory(deps, tenantId, GENERATION_MESSAGE_WINDOW);

    const outcome = await generateReply(deps, { tenantId, conversationId, messageId: old.id, attempt: 1 });

    expect(outcome).toBe('answered');
    expect(deps.chatModel.requests[0]?.pending.map((t) => t.text)).toEqual(['The question a retry stored late']);
    expect((await deps.conversations.getMessage(tenantId, conversationId, old.id))?.status).toBe('answered');
  });

  it('answers every unanswered message of the conversation with one reply', async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps);
    const first = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hi there' });
    await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Do you ship to Canada?' });

    const outcome = await generateReply(deps, { tenantId, conversationId, messageId: first.messageId, attempt: 1 });

    expect(outcome).toBe('answered');
    expect(deps.chatModel.requests).toHaveLength(1);
    expect(deps.chatModel.requests[0]?.pending.map((t) => t.text)).toEqual(['Hi there', 'Do you ship to Canada?']);
    const messages = await deps.conversations.listMessages(tenantId, conversationId);
    expect(messages.map((m) => [m.direction, m.status])).toEqual([
      ['inbound', 'answered'],
      ['inbound', 'answered'],
      ['outbound', undefined],
    ]);
    expect(messages[2]?.inReplyTo).toEqual([messages[0]?.id, messages[1]?.id]);
    expect(messages[2]?.confidence).toBe('high');
  });

  it('treats a later queue record for messages already answered as a no-op', async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps);
    const first = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hi' });
    const second = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Anyone there?' });
    await generateReply(deps, { tenantId, conversationId, messageId: first.messageId, attempt: 1 });

    const outcome = await generateReply(deps, { tenantId, conversationId, messageId: second.messageId, attempt: 1 });

    expect(outcome).toBe('nothing_to_do');
    expect(deps.chatModel.requests).toHaveLength(1);
    expect(deps.deliveryQueue.jobs).toHaveLength(1);
  });

  it('stores one delivery with the contract webhook body and queues it after the reply delay', async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps, { replyDelaySeconds: 120 });
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'What are your hours?' });

    await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

    const [queued] = deps.deliveryQueue.jobs;
    expect(queued?.delaySeconds).toBe(120);
    const delivery = await deps.deliveries.getDelivery(tenantId, queued?.job.deliveryId ?? '');
    expect(delivery).toMatchObject({
      status: 'pending',
      attempts: 0,
      url: 'https://hooks.example.com/answer',
      type: 'message.answered',
    });
    expect(delivery?.nextAttemptAt).toBe(new Date(deps.clock.now().getTime() + 120_000).toISOString());
    const reply = (await deps.conversations.listMessages(tenantId, conversationId)).at(-1);
    expect(JSON.parse(delivery?.payload ?? '{}')).toEqual({
      type: 'message.answered',
      event_id: delivery?.eventId,
      created_at: reply?.createdAt,
      ai_id: ai.id,
      conversation_id: conversationId,
      message_id: reply?.id,
      reply: 'Answer to: What are your hours?',
      question: 'What are your hours?',
      contact_name: 'Alice',
      contact_email: 'alice@example.com',
      contact_phone: '',
      channel: 'email',
      metadata: {},
      citations: [],
    });
  });

  it('resumes a reply that was claimed but never stored, under the same reply id', async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps);
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hello?' });
    deps.chatModel.failNext();
    await expect(generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 })).rejects.toThrow(
      'model unavailable',
    );
    const claimed = await deps.conversations.getMessage(tenantId, conversationId, messageId);

    await generateReply(deps, { tenantId, conversationId, messageId, attempt: 2 });

    const messages = await deps.conversations.listMessages(tenantId, conversationId);
    expect(messages.filter((m) => m.direction === 'outbound').map((m) => m.id)).toEqual([claimed?.replyId]);
    expect(deps.deliveryQueue.jobs).toHaveLength(1);
  });

  it('finishes a stored reply whose messages were not yet marked answered, without asking the model again', async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps);
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hello?' });
    const settle = deps.conversations.settleMessage.bind(deps.conversations);
    deps.conversations.settleMessage = async () => {
      throw new Error('crash before the messages were marked');
    };
    await expect(generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 })).rejects.toThrow('crash');
    deps.conversations.settleMessage = settle;

    const outcome = await generateReply(deps, { tenantId, conversationId, messageId, attempt: 2 });

    expect(outcome).toBe('answered');
    expect(deps.chatModel.requests).toHaveLength(1);
    expect(new Set(deps.deliveryQueue.jobs.map((j) => j.job.deliveryId)).size).toBe(1);
    expect((await deps.conversations.getMessage(tenantId, conversationId, messageId))?.status).toBe('answered');
  });

  it('lets a model failure be retried, and marks the messages failed on the last attempt', async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps);
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hello?' });
    deps.chatModel.failNext().failNext();

    await expect(generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 })).rejects.toThrow();
    const outcome = await generateReply(deps, {
      tenantId,
      conversationId,
      messageId,
      attempt: MAX_GENERATION_ATTEMPTS,
    });

    expect(outcome).toBe('failed');
    expect((await deps.conversations.getMessage(tenantId, conversationId, messageId))?.status).toBe('failed');
    expect(deps.deliveryQueue.jobs).toHaveLength(0);
    expect(await deps.pendingWork.listPending('9999-01-01T00:00:00.000Z', 10)).toEqual([]);
  });

  it('marks the messages failed when the AI was deleted', async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps);
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hello?' });
    await deps.ais.deleteAi(tenantId, ai.id);

    const outcome = await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

    expect(outcome).toBe('failed');
    expect((await deps.conversations.getMessage(tenantId, conversationId, messageId))?.status).toBe('failed');
  });

  it('sends the prospect nothing and escalates when the model output stays malformed', async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps, {
      webhooks: { answerUrl: 'https://hooks.example.com/answer', emergencyUrl: 'https://hooks.example.com/help' },
    });
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hello?' });
    deps.chatModel.failNext(new MalformedModelOutputError('model output still malformed after 2 attempts'));

    const outcome = await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

    expect(outcome).toBe('escalated');
    const messages = await deps.conversations.listMessages(tenantId, conversationId);
    expect(messages.map((m) => [m.direction, m.status])).toEqual([['inbound', 'escalated']]);
    const deliveries = await Promise.all(
      deps.deliveryQueue.jobs.map((j) => deps.deliveries.getDelivery(tenantId, j.job.deliveryId)),
    );
    expect(deliveries.map((d) => [d?.type, d?.url])).toEqual([
      ['conversation.escalated', 'https://hooks.example.com/help'],
    ]);
    expect(JSON.parse(deliveries[0]?.payload ?? '{}')).toMatchObject({
      reason: 'repeated_failure',
      summary: expect.stringContaining('malformed'),
      reply: '',
      question: 'Hello?',
      message_id: messageId,
    });
    expect(deps.events.published.map((e) => e.type)).toEqual(['conversation.escalated']);
  });

  it('escalates a malformed answer once, even when the job is retried', async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps, {
      webhooks: { answerUrl: 'https://hooks.example.com/answer', emergencyUrl: 'https://hooks.example.com/help' },
    });
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hello?' });
    deps.chatModel.failNext(new MalformedModelOutputError('malformed'));
    await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

    const again = await generateReply(deps, { tenantId, conversationId, messageId, attempt: 2 });

    expect(again).toBe('nothing_to_do');
    expect(deps.deliveryQueue.jobs).toHaveLength(1);
    expect(deps.chatModel.requests).toHaveLength(1);
  });

  it('also notifies the emergency webhook when the model asks for a human', async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps, {
      webhooks: { answerUrl: 'https://hooks.example.com/answer', emergencyUrl: 'https://hooks.example.com/help' },
    });
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'I want to talk to a person' });
    deps.chatModel.nextReply(() => ({
      text: 'A colleague will get back to you shortly.',
      needsHuman: true,
      reason: 'prospect_asked_for_human',
      followUpAt: null,
      language: 'en',
      confidence: 'high',
      escalation: 'human_requested',
      citations: [],
    }));

    await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

    const deliveries = await Promise.all(
      deps.deliveryQueue.jobs.map((j) => deps.deliveries.getDelivery(tenantId, j.job.deliveryId)),
    );
    expect(deliveries.map((d) => [d?.type, d?.url])).toEqual([
      ['message.answered', 'https://hooks.example.com/answer'],
      ['conversation.escalated', 'https://hooks.example.com/help'],
    ]);
    expect(JSON.parse(deliveries[1]?.payload ?? '{}')).toMatchObject({
      reason: 'human_requested',
      summary: 'prospect_asked_for_human',
      suggested_reply: expect.any(String),
    });
  });

  it('shows the model earlier turns as history and only the unanswered ones as pending', async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps);
    const first = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hi' });
    await generateReply(deps, { tenantId, conversationId, messageId: first.messageId, attempt: 1 });
    const second = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'And on Sundays?' });

    await generateReply(deps, { tenantId, conversationId, messageId: second.messageId, attempt: 1 });

    const request = deps.chatModel.requests[1];
    expect(request?.history.map((t) => [t.role, t.text])).toEqual([
      ['prospect', 'Hi'],
      ['assistant', 'Answer to: Hi'],
    ]);
    expect(request?.pending.map((t) => t.text)).toEqual(['And on Sundays?']);
    expect(request?.contact).toEqual({ firstName: 'Alice', email: 'alice@example.com' });
  });

  describe('domain events', () => {
    it('publishes message.answered with ids only, under the webhook event id, before marking the messages', async () => {
      const deps = makeFakeDeps();
      const { tenantId, ai } = await givenTenantWithAi(deps);
      const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Do you ship to Canada?' });
      const publishedWhenSettling: number[] = [];
      const settle = deps.conversations.settleMessage.bind(deps.conversations);
      deps.conversations.settleMessage = async (...args) => {
        publishedWhenSettling.push(deps.events.published.length);
        return settle(...args);
      };

      await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

      const reply = (await deps.conversations.listMessages(tenantId, conversationId)).at(-1);
      const delivery = await deps.deliveries.getDelivery(tenantId, deps.deliveryQueue.jobs[0]?.job.deliveryId ?? '');
      expect(deps.events.published).toEqual([
        {
          type: 'message.answered',
          id: delivery?.eventId,
          tenantId,
          occurredAt: reply?.createdAt,
          detail: {
            ai_id: ai.id,
            conversation_id: conversationId,
            message_id: reply?.id,
            in_reply_to: [messageId],
            event_id: delivery?.eventId,
            delivery_id: delivery?.id,
          },
        },
      ]);
      expect(JSON.stringify(deps.events.published)).not.toContain('Canada');
      expect(publishedWhenSettling).toEqual([1]);
    });

    it('also publishes conversation.escalated, pointing at the emergency webhook, when the model asks for a human', async () => {
      const deps = makeFakeDeps();
      const { tenantId, ai } = await givenTenantWithAi(deps, {
        webhooks: { answerUrl: 'https://hooks.example.com/answer', emergencyUrl: 'https://hooks.example.com/help' },
      });
      const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'I want a refund, now' });
      deps.chatModel.nextReply(() => ({
        text: 'A colleague will get back to you shortly.',
        needsHuman: true,
        reason: 'Prospect demands a refund',
        followUpAt: null,
        language: 'en',
        confidence: 'high',
        escalation: 'human_requested',
        citations: [],
      }));

      await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

      const escalation = await deps.deliveries.getDelivery(tenantId, deps.deliveryQueue.jobs[1]?.job.deliveryId ?? '');
      expect(deps.events.published.map((e) => e.type)).toEqual(['message.answered', 'conversation.escalated']);
      const [, escalated] = deps.events.published;
      expect(escalated).toMatchObject({
        id: escalation?.eventId,
        tenantId,
        detail: {
          ai_id: ai.id,
          conversation_id: conversationId,
          event_id: escalation?.eventId,
          delivery_id: escalation?.id,
        },
      });
      expect(JSON.stringify(deps.events.published)).not.toMatch(/refund|colleague/);
    });

    it('publishes conversation.escalated without webhook ids when the AI has no emergency URL', async () => {
      const deps = makeFakeDeps();
      const { tenantId, ai } = await givenTenantWithAi(deps);
      const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Let me talk to a person' });
      deps.chatModel.nextReply(() => ({
        text: 'Someone will be in touch.',
        needsHuman: true,
        reason: null,
        followUpAt: null,
        language: 'en',
        confidence: 'high',
        escalation: 'human_requested',
        citations: [],
      }));

      await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

      const escalated = deps.events.ofType('conversation.escalated');
      expect(escalated).toHaveLength(1);
      expect(escalated[0]?.detail).not.toHaveProperty('delivery_id');
      expect(deps.deliveryQueue.jobs).toHaveLength(1);
    });

    it('publishes the same events again, with the same ids, when a crash came before the messages were marked', async () => {
      const deps = makeFakeDeps();
      const { tenantId, ai } = await givenTenantWithAi(deps);
      const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hello?' });
      const settle = deps.conversations.settleMessage.bind(deps.conversations);
      deps.conversations.settleMessage = async () => {
        throw new Error('crash before the messages were marked');
      };
      await expect(generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 })).rejects.toThrow('crash');
      deps.conversations.settleMessage = settle;

      await generateReply(deps, { tenantId, conversationId, messageId, attempt: 2 });

      const [first, again] = deps.events.published;
      expect(deps.events.published).toHaveLength(2);
      expect(again).toEqual(first);
    });

    it('leaves the messages unanswered when the events cannot be published, so the retry publishes them', async () => {
      const deps = makeFakeDeps();
      const { tenantId, ai } = await givenTenantWithAi(deps);
      const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hello?' });
      deps.events.failNext();
      await expect(generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 })).rejects.toThrow(
        'event bus unavailable',
      );
      expect((await deps.conversations.getMessage(tenantId, conversationId, messageId))?.status).toBe('answering');

      await generateReply(deps, { tenantId, conversationId, messageId, attempt: 2 });

      expect(deps.events.ofType('message.answered')).toHaveLength(1);
      expect(deps.chatModel.requests).toHaveLength(1);
      expect((await deps.conversations.getMessage(tenantId, conversationId, messageId))?.status).toBe('answered');
    });

    it('publishes nothing for a queue record with nothing to answer, and only an escalation for messages given up on', async () => {
      const deps = makeFakeDeps();
      const { tenantId, ai } = await givenTenantWithAi(deps);
      const first = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hi' });
      await generateReply(deps, { tenantId, conversationId, messageId: first.messageId, attempt: 1 });
      await generateReply(deps, { tenantId, conversationId, messageId: first.messageId, attempt: 1 });
      const second = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hello?' });
      deps.chatModel.failNext();

      await generateReply(deps, {
        tenantId,
        conversationId,
        messageId: second.messageId,
        attempt: MAX_GENERATION_ATTEMPTS,
      });

      // The give-up calls a person (the repeated_failure trigger); nothing else is announced.
      expect(deps.events.published.map((e) => e.type)).toEqual(['message.answered', 'conversation.escalated']);
      expect(deps.events.ofType('conversation.escalated')[0]?.detail.reason).toBe('repeated_failure');
    });
  });

  describe('sales setup', () => {
    it("gives the model a sales AI's product, strategy and goal as the business wrote them", async () => {
      const deps = makeFakeDeps();
      const { tenantId, ai } = await givenSalesAi(deps);
      const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'What is it?' });

      await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

      expect(deps.chatModel.requests[0]?.sales).toEqual(SALES_SETUP);
    });

    it('leaves out a referenced item that no longer exists', async () => {
      const deps = makeFakeDeps();
      const { tenantId, ai } = await givenSalesAi(deps);
      await deps.setup.deleteSetupItem('goal', tenantId, ai.goalId ?? '');
      const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hi' });

      await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

      expect(deps.chatModel.requests[0]?.sales).toEqual({
        product: SALES_SETUP.product,
        strategy: SALES_SETUP.strategy,
      });
    });

    it('reads no setup for an AI that references none', async () => {
      const deps = makeFakeDeps();
      const { tenantId, ai } = await givenTenantWithAi(deps, { type: 'sales' });
      const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hi' });
      let reads = 0;
      const getSetupItem = deps.setup.getSetupItem.bind(deps.setup);
      deps.setup.getSetupItem = (async (...args: Parameters<typeof getSetupItem>) => {
        reads++;
        return getSetupItem(...args);
      }) as typeof deps.setup.getSetupItem;

      await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

      expect(reads).toBe(0);
      expect(deps.chatModel.requests[0]?.sales).toBeUndefined();
    });
  });

  describe('html replies', () => {
    it('stores an html reply with only the allowed tags', async () => {
      const deps = makeFakeDeps();
      const { tenantId, ai } = await givenTenantWithAi(deps, { outputFormat: 'html' });
      const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hi' });
      deps.chatModel.nextReply(() => ({
        text: '<p onmouseover="x()">Hello <img src=x onerror=alert(1)></p>',
        needsHuman: false,
        reason: null,
        followUpAt: null,
        language: 'en',
        confidence: 'high',
        escalation: 'none',
        citations: [],
      }));

      await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

      const reply = (await deps.conversations.listMessages(tenantId, conversationId)).at(-1);
      expect(reply?.text).toBe('<p>Hello &lt;img src=x onerror=alert(1)&gt;</p>');
    });

    it('leaves a text reply as the model wrote it', async () => {
      const deps = makeFakeDeps();
      const { tenantId, ai } = await givenTenantWithAi(deps);
      const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hi' });
      deps.chatModel.nextReply(() => ({
        text: 'Use a < b & c > d',
        needsHuman: false,
        reason: null,
        followUpAt: null,
        language: 'en',
        confidence: 'medium',
        escalation: 'none',
        citations: [],
      }));

      await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

      expect((await deps.conversations.listMessages(tenantId, conversationId)).at(-1)?.text).toBe('Use a < b & c > d');
    });
  });
});
