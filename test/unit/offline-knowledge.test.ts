/**
 * The offline model's relevance gate: a passage grounds a reply only when it covers the question's
 * salient terms, weighted by rarity among the retrieved passages, not when it shares one word.
 * Otherwise the model abstains (escalation `unanswerable`, confidence low) rather than quoting it.
 */
import { describe, expect, it } from '@jest/globals';
import { OfflineChatModel } from '#lib/adapters/offline/offline-chat-model';
import { coverages, salientTerms } from '#lib/adapters/offline/offline-knowledge';
import type { KnowledgeContext, ReplyRequest } from '#lib/domain/reply';

const NOW = '2025-03-04T10:00:00.000Z';
const RETURNS = 'You can return any kit within 45 days for a full refund.';

function ask(text: string, knowledge: KnowledgeContext | undefined, overrides: Partial<ReplyRequest> = {}) {
  return new OfflineChatModel().generateReply({
    ai: { name: 'Sam', type: 'support' },
    ...(knowledge ? { knowledge } : {}),
    contact: {},
    outputFormat: 'text',
    history: [],
    pending: [{ role: 'prospect', text, at: NOW }],
    now: NOW,
    ...overrides,
  });
}

const passages = (...texts: string[]): KnowledgeContext => ({
  corrections: [],
  passages: texts.map((text, i) => ({ ref: i + 1, title: `Page ${i + 1}`, headingPath: [], text })),
});

describe('the offline relevance gate', () => {
  it('abstains on "Do you ship kits to Canada?" when only a returns policy mentions kits', async () => {
    const reply = await ask('Do you ship kits to Canada?', passages(RETURNS));

    expect(reply.text).not.toContain('45 days');
    expect(reply.text).toMatch(/do not know/);
    expect(reply).toMatchObject({ escalation: 'unanswerable', confidence: 'low', citations: [], needsHuman: true });
  });

  it('answers "Can I return a kit?" from the passage, citing it, at confidence high', async () => {
    const reply = await ask('Can I return a kit?', passages(RETURNS));

    expect(reply.text).toContain(RETURNS);
    expect(reply).toMatchObject({ escalation: 'none', confidence: 'high', citations: [1], needsHuman: false });
  });

  it('drops stop words and generic asking words, and stems, from the salient terms', () => {
    expect(salientTerms('Can you tell me if you ship kits to Canada?')).toEqual(['ship', 'kit', 'canada']);
    expect(salientTerms('How long does it take for orders to arrive?')).toEqual(['order', 'arriv']);
  });

  it('answers "how long" from a passage that states the time, though it does not say "long" or "take"', async () => {
    const reply = await ask(
      'How long do orders to Canada take to arrive?',
      passages('Orders to Canada arrive within 10 business days.'),
    );

    expect(reply.text).toContain('Orders to Canada arrive within 10 business days.');
    expect(reply).toMatchObject({ escalation: 'none', citations: [1] });
  });

  it('weighs a term every passage shares less than one no passage holds', () => {
    const [covered] = coverages(['kit', 'canada'], ['kits and returns', 'kit sizes', 'kit colours']);
    const [uncovered] = coverages(['kit', 'canada'], ['kit returns', 'shipping to canada']);

    expect(covered).toBeLessThan(0.5);
    expect(uncovered).toBeGreaterThan(0);
  });

  it('abstains on "how do I close …" when the passage never mentions closing, and answers when it does', async () => {
    const question = 'How do I close my account so billing stops?';
    const unrelated = await ask(question, passages('Billing stops for an account on the free plan.'));
    const covering = await ask(question, passages('Close your account under Settings; billing stops that day.'));

    expect(unrelated.escalation).toBe('unanswerable');
    expect(covering).toMatchObject({ escalation: 'none', citations: [1] });
  });

  it('abstains when another page covers clearly more of the question than the first-ranked one', async () => {
    const question = 'Do you offer a discount for startups and nonprofits in Europe?';
    const first = 'Startups and nonprofits get a discount on the first year.';
    const alone = await ask(question, passages(first));
    const rivalled = await ask(
      question,
      passages(first, 'Startups and nonprofits in Europe get a discount through our partner programme.'),
    );

    expect(alone).toMatchObject({ escalation: 'none', citations: [1] });
    expect(rivalled.escalation).toBe('unanswerable');
  });

  it('abstains when a question asks how many or when and the passage states no amount', async () => {
    const reply = await ask('How many employees work at Brightdesk?', passages('Brightdesk employees use SSO.'));

    expect(reply.escalation).toBe('unanswerable');
  });

  it('answers a sales question the product description covers, and abstains on one it does not', async () => {
    const sales = { product: { name: 'Acme CRM', description: 'A CRM for bakeries that tracks orders and regulars.' } };
    const salesAi = { ai: { name: 'Ava', type: 'sales' as const }, sales };

    const covered = await ask('Does it track orders for bakeries?', undefined, salesAi);
    const uncovered = await ask('Do you have a mobile app?', undefined, salesAi);

    expect(covered.text).toContain('A CRM for bakeries');
    expect(covered).toMatchObject({ escalation: 'none', confidence: 'high' });
    expect(uncovered.escalation).toBe('unanswerable');
  });

  it('uses a correction that applies whatever the passages say, at confidence high', async () => {
    const knowledge: KnowledgeContext = {
      corrections: [{ ref: 1, question: 'Do you ship kits to Canada?', answer: 'Yes, within 10 business days.' }],
      passages: [{ ref: 2, title: 'Returns', headingPath: [], text: RETURNS }],
    };

    const reply = await ask('Do you ship kits to Canada?', knowledge);

    expect(reply).toMatchObject({ confidence: 'high', citations: [1], escalation: 'none' });
    expect(reply.text).toContain('Yes, within 10 business days.');
  });
});
