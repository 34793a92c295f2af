/**
 * Keeps docs/zapier.md honest: every ```python block in it runs, with python3, against the local
 * runtime, exactly as Code by Zapier would run it (its inputs in `input_data`, its result in
 * `output`). Webhooks go to a loopback receiver standing in for Zapier's catch hooks. Blocks fenced
 * `python no-run` are fragments and are not run; every other block must be wired below.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { jest } from '@jest/globals';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';
import { type ReceivedWebhook, startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';

jest.setTimeout(60_000);

const GUIDE = 'docs/zapier.md';
/** The runnable blocks, in the guide's order; a new block must be added here and given a test. */
const STEPS = ['sales-send', 'emergency-slack', 'v1-ask', 'v1-get', 'gmail-ask', 'verify-signature'];
const PYTHON_TIMEOUT_MS = 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Block {
  info: string;
  code: string;
}

/** Fenced blocks whose info string starts with `python`, in order. */
function pythonBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const match of markdown.matchAll(/^```(python[^\n]*)\n([\s\S]*?)^```\s*$/gm)) {
    blocks.push({ info: (match[1] ?? '').trim(), code: match[2] ?? '' });
  }
  return blocks;
}

const stepOf = (block: Block) => /^# parley-step: (\S+)/.exec(block.code)?.[1];

/** Runs a block as Code by Zapier would: `input_data` given, `output` printed as JSON at the end. */
function runPython(code: string, inputData: Record<string, unknown>): Promise<Record<string, unknown>> {
  // A JSON string literal is a valid Python string literal, so the inputs survive any characters.
  const script = [
    'import json as _json',
    `input_data = _json.loads(${JSON.stringify(JSON.stringify(inputData))})`,
    code,
    'import json',
    'print(json.dumps(output))',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-'], { stdio: ['pipe', 'pipe', 'pipe'], timeout: PYTHON_TIMEOUT_MS });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`python3 exited with ${code}:\n${stderr}\n${stdout}`));
      resolve(JSON.parse(last) as Record<string, unknown>);
    });
    child.stdin.end(script);
  });
}

