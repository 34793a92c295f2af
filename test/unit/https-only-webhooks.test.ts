import { createAi } from '#lib/app/ais';
import { ValidationError } from '#lib/domain/errors';
import { checkWebhookUrl, refusalForUrl } from '#lib/domain/webhook-url';
import { makeFakeDeps } from '#test/support/fakes';
import { httpClient } from '#test/support/http';
import { givenTenantWithAi, TEST_API_KEY } from '#test/support/scenario';

describe('https-only webhook and document URLs', () => {
  describe('checkWebhookUrl', () => {
    it.each(['public', 'private'] as const)('refuses plain http under %s when http is not allowed', (policy) => {
      expect(checkWebhookUrl('http://hooks.example.com/a', policy, { allowHttp: false })).toEqual({
        ok: false,
        reason: 'webhook URL must use https',
      });
    });

    it('allows https when http is not allowed', () => {
      expect(checkWebhookUrl('https://hooks.example.com/a', 'public', { allowHttp: false })).toEqual({ ok: true });
    });

    it('always allows plain http under the local policy', () => {
      expect(checkWebhookUrl('http://localhost:4000/a', 'local', { allowHttp: false })).toEqual({ ok: true });
    });

    it('allows plain http when nothing is said, as before the setting existed', () => {
      expect(refusalForUrl('http://hooks.example.com/a', 'public')).toBeUndefined();
    });
  });

  describe('createAi', () => {
    it('refuses an http answer_url under public without allowHttpWebhooks, naming the field', async () => {
      const deps = makeFakeDeps({ webhookTargets: 'public', allowHttpWebhooks: false });

      const creating = createAi(deps, {
        tenantId: 'ten_1',
        aiId: 'ai_1',
        settings: {
          type: 'support',
          name: 'Ada',
          webhooks: { answerUrl: 'http://hooks.example.com/answer' },
          outputFormat: 'text',
          replyDelaySeconds: 0,
        },
      });

      const error = await creating.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details).toEqual([
        { path: 'webhooks.answer_url', message: 'webhook URL must use https' },
      ]);
      expect(await deps.ais.getAi('ten_1', 'ai_1')).toBeUndefined();
    });
  });

  describe('the API', () => {
    async function setup() {
      const deps = makeFakeDeps({ allowHttpWebhooks: false });
      const { ai } = await givenTenantWithAi(deps);
      return { ai, call: httpClient(deps, TEST_API_KEY) };
    }

    it('answers 400 naming webhooks.answer_url for an AI with an http webhook', async () => {
      const { call } = await setup();

      const response = await call('POST', '/v1/ais', {
        type: 'support',
        name: 'Ada',
        webhooks: { answer_url: 'http://hooks.example.com/a' },
      });

      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([
        { path: 'webhooks.answer_url', message: 'webhook URL must use https' },
      ]);
    });

    it('answers 400 naming the field for an http follow_up_url given with a message', async () => {
      const { ai, call } = await setup();

      const response = await call('POST', '/v2/messages', {
        ai_id: ai.id,
        conversation_id: 'alice@example.com',
        message: 'Hello',
        webhooks: { follow_up_url: 'http://hooks.example.com/f' },
      });

      expect(response.status).toBe(400);
      expect(response.body.error.details[0].path).toBe('webhooks.follow_up_url');
    });

    it('answers 400 naming url for an http document URL', async () => {
      const { call } = await setup();
      const base = await call('POST', '/v1/knowledge-bases', { name: 'Help centre' });

      const response = await call('POST', `/v1/knowledge-bases/${base.body.id}/documents`, {
        url: 'http://help.example.com/hours',
      });

      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([{ path: 'url', message: 'must use https' }]);
    });
  });
});
