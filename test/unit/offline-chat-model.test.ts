import { describe, expect, it, jest } from '@jest/globals';
import {
  HUMAN_REQUEST_REASON,
  OfflineChatModel,
  SMS_MAX_CHARS,
  UNANSWERABLE_REASON,
} from '#lib/adapters/offline/offline-chat-model';
import { parseReplyWire } from '#lib/adapters/openai/reply-wire-schema';
import type { ModelReply, ReplyRequest } from '#lib/domain/reply';

/** The reply as a model writes it on the wire (lib/adapters/openai/reply-wire-schema.ts), field for field. */
function asWire(reply: ModelReply) {
  return {
    knowledge_covers: reply.escalation !== 'unanswerable',
    reply: reply.text,
    needs_human: reply.needsHuman,
    reason: reply.reason,
    follow_up_at: reply.followUpAt,
    language: reply.language,
    confidence: reply.confidence,
    escalation: reply.escalation,
    citations: reply.citations,
  };
}

const NOW = '2025-03-04T10:00:00.000Z';

function requestFor(texts: string[], overrides: Partial<ReplyRequest> = {}): ReplyRequest {
  return {
    ai: { name: 'Ava', type: 'sales' },
    contact: { firstName: 'Anna' },
    outputFormat: 'text',
    history: [],
    pending: texts.map((text) => ({ role: 'prospect', text, at: NOW })),
    now: NOW,
    ...overrides,
  };
}

