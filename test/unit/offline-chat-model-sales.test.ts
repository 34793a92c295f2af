import { describe, expect, it } from '@jest/globals';
import { OfflineChatModel, SMS_MAX_CHARS } from '#lib/adapters/offline/offline-chat-model';
import type { ReplyRequest, SalesContext } from '#lib/domain/reply';
import { sanitizeHtml } from '#lib/domain/safe-html';

/** A winter morning: New York is at UTC-5. */
const NOW = '2025-01-15T10:00:00.000Z';
const GOAL_URL = 'https://acme.example/book?plan=pro&ref=parley';

const SALES: SalesContext = {
  product: { name: 'Acme CRM', description: 'A CRM for bakeries that tracks orders and regulars.', price: '$49/month' },
  strategy: { name: 'Consultative', instructions: 'Ask about the bakery first.', tone: 'warm' },
  goal: { name: 'Book a demo', description: 'A 20-minute call with our team.', goalUrl: GOAL_URL },
};

function requestFor(texts: string[], overrides: Partial<ReplyRequest> = {}): ReplyRequest {
  return {
    ai: { name: 'Ava', type: 'sales' },
    sales: SALES,
    contact: { firstName: 'Anna' },
    outputFormat: 'text',
    history: [],
    pending: texts.map((text) => ({ role: 'prospect', text, at: NOW })),
    now: NOW,
    ...overrides,
  };
}