describe('the Zapier guide', () => {
  let runtime: RuntimeProcess;
  let receiver: WebhookReceiver;
  let api: ReturnType<typeof apiClient>;
  let sales: { id: string; webhook_secret: string };
  let support: { id: string };
  let blocks: Block[];
  let base: { parley_url: string; parley_key: string };

  beforeAll(async () => {
    [runtime, receiver] = await Promise.all([startRuntimeProcess(), startWebhookReceiver()]);
    api = apiClient(runtime);
    blocks = pythonBlocks(await readFile(GUIDE, 'utf8'));
    base = { parley_url: runtime.url, parley_key: runtime.apiKey };
    const [createdSales, createdSupport] = await Promise.all([
      api('POST', '/v1/ais', {
        type: 'sales',
        name: 'Sam',
        webhooks: { answer_url: `${receiver.origin}/ai-answers`, emergency_url: `${receiver.origin}/emergency` },
        // 0.001 h: a nudge 3.6 s after the prospect goes quiet, so the follow-up hook is exercised.
        follow_up: { enabled: true, dropoff_after_hours: 0.001, max_nudges: 1, timezone: 'UTC' },
      }),
      api('POST', '/v1/ais', { type: 'support', name: 'Ada', webhooks: { answer_url: `${receiver.origin}/support` } }),
    ]);
    expect([createdSales.status, createdSupport.status]).toEqual([201, 201]);
    sales = createdSales.body;
    support = createdSupport.body;
  });

  afterAll(async () => {
    await Promise.all([runtime?.stop(), receiver?.stop()]);
  });

  const run = (step: string, input: Record<string, unknown>) => {
    const block = blocks.find((b) => b.info === 'python' && stepOf(b) === step);
    if (!block) throw new Error(`${GUIDE} has no runnable block "# parley-step: ${step}"`);
    return runPython(block.code, { ...base, ...input });
  };

  async function waitForWebhook(what: string, matches: (w: ReceivedWebhook) => boolean, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = receiver.received.find(matches);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms:\n${runtime.output()}`);
      await sleep(50);
    }
  }

  const payload = (w: ReceivedWebhook) => w.json as Record<string, unknown>;
  const isEvent = (path: string, type: string, conversationId: string) => (w: ReceivedWebhook) =>
    w.path === path && payload(w).type === type && payload(w).conversation_id === conversationId;

  it('names every runnable python block, and fences any other python block `python no-run`', () => {
    const runnable = blocks.filter((b) => b.info === 'python');
    const others = blocks.filter((b) => b.info !== 'python');

    expect(runnable.map(stepOf)).toEqual(STEPS);
    expect(runnable.length).toBeGreaterThanOrEqual(6);
    expect(others.map((b) => b.info)).toEqual(others.map(() => 'python no-run'));
  });

  it('sends a prospect message (sales-send) once per trigger, answered at the answer hook and nudged at the follow-up hook', async () => {
    const input = {
      ai_id: sales.id,
      trigger_id: 'typeform-entry-1',
      conversation_id: 'grace@example.com',
      message: 'Hi! How much is it?',
      first_name: 'Grace',
      email: 'grace@example.com',
      answer_hook_url: `${receiver.origin}/answers`,
      follow_up_hook_url: `${receiver.origin}/follow-ups`,
    };

    const first = await run('sales-send', input);
    const replayed = await run('sales-send', input);

    expect(first).toEqual({ message_id: expect.any(String), conversation_id: 'grace@example.com', status: 'queued' });
    expect(replayed).toEqual(first);
    const answered = await waitForWebhook('answer', isEvent('/answers', 'message.answered', 'grace@example.com'));
    expect(payload(answered)).toMatchObject({
      question: 'Hi! How much is it?',
      contact_name: 'Grace',
      contact_email: 'grace@example.com',
      reply: expect.stringMatching(/\S/),
    });
    await waitForWebhook('nudge', isEvent('/follow-ups', 'dropoff.sent', 'grace@example.com'));
    expect(receiver.received.filter(isEvent('/answers', 'message.answered', 'grace@example.com'))).toHaveLength(1);
  });

  it('formats a real conversation.escalated for Slack (emergency-slack)', async () => {
    await api('POST', '/v2/messages', {
      ai_id: sales.id,
      conversation_id: 'ada@example.com',
      message: 'Can I speak to a real person, please?',
      contact: { first_name: 'Ada', email: 'ada@example.com' },
    });
    const escalated = payload(
      await waitForWebhook('escalation', isEvent('/emergency', 'conversation.escalated', 'ada@example.com')),
    );

    const output = await run('emergency-slack', escalated);

    expect(escalated).toMatchObject({ reason: 'human_requested', summary: expect.any(String) });
    expect(output.text).toEqual(expect.stringContaining(`Ada asks for a person\n>${escalated.summary}`));
    expect(output.text).toEqual(expect.stringContaining(String(escalated.suggested_reply)));
  });

  it('asks (v1-ask), then fetches the answer (v1-get) that the webhook also carried', async () => {
    const asked = await run('v1-ask', {
      ai_id: support.id,
      question: 'What are your opening hours?',
      email: 'linus@example.com',
    });
    const got = await run('v1-get', { conversation_id: asked.conversation_id, message_id: asked.message_id });

    expect(asked).toEqual({ conversation_id: expect.any(String), message_id: expect.any(String), status: 'queued' });
    expect(got).toEqual({ status: 'answered', answer: expect.stringMatching(/\S/), answered: true });
    const webhook = await waitForWebhook(
      'support answer',
      isEvent('/support', 'message.answered', String(asked.conversation_id)),
    );
    expect(payload(webhook).reply).toBe(got.answer);
  });

  it('answers a Gmail email in its thread (gmail-ask), keyed on the thread id', async () => {
    const output = await run('gmail-ask', {
      ai_id: sales.id,
      answer_hook_url: `${receiver.origin}/gmail-answers`,
      message_id: '18c2f0a1b2c3d4e6',
      thread_id: '18c2f0a1b2c3d4e5',
      from: 'Grace Hopper <grace.hopper@example.com>',
      subject: 'Pricing',
      body: 'Hello, how much does it cost per month?\n',
    });

    expect(output).toEqual({
      message_id: expect.any(String),
      conversation_id: '18c2f0a1b2c3d4e5',
      status: 'queued',
      contact_email: 'grace.hopper@example.com',
    });
    const webhook = await waitForWebhook(
      'Gmail answer',
      isEvent('/gmail-answers', 'message.answered', '18c2f0a1b2c3d4e5'),
    );
    expect(payload(webhook)).toMatchObject({
      contact_name: 'Grace Hopper',
      contact_email: 'grace.hopper@example.com',
      channel: 'email',
      metadata: { gmail_message_id: '18c2f0a1b2c3d4e6' },
      question: expect.stringContaining('how much does it cost'),
    });
  });

  it('verifies a real received webhook with the AI secret (verify-signature), and refuses a tampered one', async () => {
    const webhook = await waitForWebhook('any answer', (w) => payload(w)?.ai_id === sales.id);
    const input = {
      webhook_secret: sales.webhook_secret,
      raw_body: webhook.body,
      webhook_id: webhook.headers['webhook-id'],
      webhook_timestamp: webhook.headers['webhook-timestamp'],
      webhook_signature: webhook.headers['webhook-signature'],
    };

    const verified = await run('verify-signature', input);
    const tampered = await run('verify-signature', {
      ...input,
      raw_body: webhook.body.replace('"reply":"', '"reply":"X'),
    });

    expect(verified).toMatchObject({ verified: true, event_id: webhook.headers['webhook-id'], ai_id: sales.id });
    expect(tampered).toEqual({ verified: false });
  });
});
