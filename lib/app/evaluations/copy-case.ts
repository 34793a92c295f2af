/**
 * A case copied from a real conversation: the prospect's message and the turns before it. The copy
 * holds the prospect's text, so erasing the conversation removes it (TestSetStore.eraseCopiedCases,
 * called by eraseConversation).
 */
import type { Deps } from '#lib/app/deps';
import { findLiveConversation, noConversation } from '#lib/app/conversations';
import { addCases, type SetDeps } from '#lib/app/evaluations/test-sets';
import { NotFoundError, ValidationError } from '#lib/domain/errors';
import type { CaseExpectations, CaseTurn, TestCase } from '#lib/domain/evaluations/types';
import { MAX_CASE_HISTORY_CHARS, MAX_CASE_HISTORY_TURNS } from '#lib/domain/limits/evaluations';
import type { Message } from '#lib/domain/types';

type CopyDeps = SetDeps & Pick<Deps, 'conversations' | 'tenants'>;

/**
 * Adds a case made of the conversation's inbound message `messageId` and, as its history, the
 * latest turns before it that fit MAX_CASE_HISTORY_TURNS and MAX_CASE_HISTORY_CHARS. Throws
 * NotFoundError for a conversation that is missing, erased or expired, or a message it lacks.
 */
export async function copyCaseFromConversation(
  deps: CopyDeps,
  input: {
    tenantId: string;
    aiId: string;
    setId: string;
    /** The id the caller reserved (see runIdempotent): erasure finds the request's Idempotency-Key record by it. */
    caseId: string;
    conversationId: string;
    messageId: string;
    expect?: CaseExpectations;
    rubric?: string;
  },
): Promise<{ added: TestCase[]; caseCount: number }> {
  const { tenantId, conversationId, messageId } = input;
  if ((await findLiveConversation(deps, tenantId, conversationId)) === undefined) throw noConversation(conversationId);
  const messages = await deps.conversations.listMessages(tenantId, conversationId);
  const index = messages.findIndex((message) => message.id === messageId);
  const message = messages[index];
  if (message === undefined) {
    throw new NotFoundError(`no message ${messageId} in conversation ${conversationId}`, {
      details: [{ path: 'message_id', message: 'no message with this id in the conversation' }],
    });
  }
  if (message.direction !== 'inbound') {
    throw new ValidationError('only a prospect’s message can be copied as a case', {
      details: [{ path: 'message_id', message: "must be a prospect's (inbound) message, not a reply" }],
    });
  }
  const history = historyBefore(messages.slice(0, index));
  const draft = {
    caseId: input.caseId,
    message: message.text,
    ...(history.length > 0 ? { history } : {}),
    expect: input.expect ?? {},
    ...(input.rubric === undefined ? {} : { rubric: input.rubric }),
    source: { conversationId, messageId },
  };
  const result = await addCases(deps, { tenantId, aiId: input.aiId, setId: input.setId, cases: [draft] });
  // Erased while copying: the erasure may have listed the copies before this one was registered.
  if ((await findLiveConversation(deps, tenantId, conversationId)) === undefined) {
    await deps.testSets.eraseCopiedCases(tenantId, conversationId);
    throw noConversation(conversationId);
  }
  return result;
}

/** The latest turns that fit the bounds, oldest first. */
function historyBefore(earlier: Message[]): CaseTurn[] {
  const turns: CaseTurn[] = [];
  let chars = 0;
  for (const message of earlier.slice(-MAX_CASE_HISTORY_TURNS).reverse()) {
    if (chars + message.text.length > MAX_CASE_HISTORY_CHARS) break;
    chars += message.text.length;
    turns.unshift({ direction: message.direction, text: message.text });
  }
  return turns;
}
