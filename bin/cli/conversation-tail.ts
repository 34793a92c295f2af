/**
 * `parley conversations tail <id>`: polls a conversation (`GET /v2/conversations/{id}`) and prints
 * each message once, as it arrives, until Ctrl-C, or after one look (`--once`) or `--timeout`.
 */
import type { ApiClient } from '#bin/cli/api-client';
import type { Output } from '#bin/cli/output';

export interface TailOptions {
  once: boolean;
  /** Seconds to follow before stopping; undefined follows until interrupted. */
  timeoutSeconds?: number;
  intervalMs: number;
  json: boolean;
}

interface WireMessage {
  message_id: string;
  direction: string;
  kind: string;
  text: string;
  created_at: string;
}

export async function tailConversation(
  api: ApiClient,
  conversationId: string,
  options: TailOptions,
  out: Output,
  signal?: AbortSignal,
): Promise<void> {
  const seen = new Set<string>();
  const deadline = options.timeoutSeconds === undefined ? Infinity : Date.now() + options.timeoutSeconds * 1000;
  let first = true;
  while (!signal?.aborted) {
    const conversation = await api.request('GET', `/v2/conversations/${encodeURIComponent(conversationId)}`);
    if (first && !options.json) {
      out.print(`Conversation ${conversation.conversation_id} (ai ${conversation.ai_id}, ${conversation.status})\n`);
    }
    first = false;
    for (const message of conversation.messages as WireMessage[]) {
      if (seen.has(message.message_id)) continue;
      seen.add(message.message_id);
      out.print(options.json ? `${JSON.stringify(message)}\n` : formatMessage(message));
    }
    if (options.once || Date.now() + options.intervalMs > deadline) return;
    await sleep(options.intervalMs, signal);
  }
}

function formatMessage(message: WireMessage): string {
  const who =
    message.direction === 'inbound' ? 'prospect' : message.kind === 'human' ? 'person' : `ai (${message.kind})`;
  return `[${message.created_at}] ${who}: ${message.text}\n`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
