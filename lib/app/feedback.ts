import { ConflictError, NotFoundError } from '#lib/domain/errors';
import type { FeedbackRating, Message } from '#lib/domain/types';
import type { Deps } from '#lib/app/deps';
import { deriveId } from '#lib/app/create-delivery';
import { embedCorrection } from '#lib/app/knowledge/corrections';
import { recordKnowledgeGap } from '#lib/app/knowledge/knowledge-gaps';

export interface FeedbackInput {
  tenantId: string;
  conversationId: string;
  /** The question (inbound) or the AI-written message (outbound) the feedback is about. */
  messageId: string;
  rating: FeedbackRating;
  /** What the answer should have said: kept as a correction that later answers to close questions use. */
  correction?: string;
}

/** Feedback as stored: on the AI-written message it is about. */
export interface StoredFeedback {
  /** The message the feedback is stored on: for a question, the reply that answered it. */
  messageId: string;
  conversationId: string;
  rating: FeedbackRating;
  correction?: string;
  createdAt: string;
}

/**
 * Records a client's rating (and optional correction) of an answer. Clients such as Zaps usually
 * hold the question's id (from `POST /v1/conversations`), so a question's id is followed to the
 * reply that answered it; the feedback is stored on that reply, one per reply, a later one
 * replacing an earlier one.
 *
 * @throws NotFoundError (naming `conversation_id` or `message_id`)
 * @throws ConflictError when the question has no answer yet, or the message was written by a person
 */
export async function recordFeedback(
  deps: Pick<Deps, 'conversations' | 'knowledge' | 'clock' | 'embedder' | 'logger'>,
  input: FeedbackInput,
): Promise<StoredFeedback> {
  const { tenantId, conversationId } = input;
  const message = await deps.conversations.getMessage(tenantId, conversationId, input.messageId);
  if (!message) throw await notFound(deps, input);
  const replyId = answeringMessageId(message);
  const createdAt = deps.clock.now().toISOString();
  const feedback = {
    rating: input.rating,
    ...(input.correction === undefined ? {} : { correction: input.correction }),
    at: createdAt,
  };
  // Nothing deletes messages today; should something, a reply gone since the read is a 404, not a new item.
  if (!(await deps.conversations.recordFeedback(tenantId, conversationId, replyId, feedback)))
    throw await notFound(deps, input);
  await learnFrom(deps, input, replyId, createdAt);
  const { at: _at, ...fields } = feedback;
  return { messageId: replyId, conversationId, ...fields, createdAt };
}

/**
 * Makes the feedback knowledge: a correction becomes a question-and-answer entry of the AI (one
 * per reply, a later correction replacing it), its question embedded when an embedding model is
 * configured, that later answers to close questions use; a thumbs-down lists the question as a
 * knowledge gap.
 */
async function learnFrom(
  deps: Pick<Deps, 'conversations' | 'knowledge' | 'embedder' | 'logger'>,
  input: FeedbackInput,
  replyId: string,
  at: string,
): Promise<void> {
  const { tenantId, conversationId } = input;
  const [conversation, reply] = await Promise.all([
    deps.conversations.getConversation(tenantId, conversationId),
    deps.conversations.getMessage(tenantId, conversationId, replyId),
  ]);
  if (!conversation || !reply) return;
  const asked = await Promise.all(
    (reply.inReplyTo ?? []).map((id) => deps.conversations.getMessage(tenantId, conversationId, id)),
  );
  const question = asked.flatMap((m) => (m ? [m.text] : [])).join('\n\n');
  // A follow-up or nudge answers no question: its correction is kept on the message alone.
  if (question === '') return;
  if (input.correction !== undefined && input.correction.trim() !== '') {
    const embedding = await embedCorrection(deps, question);
    await deps.knowledge.putCorrection({
      tenantId,
      aiId: conversation.aiId,
      id: deriveId('cor', replyId),
      question,
      answer: input.correction.trim(),
      conversationId,
      messageId: replyId,
      createdAt: at,
      ...(embedding ? { embedding } : {}),
    });
  }
  if (input.rating === 'down') {
    await recordKnowledgeGap(deps, {
      ai: { id: conversation.aiId },
      conversation,
      message: reply,
      question,
      reason: 'rated_down',
    });
  }
}

/** The id of the AI-written message that feedback on `message` belongs to. */
function answeringMessageId(message: Message): string {
  if (message.direction === 'outbound') {
    if (message.kind === 'human') {
      throw conflict(`message ${message.id} was written by a person, not the AI`, 'was written by a person');
    }
    return message.id;
  }
  const settled = message.status !== 'queued' && message.status !== 'answering';
  if (!settled || message.replyId === undefined) {
    const detail = settled ? 'has no answer' : 'is not answered yet';
    throw conflict(`message ${message.id} ${detail}: rate its answer once there is one`, detail);
  }
  return message.replyId;
}

function conflict(message: string, detail: string): ConflictError {
  return new ConflictError(message, { details: [{ path: 'message_id', message: detail }] });
}

async function notFound(deps: Pick<Deps, 'conversations'>, input: FeedbackInput): Promise<NotFoundError> {
  if (!(await deps.conversations.getConversation(input.tenantId, input.conversationId))) {
    return new NotFoundError(`no conversation with id ${input.conversationId}`, {
      details: [{ path: 'conversation_id', message: 'no conversation with this id' }],
    });
  }
  return new NotFoundError(`no message with id ${input.messageId} in conversation ${input.conversationId}`, {
    details: [{ path: 'message_id', message: 'no message with this id in this conversation' }],
  });
}