describe('OfflineChatModel', () => {
  const model = new OfflineChatModel();

  it('greets the contact by first name when the message is only a greeting', async () => {
    const reply = await model.generateReply(requestFor(['Hello there!']));

    expect(reply.text).toMatch(/^Hi Anna,/);
    expect(reply.text).toMatch(/how can i help|what are you looking for/i);
    expect(reply.needsHuman).toBe(false);
  });

  it('greets a contact without a name generically', async () => {
    const reply = await model.generateReply(requestFor(['Hi'], { contact: {} }));

    expect(reply.text).toMatch(/^Hi there,/);
  });

  it.each([
    'Can I speak to a person please?',
    'I want to talk to a real human',
    'Please call me back',
    'Let me talk to your manager',
    'I would like to make a complaint',
    'Can I speak to someone?',
  ])('hands "%s" to a human and says a colleague will be in touch', async (text) => {
    const reply = await model.generateReply(requestFor([text]));

    expect(reply.needsHuman).toBe(true);
    expect(reply.reason).toBe(
      /complaint/.test(text) ? 'The prospect is complaining: a person should look at this.' : HUMAN_REQUEST_REASON,
    );
    expect(reply.escalation).toBe(/complaint/.test(text) ? 'complaint' : 'human_requested');
    expect(reply.text).toMatch(/colleague/);
    expect(reply.text).toMatch(/in touch/);
  });

  it.each([
    'How much does the pro plan cost?',
    'What is the price?',
    'Could you send me pricing?',
    'Can I get a quote?',
  ])('answers the pricing question "%s" without inventing a price', async (text) => {
    const reply = await model.generateReply(requestFor([text]));

    expect(reply.text).toMatch(/pric/i);
    expect(reply.text).not.toMatch(/[$€£]\s?\d/);
    expect(reply.needsHuman).toBe(false);
  });

  it.each(['Thanks!', 'Thank you, bye', 'Great, cheers'])(
    'answers the thanks or goodbye "%s" politely',
    async (text) => {
      const reply = await model.generateReply(requestFor([text]));

      expect(reply.text).toMatch(/thank you/i);
      expect(reply.text).not.toMatch(/you asked/i);
      expect(reply.needsHuman).toBe(false);
    },
  );

  it('restates a question nothing it was given answers, says plainly it does not know, and calls a person in', async () => {
    const reply = await model.generateReply(requestFor(['Hi, do you ship to Canada?']));

    expect(reply.text).toContain('do you ship to Canada?');
    expect(reply.text).toMatch(/I do not know the answer to that, so I have passed your question to a colleague/);
    expect(reply).toMatchObject({
      escalation: 'unanswerable',
      needsHuman: true,
      reason: UNANSWERABLE_REASON,
      confidence: 'low',
      citations: [],
    });
  });

  it('abstains on a support question without selling, and on a pricing question it has no price for', async () => {
    const support = { ai: { name: 'Sam', type: 'support' as const } };

    const question = await model.generateReply(requestFor(['Why does the export fail?'], support));
    const pricing = await model.generateReply(requestFor(['How much does the pro plan cost?'], support));

    expect(question.text).toContain('Why does the export fail?');
    expect(question.text).not.toMatch(/best option/);
    for (const reply of [question, pricing]) expect(reply.escalation).toBe('unanswerable');
    expect(pricing.text).not.toMatch(/[$€£]\s?\d/);
  });

  it.each([
    ['a greeting', 'Hello there!'],
    ['thanks', 'Thanks, bye!'],
    ['a statement', 'We opened our shop last year.'],
    ['a request for a person', 'Can I speak to a person please?'],
  ])('answers %s at confidence medium at most, without abstaining', async (_label, text) => {
    const reply = await model.generateReply(requestFor([text], { ai: { name: 'Sam', type: 'support' } }));

    expect(reply.confidence).toBe('medium');
    expect(reply.escalation).not.toBe('unanswerable');
  });

  it('answers several quick messages with one reply that covers the question among them', async () => {
    const reply = await model.generateReply(requestFor(['hi', 'quick question', 'do you integrate with HubSpot?']));

    expect(reply.text).toContain('do you integrate with HubSpot?');
    expect(reply.text.match(/Hi Anna/g)).toHaveLength(1);
  });

  it('lets a request for a human among several messages win over the other intents', async () => {
    const reply = await model.generateReply(requestFor(['How much is it?', 'Actually, just call me']));

    expect(reply.needsHuman).toBe(true);
  });

  it('wraps paragraphs in <p>, escapes the name and drops markup from the question it echoes in html', async () => {
    const request = requestFor(['Does it work with <script>alert(1)</script> & "quotes"?'], {
      outputFormat: 'html',
      contact: { firstName: '<b>Anna</b>' },
    });

    const reply = await model.generateReply(request);

    expect(reply.text).toMatch(/^<p>.*<\/p>$/s);
    expect(reply.text).toContain('Does it work with alert(1) &amp; &quot;quotes&quot;?');
    expect(reply.text).toContain('Hi &lt;b&gt;Anna&lt;/b&gt;,');
    expect(reply.text).not.toMatch(/script/);
    expect(reply.text).not.toContain('<b>');
  });

  it('writes plain text without markup in text format, and echoes no markup either', async () => {
    const reply = await model.generateReply(requestFor(['Do you offer <b>training</b>?']));

    expect(reply.text).not.toMatch(/<p>/);
    expect(reply.text).toContain('Do you offer training?');
  });

  it('keeps an sms to one line under the sms limit, even for a very long question', async () => {
    const longQuestion = `Can you tell me ${'all about your product & <options> '.repeat(40)}?`;

    const text = await model.generateReply(requestFor([longQuestion], { channel: 'sms' }));
    const html = await model.generateReply(requestFor([longQuestion], { channel: 'sms', outputFormat: 'html' }));

    for (const reply of [text, html]) {
      expect(reply.text.length).toBeLessThan(SMS_MAX_CHARS);
      expect(reply.text).not.toContain('\n');
    }
  });

  it('signs an e-mail with the AI name', async () => {
    const reply = await model.generateReply(requestFor(['Hello'], { channel: 'email' }));

    expect(reply.text).toMatch(/Best regards,\nAva$/);
  });

  it('checks in when there is nothing pending', async () => {
    const reply = await model.generateReply(requestFor([]));

    expect(reply.text).toMatch(/checking in/i);
  });

  it('reports the AI language, else English', async () => {
    const french = await model.generateReply(
      requestFor(['Bonjour'], { ai: { name: 'Ava', type: 'sales', language: 'fr' } }),
    );
    const unset = await model.generateReply(requestFor(['Hello']));

    expect(french.language).toBe('fr');
    expect(unset.language).toBe('en');
    expect(unset.followUpAt).toBeNull();
  });

  it('gives the same reply to the same request', async () => {
    const request = requestFor(['Hi', 'What integrations do you support?'], { outputFormat: 'html', channel: 'chat' });

    const first = await model.generateReply(request);
    const second = await new OfflineChatModel().generateReply(request);

    expect(second).toEqual(first);
  });

  it.each([
    ['a greeting', ['Hi']],
    ['a human request', ['I want to speak to a human']],
    ['a pricing question', ['How much?']],
    ['thanks', ['Thanks!']],
    ['a question', ['Can you help me?']],
    ['a statement', ['I run a bakery.']],
    ['nothing', []],
  ])('returns output that passes the reply schema for %s', async (_label, texts) => {
    const reply = await model.generateReply(requestFor(texts));

    expect(parseReplyWire(asWire(reply))).toEqual(reply);
  });

  it('waits the configured latency before answering', async () => {
    jest.useFakeTimers();
    try {
      const slow = new OfflineChatModel({ latencyMs: 400 });
      let answered = false;

      const answering = slow.generateReply(requestFor(['Hi'])).then(() => {
        answered = true;
      });
      await jest.advanceTimersByTimeAsync(399);
      const answeredEarly = answered;
      await jest.advanceTimersByTimeAsync(1);
      await answering;

      expect(answeredEarly).toBe(false);
      expect(answered).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  describe('follow-ups and nudges', () => {
    const history = [
      { role: 'prospect' as const, text: 'Call me tomorrow at 3pm about the Pro plan', at: NOW },
      { role: 'assistant' as const, text: 'Of course, I will follow up then.', at: NOW },
    ];
    const sales = {
      goal: { name: 'Book a demo', description: 'A 20-minute call.', goalUrl: 'https://example.com/demo' },
    };

    it('writes a follow-up that picks the conversation up and offers the goal, with no follow-up of its own', async () => {
      const reply = await model.generateReply(requestFor([], { task: 'follow_up', history, sales }));

      expect(reply.text).toMatch(/^Hi Anna,/);
      expect(reply.text).toMatch(/Following up as you asked/);
      expect(reply.text).toContain('https://example.com/demo');
      expect([reply.followUpAt, reply.needsHuman, reply.escalation]).toEqual([null, false, 'none']);
    });

    it('writes a short check-in as a nudge', async () => {
      const reply = await model.generateReply(requestFor([], { task: 'nudge', history }));

      expect(reply.text).toMatch(/checking in/i);
      expect(reply.needsHuman).toBe(false);
    });

    it('reads a legal threat as one, for the emergency webhook', async () => {
      const reply = await model.generateReply(requestFor(['I am going to sue you, my lawyer will call.']));

      expect([reply.needsHuman, reply.escalation]).toEqual([true, 'legal_threat']);
    });
  });
});
