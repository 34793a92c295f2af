/** Shared arrangements for use-case tests: a tenant with a key and an AI, and messages accepted. */
import { acceptMessage } from '#lib/app/accept-message';
import { createAi, type AiSettings } from '#lib/app/ais';
import { generateReply } from '#lib/app/generate-reply';
import { createSetupItem } from '#lib/app/setup';
import { ensureTenantForKey } from '#lib/app/tenants';
import type { FakeDeps } from '#test/support/fakes';

export const TEST_API_KEY = 'prly_test_key_0123456789abcdef';

export async function givenTenantWithAi(deps: FakeDeps, settings: Partial<AiSettings> = {}) {
  const tenantId = await ensureTenantForKey(deps, { apiKey: TEST_API_KEY, tenantName: 'Acme' });
  const { ai } = await createAi(deps, {
    tenantId,
    aiId: deps.ids.newId('ai'),
    settings: {
      type: 'support',
      name: 'Ada',
      webhooks: { answerUrl: 'https://hooks.example.com/answer' },
      outputFormat: 'text',
      replyDelaySeconds: 0,
      ...settings,
    },
  });
  return { tenantId, ai };
}

export async function givenMessage(
  deps: FakeDeps,
  input: { tenantId: string; aiId: string; conversationId?: string; text: string },
) {
  return acceptMessage(deps, {
    tenantId: input.tenantId,
    aiId: input.aiId,
    conversationId: input.conversationId ?? 'alice@example.com',
    messageId: deps.ids.newId('msg'),
    text: input.text,
    contact: { firstName: 'Alice', email: 'alice@example.com' },
    channel: 'email',
  });
}

/** What givenSalesAi sets up: a product with a price, a strategy with a tone, and a goal. */
export const SALES_SETUP = {
  product: {
    name: 'Acme CRM',
    description: 'A CRM for bakeries that tracks orders, regulars and deliveries.',
    price: '$49/month',
  },
  strategy: {
    name: 'Consultative',
    instructions: 'Ask about the size of the bakery before recommending a plan.',
    tone: 'warm, concise, no jargon',
  },
  goal: {
    name: 'Book a demo',
    description: 'A 20-minute video call with our team.',
    goalUrl: 'https://acme.example/book?plan=pro&ref=parley',
  },
} as const;

/** A tenant with a sales AI that references a product, a strategy and a goal (SALES_SETUP). */
export async function givenSalesAi(deps: FakeDeps, settings: Partial<AiSettings> = {}) {
  const tenantId = await ensureTenantForKey(deps, { apiKey: TEST_API_KEY, tenantName: 'Acme' });
  const ids = { productId: deps.ids.newId('prd'), strategyId: deps.ids.newId('str'), goalId: deps.ids.newId('goal') };
  await createSetupItem(deps, { tenantId, kind: 'product', id: ids.productId, fields: { ...SALES_SETUP.product } });
  await createSetupItem(deps, { tenantId, kind: 'strategy', id: ids.strategyId, fields: { ...SALES_SETUP.strategy } });
  await createSetupItem(deps, { tenantId, kind: 'goal', id: ids.goalId, fields: { ...SALES_SETUP.goal } });
  return givenTenantWithAi(deps, { type: 'sales', name: 'Ava', ...ids, ...settings });
}

/** A further AI of `type` in the tenant, for tests that need more than one. */
export async function givenAnotherAi(deps: FakeDeps, tenantId: string, type: 'sales' | 'support') {
  const { ai } = await createAi(deps, {
    tenantId,
    aiId: deps.ids.newId('ai'),
    settings: {
      type,
      name: `${type} AI`,
      webhooks: { answerUrl: 'https://hooks.example.com/other' },
      outputFormat: 'text',
      replyDelaySeconds: 0,
    },
  });
  return ai;
}

/** What the generator Lambda does with the queued records: answers each one. */
export async function answerQueued(deps: FakeDeps): Promise<void> {
  for (const job of deps.generationQueue.jobs.splice(0)) await generateReply(deps, { ...job, attempt: 1 });
}
