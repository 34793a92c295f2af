/**
 * Keeping a conversation alive: the timers an answer arms, what they send when they fire (once),
 * when they do nothing, handoff and resume, opt-outs, outgoing messages and the emergency webhook.
 * Use cases over in-memory fakes; the timer scheduler records timers as EventBridge Scheduler
 * keeps them, and a test fires one by handing its payload to fireTimer.
 */
import { generateReply } from '#lib/app/generate-reply';
import { fireTimer } from '#lib/app/fire-timer';
import type { AiSettings } from '#lib/app/ais';
import { MAX_DROPOFF_HOURS, MAX_NUDGES } from '#lib/domain/limits/follow-ups';
import type { ModelReply } from '#lib/domain/reply';
import { type FakeDeps, makeFakeDeps } from '#test/support/fakes';
import { httpClient } from '#test/support/http';
import { givenMessage, givenTenantWithAi, TEST_API_KEY } from '#test/support/scenario';

const conversationId = 'alice@example.com';
const HOUR = 3_600_000;

async function setup(settings: Partial<AiSettings> = {}) {
  const deps = makeFakeDeps();
  const { tenantId, ai } = await givenTenantWithAi(deps, {
    webhooks: {
      answerUrl: 'https://hooks.example.com/answer',
      followUpUrl: 'https://hooks.example.com/follow-up',
      emergencyUrl: 'https://hooks.example.com/help',
    },
    ...settings,
  });
  const ask = async (text: string) => {
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId, text });
    await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });
  };
  return { deps, tenantId, ai, ask, call: httpClient(deps, TEST_API_KEY) };
}

function reply(overrides: Partial<ModelReply> = {}): ModelReply {
  return {
    text: 'Happy to help.',
    needsHuman: false,
    escalation: 'none',
    reason: null,
    followUpAt: null,
    language: 'en',
    confidence: 'high',
    citations: [],
    ...overrides,
  };
}

/** The stored deliveries, each once (a repeated step queues the same delivery again, which sends nothing twice). */
async function deliveries(deps: FakeDeps, tenantId: string) {
  const ids = [...new Set(deps.deliveryQueue.jobs.map((j) => j.job.deliveryId))];
  const all = await Promise.all(ids.map((id) => deps.deliveries.getDelivery(tenantId, id)));
  return all.map((d) => ({ type: d?.type, url: d?.url, payload: JSON.parse(d?.payload ?? '{}') }));
}

