/**
 * A person and the AI sharing a conversation: a person takes over (the AI stops answering and its
 * timers stop), gives it back, and tells Parley what they wrote outside it so the AI's context
 * stays true.
 */
import { ConflictError, NotFoundError } from '#lib/domain/errors';
import { contactTimeZone, dropoffAt } from '#lib/domain/follow-up-policy';
import type { Conversation, Message } from '#lib/domain/types';
import { armTimer, cancelTimers, followUpSettingsOf } from '#lib/app/conversation-timers';
import type { Deps } from '#lib/app/deps';

type HandoffDeps = Pick<Deps, 'setup' | 'ais' | 'conversations' | 'timers' | 'clock'>;

async function conversationOf(deps: Pick<Deps, 'conversations'>, tenantId: string, conversationId: string) {
  const conversation = await deps.conversations.getConversation(tenantId, conversationId);
  if (!conversation) {
    throw new NotFoundError(`no conversation with id ${conversationId}`, {
      details: [{ path: 'conversation_id', message: 'no conversation with this id' }],
    });
  }
  return conversation;
}

/** A person takes over: the AI answers nothing more and its timers are cancelled, until resumed. */
export async function handOff(deps: HandoffDeps, tenantId: string, conversationId: string): Promise<Conversation> {
  const conversation = await conversationOf(deps, tenantId, conversationId);
  await cancelTimers(deps, conversation);
  return deps.conversations.bumpConversation(tenantId, conversationId, {
    status: 'handed_off',
    needsHuman: true,
    scheduled: [],
    updatedAt: deps.clock.now().toISOString(),
  });
}

/** The AI answers again from the next message on (what came meanwhile was the person's to answer). */
export async function resume(deps: HandoffDeps, tenantId: string, conversationId: string): Promise<Conversation> {
  await conversationOf(deps, tenantId, conversationId);
  return deps.conversations.bumpConversation(tenantId, conversationId, {
    status: 'active',
    needsHuman: false,
    updatedAt: deps.clock.now().toISOString(),
  });
}

/**
 * Records a message a person sent the prospect outside Parley (kind `human`), so later answers see
 * it. It moves the conversation on like any new turn: earlier timers lapse, and while the AI has
 * the conversation, the drop-off nudge is armed again from now.
 *
 * @throws NotFoundError naming `ai_id` for an unknown AI; ConflictError when the conversation is another AI's
 */
export async function recordOutgoingMessage(
  deps: HandoffDeps,
  input: { tenantId: string; aiId: string; conversationId: string; messageId: string; text: string },
): Promise<Message> {
  const ai = await deps.ais.getAi(input.tenantId, input.aiId);
  if (!ai) {
    throw new NotFoundError(`no AI with id ${input.aiId}`, {
      details: [{ path: 'ai_id', message: 'no AI with this id' }],
    });
  }
  const now = deps.clock.now().toISOString();
  const stored = await deps.conversations.ensureConversation({
    tenantId: input.tenantId,
    id: input.conversationId,
    aiId: ai.id,
    status: 'active',
    contact: {},
    metadata: {},
    createdAt: now,
    updatedAt: now,
  });
  if (stored.aiId !== ai.id) {
    throw new ConflictError(`conversation ${input.conversationId} belongs to another AI`, {
      details: [{ path: 'conversation_id', message: `already used with AI ${stored.aiId}` }],
    });
  }
  const message: Message = {
    tenantId: input.tenantId,
    conversationId: input.conversationId,
    id: input.messageId,
    direction: 'outbound',
    kind: 'human',
    text: input.text,
    createdAt: now,
  };
  await deps.conversations.putMessage(message);
  await cancelTimers(deps, stored);
  // A person wrote: whatever waited for one has been seen to.
  const conversation = await deps.conversations.bumpConversation(input.tenantId, input.conversationId, {
    scheduled: [],
    needsHuman: false,
    updatedAt: now,
  });
  if (conversation.status === 'active') {
    const settings = await followUpSettingsOf(deps, ai);
    const nudge = dropoffAt(new Date(now), settings, contactTimeZone(conversation.contact.timezone, settings));
    if (nudge) await armTimer(deps, conversation, { kind: 'dropoff', at: nudge });
  }
  return message;
}