const urlsIn = (text: string) => text.match(/https?:\/\/[^\s<>"]+/g) ?? [];

describe('OfflineChatModel for a sales AI', () => {
  const model = new OfflineChatModel();

  it.each([
    "I'm interested!",
    'How do I sign up?',
    'Sounds good, let’s do it',
    "Sounds good. Let's do it.",
    'How can I book?',
    'I am ready to buy',
    'Sign me up',
  ])('offers the goal with its exact link when the prospect says "%s"', async (text) => {
    const reply = await model.generateReply(requestFor([text]));

    expect(reply.text).toContain('Book a demo');
    expect(urlsIn(reply.text)).toEqual([GOAL_URL]);
    expect(reply.needsHuman).toBe(false);
    expect(reply.confidence).toBe('high');
  });

  it('writes the goal link as an escaped anchor in html, which the sanitiser keeps as it is', async () => {
    const reply = await model.generateReply(requestFor(['I am interested'], { outputFormat: 'html' }));

    const escaped = 'https://acme.example/book?plan=pro&amp;ref=parley';
    expect(reply.text).toContain(`<a href="${escaped}">${escaped}</a>`);
    expect(sanitizeHtml(reply.text)).toBe(reply.text);
  });

  it('keeps the whole goal link in an sms, under the sms limit', async () => {
    const reply = await model.generateReply(
      requestFor([`I'm interested. ${'Tell me everything about your bakery product. '.repeat(10)}`], {
        channel: 'sms',
      }),
    );

    expect(reply.text.length).toBeLessThan(SMS_MAX_CHARS);
    expect(reply.text.endsWith(GOAL_URL)).toBe(true);
  });

  it.each(['Hi there', 'Do you ship to Canada?', 'Thanks!'])(
    'gives no link when the prospect says "%s"',
    async (text) => {
      const reply = await model.generateReply(requestFor([text]));

      expect(urlsIn(reply.text)).toEqual([]);
    },
  );

  it('gives no link to a sales AI without a goal, nor to a support AI', async () => {
    const noGoal = await model.generateReply(requestFor(['I am interested'], { sales: { product: SALES.product } }));
    const support = await model.generateReply(
      requestFor(['I am interested'], { ai: { name: 'Sam', type: 'support' } }),
    );

    expect(urlsIn(noGoal.text)).toEqual([]);
    expect(noGoal.text).toContain('Acme CRM');
    expect(urlsIn(support.text)).toEqual([]);
    expect(support.text).not.toContain('Acme CRM');
  });

  it.each(['What is it?', 'What do you sell?', 'Tell me more about it'])(
    'describes the product when the prospect asks "%s"',
    async (text) => {
      const reply = await model.generateReply(requestFor([text]));

      expect(reply.text).toContain('Acme CRM: A CRM for bakeries that tracks orders and regulars.');
      expect(reply.confidence).toBe('high');
    },
  );

  it('quotes the product price when one is set, and offers the goal', async () => {
    const reply = await model.generateReply(requestFor(['How much does it cost?']));

    expect(reply.text).toContain('Acme CRM costs $49/month.');
    expect(urlsIn(reply.text)).toEqual([GOAL_URL]);
  });

  it('never gives a price when none is set', async () => {
    const sales = { ...SALES, product: { name: 'Acme CRM', description: 'A CRM for bakeries.' } };

    const pricing = await model.generateReply(requestFor(['How much does it cost?'], { sales }));
    const about = await model.generateReply(requestFor(['What is it?'], { sales }));

    expect(pricing.text).toMatch(/pric/i);
    for (const reply of [pricing, about]) expect(reply.text).not.toMatch(/[$€£]|\d+\s*(\/|per)\s*month/);
  });

  it('hands a human request to a person', async () => {
    const reply = await model.generateReply(requestFor(['I want to talk to a real person']));

    expect(reply.needsHuman).toBe(true);
    expect(reply.followUpAt).toBeNull();
    expect(urlsIn(reply.text)).toEqual([]);
  });
});

describe('OfflineChatModel follow-up times', () => {
  const model = new OfflineChatModel();

  it("reads 'call me tomorrow at 3pm' in the contact's timezone and asks a person to call then", async () => {
    const reply = await model.generateReply(
      requestFor(['Call me tomorrow at 3pm'], { contact: { firstName: 'Anna', timezone: 'America/New_York' } }),
    );

    expect(reply.followUpAt).toBe('2025-01-16T20:00:00.000Z');
    expect(reply.needsHuman).toBe(true);
    expect(reply.text).toMatch(/Thursday, January 16 at 3:00 PM/);
  });

  it('says it will follow up at a time asked for without a call', async () => {
    const reply = await model.generateReply(
      requestFor(['I am busy now, can we talk next Monday morning?'], {
        contact: { timezone: 'America/New_York' },
      }),
    );

    expect(reply.followUpAt).toBe('2025-01-20T11:00:00.000Z');
    expect(reply.needsHuman).toBe(false);
    expect(reply.text).toMatch(/follow up with you on Monday, January 20 at 6:00 AM/);
  });

  it('follows the contact timezone across daylight saving time', async () => {
    const reply = await model.generateReply(
      requestFor(['Please get back to me tomorrow at 3pm'], {
        now: '2025-07-15T10:00:00.000Z',
        contact: { timezone: 'America/New_York' },
      }),
    );

    expect(reply.followUpAt).toBe('2025-07-16T19:00:00.000Z');
  });

  it('reads the time in UTC when the contact has no timezone or an unknown one', async () => {
    const none = await model.generateReply(requestFor(['Get back to me tomorrow at 3pm']));
    const unknown = await model.generateReply(
      requestFor(['Get back to me tomorrow at 3pm'], { contact: { timezone: 'Mars/Olympus' } }),
    );

    expect(none.followUpAt).toBe('2025-01-16T15:00:00.000Z');
    expect(unknown.followUpAt).toBe('2025-01-16T15:00:00.000Z');
    expect(none.text).toMatch(/3:00 PM \(UTC\)/);
  });

  it('answers the intent and mentions the follow-up when both are asked', async () => {
    const reply = await model.generateReply(requestFor(['Sounds good, but reach me next week, I am busy']));

    expect(urlsIn(reply.text)).toEqual([GOAL_URL]);
    expect(reply.followUpAt).toBe('2025-01-22T10:00:00.000Z');
    expect(reply.text).toMatch(/follow up with you on/);
  });

  it.each(['We opened the bakery last year', 'Our busy season was in May', 'Do you work on Sundays?'])(
    'sets no follow-up for "%s"',
    async (text) => {
      const reply = await model.generateReply(requestFor([text]));

      expect(reply.followUpAt).toBeNull();
    },
  );
});