describe('follow-ups and drop-off nudges', () => {
  it('arms a drop-off nudge after each answer, shown in the conversation', async () => {
    const { deps, ask, call } = await setup({
      followUp: { enabled: true, dropoffAfterHours: 1.5, maxNudges: 1, timezone: 'UTC' },
    });

    await ask('Hi, what do you sell?');
    const read = await call('GET', `/v2/conversations/${encodeURIComponent(conversationId)}`);

    const due = new Date(deps.clock.now().getTime() + 1.5 * HOUR).toISOString();
    expect(deps.timers.ofKind('dropoff')?.at.toISOString()).toBe(due);
    expect(read.body.scheduled).toEqual([{ kind: 'dropoff', at: due }]);
  });

  it('arms the follow-up the prospect asked for, at that instant, and no nudge before it', async () => {
    const { deps, ask } = await setup();
    deps.chatModel.nextReply(() => reply({ followUpAt: '2026-11-28T15:00:00.000Z' }));

    await ask('Call me tomorrow at 3pm');

    expect(deps.timers.ofKind('follow_up')?.at.toISOString()).toBe('2026-11-28T15:00:00.000Z');
    expect(deps.timers.ofKind('dropoff')).toBeUndefined();
  });

  it('stores the follow-up in the conversation before its webhook is queued, so a receiver that reads it sees it', async () => {
    const { deps, tenantId, ask } = await setup();
    deps.chatModel.nextReply(() => reply({ followUpAt: '2026-11-28T15:00:00.000Z' }));
    const enqueue = deps.deliveryQueue.enqueueDelivery.bind(deps.deliveryQueue);
    let scheduledWhenQueued: unknown;
    deps.deliveryQueue.enqueueDelivery = async (job, delaySeconds) => {
      scheduledWhenQueued = (await deps.conversations.getConversation(tenantId, conversationId))?.scheduled;
      return enqueue(job, delaySeconds);
    };

    await ask('Call me tomorrow at 3pm');

    expect(scheduledWhenQueued).toEqual([
      expect.objectContaining({ kind: 'follow_up', at: '2026-11-28T15:00:00.000Z' }),
    ]);
  });

  it("reads the prospect's times in the AI's timezone when the contact has none", async () => {
    const { deps, ask } = await setup({
      followUp: { enabled: true, dropoffAfterHours: 24, maxNudges: 1, timezone: 'America/Chicago' },
    });

    await ask('Call me tomorrow at 3pm');

    expect(deps.chatModel.requests[0]?.contact.timezone).toBe('America/Chicago');
  });

  it('writes the follow-up from the conversation when it fires, and sends it once to the follow-up webhook', async () => {
    const { deps, tenantId, ask } = await setup();
    deps.chatModel.nextReply(() => reply({ followUpAt: '2026-11-28T15:00:00.000Z' }));
    await ask('Call me tomorrow at 3pm');
    const payload = deps.timers.take('follow_up');
    deps.clock.advance(29 * HOUR);
    deps.chatModel.nextReply(() => reply({ text: 'Following up as promised!' }));

    const first = await fireTimer(deps, payload);
    const again = await fireTimer(deps, payload);

    const request = deps.chatModel.requests.at(-1);
    expect([first, again]).toEqual(['sent', 'sent']);
    expect(request?.task).toBe('follow_up');
    expect(request?.pending).toEqual([]);
    expect(request?.history.map((t) => t.text)).toEqual(['Call me tomorrow at 3pm', 'Happy to help.']);
    const sent = (await deliveries(deps, tenantId)).filter((d) => d.type === 'follow_up.sent');
    expect(sent).toEqual([
      {
        type: 'follow_up.sent',
        url: 'https://hooks.example.com/follow-up',
        payload: expect.objectContaining({ reply: 'Following up as promised!' }),
      },
    ]);
    const messages = await deps.conversations.listMessages(tenantId, conversationId);
    expect(messages.map((m) => m.kind)).toEqual(['prospect', 'reply', 'follow_up']);
    expect(deps.events.ofType('follow_up.sent')).toHaveLength(2);
    expect(new Set(deps.events.ofType('follow_up.sent').map((e) => e.id)).size).toBe(1);
  });

  it('nudges a quiet prospect up to max_nudges times, then stops', async () => {
    const { deps, tenantId, ask } = await setup({
      followUp: { enabled: true, dropoffAfterHours: 2, maxNudges: 2, timezone: 'UTC' },
    });
    await ask('Tell me more about the plans');

    deps.clock.advance(2 * HOUR);
    const first = await fireTimer(deps, deps.timers.take('dropoff'));
    deps.clock.advance(2 * HOUR);
    const second = await fireTimer(deps, deps.timers.take('dropoff'));

    expect([first, second]).toEqual(['sent', 'sent']);
    expect(deps.timers.ofKind('dropoff')).toBeUndefined();
    const nudges = (await deliveries(deps, tenantId)).filter((d) => d.type === 'dropoff.sent');
    expect(nudges.map((d) => d.url)).toEqual([
      'https://hooks.example.com/follow-up',
      'https://hooks.example.com/follow-up',
    ]);
    expect(deps.chatModel.requests.at(-1)?.task).toBe('nudge');
  });

  it(`sends ${MAX_NUDGES} nudges, ${MAX_DROPOFF_HOURS} hours apart, to a prospect who stays quiet, and no more`, async () => {
    const { deps, tenantId, ask } = await setup({
      followUp: { enabled: true, dropoffAfterHours: MAX_DROPOFF_HOURS, maxNudges: MAX_NUDGES, timezone: 'UTC' },
    });
    await ask('Tell me more about the plans');

    const outcomes: string[] = [];
    for (let i = 0; i < MAX_NUDGES; i++) {
      const timer = deps.timers.take('dropoff');
      expect(new Date(timer.at).getTime() - deps.clock.now().getTime()).toBe(MAX_DROPOFF_HOURS * HOUR);
      deps.clock.advance(MAX_DROPOFF_HOURS * HOUR);
      outcomes.push(await fireTimer(deps, timer));
    }

    expect(outcomes).toEqual(Array(MAX_NUDGES).fill('sent'));
    expect(deps.timers.ofKind('dropoff')).toBeUndefined();
    const nudges = (await deliveries(deps, tenantId)).filter((d) => d.type === 'dropoff.sent');
    expect(nudges).toHaveLength(MAX_NUDGES);
  });

  it('does nothing when a timer fires after the prospect wrote again', async () => {
    const { deps, tenantId, ask } = await setup();
    await ask('Hello');
    const stale = deps.timers.take('dropoff');
    await ask('Are you there?');

    const outcome = await fireTimer(deps, stale);

    expect(outcome).toBe('stale');
    expect((await deliveries(deps, tenantId)).map((d) => d.type)).toEqual(['message.answered', 'message.answered']);
    expect(deps.timers.ofKind('dropoff')?.payload.version).toBe(stale.version + 1);
  });

  it('moves a nudge that would land in quiet hours to their end, in the contact timezone', async () => {
    const { deps, ask } = await setup({
      followUp: {
        enabled: true,
        dropoffAfterHours: 12,
        maxNudges: 1,
        quietHours: { start: '21:00', end: '08:00' },
        timezone: 'Europe/Paris',
      },
    });

    // 10:00 UTC + 12 h = 22:00 UTC = 23:00 in Paris: inside quiet hours, so 08:00 Paris (07:00 UTC).
    await ask('Hi');

    expect(deps.timers.ofKind('dropoff')?.at.toISOString()).toBe('2026-11-28T07:00:00.000Z');
  });
});

