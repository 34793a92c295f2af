/**
 * The examples in examples/ against the local runtime: each webhook receiver (Node and Python, in
 * their own processes) prints a real, verified message.answered once, and answers a forged or stale
 * request with a 401 and a replayed one without handling it twice; the curl scripts, when curl is
 * installed, create an AI, send a message, poll it and list the delivery.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { jest } from '@jest/globals';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';
import { startWebhookReceiver } from '#test/support/webhook-receiver';

jest.setTimeout(60_000);

const READY = /Listening on (http:\/\/\S+?)\/?\s/;
const START_TIMEOUT_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ExampleReceiver {
  url: string;
  stdout(): string;
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts an example receiver on a free port and resolves once it says where it listens. */
function startReceiver(command: string, script: string, secret: string): Promise<ExampleReceiver> {
  const child: ChildProcess = spawn(command, [script], {
    env: { PATH: process.env.PATH ?? '', PARLEY_WEBHOOK_SECRET: secret, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start:\n${stdout}\n${stderr}`));
    }, START_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${stdout}\n${stderr}`)));
    child.stdout?.on('data', () => {
      const url = READY.exec(stdout)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({
        url,
        stdout: () => stdout,
        stderr: () => stderr,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/** A request signed as Parley signs it (or not, if `secret` is wrong), sent to `url`. */
async function postSigned(url: string, secret: string, event: { id: string; timestamp: number; body: string }) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${event.id}.${event.timestamp}.${event.body}`).digest('base64');
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': event.id,
      'webhook-timestamp': String(event.timestamp),
      'webhook-signature': `v1,${signature}`,
    },
    body: event.body,
  });
  await response.arrayBuffer();
  return response.status;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const verifiedLines = (stdout: string, type: string) =>
  stdout.split('\n').filter((line) => line.startsWith(`verified ${type} `));

const hasCommand = (command: string) => spawnSync('which', [command]).status === 0;

describe('the example webhook receivers and curl scripts', () => {
  let runtime: RuntimeProcess;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    runtime = await startRuntimeProcess();
    api = apiClient(runtime);
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it.each([
    ['node', process.execPath, 'examples/webhook-receiver/node/receiver.mjs'],
    ['python', 'python3', 'examples/webhook-receiver/python/receiver.py'],
  ])(
    'the %s receiver prints a verified message.answered once and refuses forged and stale requests',
    async (name, command, script) => {
      // The secret is the AI's, and the AI's URL is the receiver's: create the AI, then start the
      // receiver with its secret, then point the AI at it.
      const created = await api('POST', '/v1/ais', {
        type: 'support',
        name: `Ada (${name})`,
        webhooks: { answer_url: 'https://example.com/placeholder' },
      });
      const ai = created.body as { id: string; webhook_secret: string };
      const receiver = await startReceiver(command, script, ai.webhook_secret);
      try {
        const patched = await api('PATCH', `/v1/ais/${ai.id}`, { webhooks: { answer_url: `${receiver.url}/hook` } });
        const conversation = `${name}@example.com`;

        const sent = await api('POST', '/v2/messages', {
          ai_id: ai.id,
          conversation_id: conversation,
          message: 'Hello! What are your opening hours?',
        });
        await waitFor(
          `${name} to print the answer`,
          () => verifiedLines(receiver.stdout(), 'message.answered').length > 0,
        );
        const now = Math.floor(Date.now() / 1000);
        const forged = await postSigned(`${receiver.url}/hook`, 'whsec_Zm9yZ2VkLXNlY3JldC0xMjM0NTY3ODkwYWJjZA==', {
          id: 'evt_forged',
          timestamp: now,
          body: '{"type":"message.answered"}',
        });
        const stale = await postSigned(`${receiver.url}/hook`, ai.webhook_secret, {
          id: 'evt_stale',
          timestamp: now - 3_600,
          body: '{"type":"message.answered"}',
        });
        const replay = { id: 'evt_replayed', timestamp: now, body: '{"type":"test.replayed"}' };
        const replayed = [
          await postSigned(`${receiver.url}/hook`, ai.webhook_secret, replay),
          await postSigned(`${receiver.url}/hook`, ai.webhook_secret, replay),
        ];

        expect([created.status, patched.status, sent.status]).toEqual([201, 200, 202]);
        const [line] = verifiedLines(receiver.stdout(), 'message.answered');
        expect(verifiedLines(receiver.stdout(), 'message.answered')).toHaveLength(1);
        expect(JSON.parse(line?.split(' ').slice(3).join(' ') ?? '')).toMatchObject({
          type: 'message.answered',
          ai_id: ai.id,
          conversation_id: conversation,
          reply: expect.stringMatching(/\S/),
        });
        expect([forged, stale]).toEqual([401, 401]);
        expect(receiver.stderr()).toMatch(/rejected: bad signature/);
        expect(receiver.stderr()).toMatch(/rejected: timestamp/);
        expect(replayed.every((status) => status >= 200 && status < 300)).toBe(true);
        expect(verifiedLines(receiver.stdout(), 'test.replayed')).toHaveLength(1);
      } finally {
        await receiver.stop();
      }
    },
  );

  const curlInstalled = hasCommand('curl');
  it(
    curlInstalled
      ? 'the curl scripts create an AI, send a message, poll it and list its delivery'
      : 'does not run the curl scripts: curl is not installed (`which curl` found nothing)',
    async () => {
      if (!curlInstalled) {
        expect(hasCommand('curl')).toBe(false);
        return;
      }
      const hook = await startWebhookReceiver();
      const env = { PATH: process.env.PATH ?? '', PARLEY_URL: runtime.url, PARLEY_KEY: runtime.apiKey };
      const script = (name: string, ...args: string[]) =>
        new Promise<string>((resolve, reject) =>
          execFile('sh', [`examples/curl/${name}`, ...args], { env, timeout: 40_000 }, (error, stdout, stderr) =>
            error ? reject(new Error(`${name} failed: ${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
          ),
        );
      try {
        const ai = JSON.parse(await script('create-ai.sh', hook.url, 'support', 'Curly'));
        const sent = JSON.parse(
          await script(
            'send-message.sh',
            ai.id,
            'curl+1@example.com',
            'Hi! "Quoted" \\ and\nnew line?',
            'c@example.com',
          ),
        );
        const polled = JSON.parse(await script('poll-v1.sh', sent.conversation_id, sent.message_id));
        const [webhook] = await hook.waitFor(1, 10_000);
        // The delivery is marked succeeded once the receiver's 2xx is back: give it a moment.
        for (let i = 0; i < 50; i++) {
          const listed = await api('GET', '/v2/deliveries?status=succeeded');
          if (JSON.stringify(listed.body).includes('curl+1@example.com')) break;
          await sleep(100);
        }
        const deliveries = JSON.parse(await script('list-deliveries.sh', 'succeeded'));

        expect(ai).toMatchObject({ id: expect.any(String), webhook_secret: expect.stringMatching(/^whsec_/) });
        expect(sent).toEqual({
          message_id: expect.any(String),
          conversation_id: 'curl+1@example.com',
          status: 'queued',
        });
        expect(polled).toMatchObject({ status: 'answered', answer: expect.stringMatching(/\S/) });
        expect(webhook?.json).toMatchObject({
          conversation_id: 'curl+1@example.com',
          question: 'Hi! "Quoted" \\ and\nnew line?',
          contact_email: 'c@example.com',
        });
        expect(deliveries.data).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ conversation_id: 'curl+1@example.com', status: 'succeeded' }),
          ]),
        );
      } finally {
        await hook.stop();
      }
    },
  );
});
