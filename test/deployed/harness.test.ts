/**
 * The deployed-shape harness itself: that it would catch what it is there to catch. A stack whose
 * generator role has lost a permission the code uses is started, and the message pipeline fails
 * on that permission, with the AccessDenied AWS would answer.
 */
import { jest } from '@jest/globals';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';
import { DEPLOYED_SYNTH_TIMEOUT_MS } from './support/assembly.ts';
import { type DeployedStack, startDeployedStack } from './support/deployed-stack.ts';
import type { Json, StackTemplate } from './support/template.ts';

jest.setTimeout(60_000);

/** Removes `action` from every statement of the policies attached to the role of the function `prefix`. */
function revoke(template: StackTemplate, prefix: string, action: string): void {
  const [, fn] = Object.entries(template.Resources).find(
    ([id, resource]) => resource.Type === 'AWS::Lambda::Function' && id.startsWith(prefix),
  ) ?? [undefined, undefined];
  const roleId = fn?.Properties?.Role['Fn::GetAtt'][0];
  let removed = 0;
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    if (!resource.Properties?.Roles.some((role: Json) => role.Ref === roleId)) continue;
    for (const statement of resource.Properties.PolicyDocument.Statement) {
      const actions = [statement.Action].flat();
      if (!actions.includes(action)) continue;
      statement.Action = actions.filter((a: string) => a !== action);
      removed += 1;
    }
  }
  if (removed === 0) throw new Error(`no statement of ${prefix}'s role allows ${action}`);
}

describe('the deployed-shape harness', () => {
  let stack: DeployedStack;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    stack = await startDeployedStack({
      context: { modelProvider: 'offline' },
      changeTemplate: (template) => revoke(template, 'GenerationGenerator', 'sqs:SendMessage'),
    });
  }, DEPLOYED_SYNTH_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
  });

  it('fails the pipeline when a role loses a permission the code uses, with AWS’s AccessDenied', async () => {
    const headers = { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' };
    const created = await fetch(`${stack.url}/v1/ais`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ type: 'support', name: 'Ada', webhooks: { answer_url: receiver.url } }),
    });
    const ai = (await created.json()) as { id: string };

    const posted = await fetch(`${stack.url}/v2/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ai_id: ai.id, conversation_id: 'denied', message: 'Hello?' }),
    });

    expect(posted.status).toBe(202);
    const generator = stack.fn('GenerationGenerator').runner;
    const deadline = Date.now() + 30_000;
    // The proxy records the refusal before the function has logged its error: wait for both.
    while (!/AccessDenied/.test(generator.output()) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(stack.denied()).toContainEqual({
      principal: generator.spec.name,
      action: 'sqs:SendMessage',
      resource: stack.queue('MessagingDeliveryQueue').arn,
    });
    expect(generator.output()).toMatch(/AccessDenied/);
    expect(receiver.received).toEqual([]);
  });
});