describe('handoff, resume and outgoing messages', () => {
  it('stops the AI and its timers while a person has the conversation, and answers again once resumed', async () => {
    const { deps, tenantId, ask, call } = await setup();
    await ask('Hello');
    const path = `/v2/conversations/${encodeURIComponent(conversationId)}`;

    const handedOff = await call('POST', `${path}/handoff`);
    await ask('Is anyone there?');
    const resumed = await call('POST', `${path}/resume`);
    await ask('Thanks, one more question');

    expect(handedOff.body).toMatchObject({ status: 'handed_off', scheduled: [] });
    expect(deps.timers.cancelled).toHaveLength(1);
    expect(resumed.body.status).toBe('active');
    const messages = await deps.conversations.listMessages(tenantId, conversationId);
    expect(messages.map((m) => [m.kind, m.status])).toEqual([
      ['prospect', 'answered'],
      ['reply', undefined],
      ['prospect', 'escalated'],
      ['prospect', 'answered'],
      ['reply', undefined],
    ]);
  });

  it('takes a message a person sent into the context and counts the silence from it', async () => {
    const { deps, ai, ask, call } = await setup({
      followUp: { enabled: true, dropoffAfterHours: 4, maxNudges: 1, timezone: 'UTC' },
    });
    await ask('Can I get a discount?');
    deps.clock.advance(HOUR);

    const recorded = await call('POST', '/v2/outgoing-messages', {
      ai_id: ai.id,
      conversation_id: conversationId,
      message: 'Hi Alice, I can offer 10% off this week.',
    });
    await ask('Great, how do I get it?');

    expect(recorded.status).toBe(201);
    expect(deps.chatModel.requests.at(-1)?.history.map((t) => [t.role, t.text])).toEqual([
      ['prospect', 'Can I get a discount?'],
      ['assistant', 'Answer to: Can I get a discount?'],
      ['human', 'Hi Alice, I can offer 10% off this week.'],
    ]);
  });

  it('refuses handoff for a conversation it does not have, naming it', async () => {
    const { call } = await setup();

    const missing = await call('POST', '/v2/conversations/nobody/handoff');

    expect(missing.status).toBe(404);
    expect(missing.body.error.details).toEqual([{ path: 'conversation_id', message: expect.any(String) }]);
  });
});

describe('opt-outs', () => {
  it('confirms a STOP, closes the conversation and cancels its timers without asking the model', async () => {
    const { deps, tenantId, ask } = await setup();
    await ask('Hello');
    const pending = deps.timers.take('dropoff');
    const modelCalls = deps.chatModel.requests.length;

    await ask('STOP');

    const conversation = await deps.conversations.getConversation(tenantId, conversationId);
    expect(conversation?.status).toBe('closed');
    expect(deps.chatModel.requests).toHaveLength(modelCalls);
    expect((await deliveries(deps, tenantId)).at(-1)?.payload.reply).toMatch(/unsubscribed/);
    expect(deps.timers.pending.size).toBe(0);
    expect(await fireTimer(deps, pending)).toBe('stale');
  });

  it('reopens a closed conversation when the prospect writes again', async () => {
    const { deps, tenantId, ask } = await setup();
    await ask('unsubscribe');

    await ask('Actually, I have a question');

    expect((await deps.conversations.getConversation(tenantId, conversationId))?.status).toBe('active');
  });
});

describe('the emergency webhook', () => {
  it('sends a reason code, a summary and the suggested reply when the prospect asks for a person', async () => {
    const { deps, tenantId, ask } = await setup();
    deps.chatModel.nextReply(() =>
      reply({
        text: 'A colleague will call you.',
        needsHuman: true,
        escalation: 'human_requested',
        reason: 'Wants a call about an enterprise plan.',
      }),
    );

    await ask('Can I talk to a real person about enterprise pricing?');

    const escalated = (await deliveries(deps, tenantId)).find((d) => d.type === 'conversation.escalated');
    expect(escalated).toEqual({
      type: 'conversation.escalated',
      url: 'https://hooks.example.com/help',
      payload: expect.objectContaining({
        reason: 'human_requested',
        summary: 'Wants a call about an enterprise plan.',
        suggested_reply: 'A colleague will call you.',
      }),
    });
  });

  it('hands the conversation to a person when the AI is set to pause on escalation', async () => {
    const { deps, tenantId, ask } = await setup({
      emergency: { enabled: true, triggers: ['legal_threat'], pauseAi: true },
    });
    deps.chatModel.nextReply(() =>
      reply({ needsHuman: true, escalation: 'legal_threat', reason: 'Threatens to sue.' }),
    );

    await ask('I will sue you');

    expect((await deps.conversations.getConversation(tenantId, conversationId))?.status).toBe('handed_off');
    expect(deps.timers.pending.size).toBe(0);
  });

  it('calls nobody for a trigger the AI leaves out', async () => {
    const { deps, tenantId, ask } = await setup({
      emergency: { enabled: true, triggers: ['legal_threat'], pauseAi: false },
    });
    deps.chatModel.nextReply(() => reply({ needsHuman: true, escalation: 'complaint', reason: 'Unhappy.' }));

    await ask('This is unacceptable');

    expect((await deliveries(deps, tenantId)).map((d) => d.type)).toEqual(['message.answered']);
    expect(deps.events.ofType('conversation.escalated')).toEqual([]);
  });
});
