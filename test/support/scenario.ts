/** Shared arrangements for use-case tests: a tenant with a key and an AI, and messages accepted. */
import { acceptMessage } from '#lib/app/accept-message';
import { createAi, type AiSettings } from '#lib/app/ais';
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
