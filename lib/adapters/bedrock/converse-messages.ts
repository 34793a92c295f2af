/**
 * The chat as the Converse API takes it. Converse keeps the system prompt apart, wants the turns
 * to alternate and to open and close on the user's side, which Parley's chat need not do: a
 * conversation may open with the business's own message, a prospect may write twice running, and
 * a follow-up ends on an instruction rather than on the prospect.
 */
import type { Message, SystemContentBlock } from '@aws-sdk/client-bedrock-runtime';
import type { ChatMessage } from '#lib/domain/prompt';

/**
 * What opens the turns when the conversation opened with the business's message: Converse refuses
 * turns that begin with the assistant's. Outside the `<prospect>` tags, so not read as the prospect's.
 */
export const CONVERSATION_OPENING = '(The conversation opens with your message below.)';

export interface ConverseChat {
  system: SystemContentBlock[];
  messages: Message[];
}

/**
 * The leading system messages become `system`; a later one (the follow-up's instruction) is said
 * on the user's side, where it is the last word. Turns of one side in a row become one message.
 */
export function toConverseChat(chat: readonly ChatMessage[]): ConverseChat {
  const system: SystemContentBlock[] = [];
  const messages: Message[] = [];
  let leading = true;
  for (const { role, content } of chat) {
    if (role === 'system' && leading) {
      system.push({ text: content });
      continue;
    }
    leading = false;
    const side = role === 'assistant' ? 'assistant' : 'user';
    if (messages.length === 0 && side === 'assistant') {
      messages.push({ role: 'user', content: [{ text: CONVERSATION_OPENING }] });
    }
    const last = messages.at(-1);
    if (last?.role === side) last.content?.push({ text: content });
    else messages.push({ role: side, content: [{ text: content }] });
  }
  return { system, messages };
}
