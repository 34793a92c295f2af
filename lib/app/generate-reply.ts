import { conversationRef } from '#lib/domain/conversation-ref';
import { ParleyError } from '#lib/domain/errors';
import {
  GENERATION_MESSAGE_WINDOW,
  MAX_GENERATION_ATTEMPTS,
  MAX_HISTORY_MESSAGES,
} from '#lib/domain/limits/generation';
import { decideModelFaultWait, describeBudget, MODEL_FAULT_BUDGET_MS } from '#lib/domain/model-faults';
import {
  type KnowledgeContext,
  MalformedModelOutputError,
  ModelBusyError,
  type ModelReply,
  ModelUnavailableError,
  type ReplyRequest,
  type SalesContext,
  type Turn,
} from '#lib/domain/reply';
import { isStopRequest } from '#lib/domain/follow-up-policy';
import { isUnanswered } from '#lib/domain/messages';
import { sanitizeHtml } from '#lib/domain/safe-html';
import type { Ai, Channel, Citation, Contact, Conversation, Message, OutputFormat } from '#lib/domain/types';
import type { GenerationJob } from '#lib/ports/generation';
import type { Deps } from '#lib/app/deps';
import { escalateWithoutReply, finishReply, settleAll } from '#lib/app/finish-reply';
import { citationsOf, type Grounding, groundReply } from '#lib/app/knowledge/ground-reply';
import { loadSalesSetup, type SalesSetup } from '#lib/app/setup';

/**
 * `model_unavailable`: escalated because the chat model has no usable credentials, or stayed busy
 * (429, 5xx, timeouts) for the whole wait budget (an operator must act).
 */
export type GenerationOutcome = 'answered' | 'escalated' | 'model_unavailable' | 'nothing_to_do' | 'failed';

/**
 * What writing a reply with the model and sending it takes, for the generator and for the timers
 * (follow-ups and nudges) alike.
 */
export type ModelReplyDeps = Pick<
  Deps,
  | 'ais'
  | 'setup'
  | 'conversations'
  | 'deliveries'
  | 'chatModel'
  | 'deliveryQueue'
  | 'events'
  | 'clock'
  | 'timers'
  | 'logger'
  | 'modelFaultBudgetMs'
> & {
  /** A number in [0, 1) for the jitter of a wait; Math.random when absent. */
  random?: () => number;
};

/** The generator also searches the knowledge bases and records gaps. */
type GeneratorDeps = ModelReplyDeps & Pick<Deps, 'knowledge' | 'ids' | 'blobs' | 'embedder' | 'knowledgeIndex'>;

/**
 * The model is busy (429, 5xx, a timeout) and the reply's wait budget is not spent: try again in
 * `waitSeconds`. The generator keeps the queue record hidden that long (GenerationQueue.deferRecord)
 * and reports it as failed, so it comes back then; the wait is not a failed attempt.
 */
export class ReplyDeferredError extends ParleyError {
  readonly waitSeconds: number;
  constructor(waitSeconds: number, options?: { cause?: unknown }) {
    super(`the chat model is busy; trying again in ${waitSeconds} s`, options);
    this.name = 'ReplyDeferredError';
    this.waitSeconds = waitSeconds;
  }
}

/**
 * Answers every unanswered inbound message of a conversation with one reply, and hands the reply
 * to delivery. Safe to run any number of times for the same messages: the reply id is claimed on
 * the messages before the model is called, so a retry resumes the same reply (regenerating it only
 * if it was never stored) and a queue record for messages already answered is a no-op.
 *
 * @param job.attempt how many times this job has been tried (SQS's receive count)
 * @throws ReplyDeferredError when a busy model is to be tried again later
 */
export async function generateReply(
  deps: GeneratorDeps,
  job: GenerationJob & { attempt: number },
): Promise<GenerationOutcome> {
  const { tenantId, conversationId } = job;
  // Both reads at once: the messages do not depend on the conversation record.
  const [conversation, firstListing] = await Promise.all([
    deps.conversations.getConversation(tenantId, conversationId),
    readMessages(deps, job),
  ]);
  if (!conversation) {
    deps.logger.warn('generation job for a missing conversation', {
      conversationRef: conversationRef(tenantId, conversationId),
    });
    return 'nothing_to_do';
  }
  let outcome: GenerationOutcome = 'nothing_to_do';
  // A resumed reply may cover only some unanswered messages; then a second round answers the rest.
  for (let round = 0; round < 3; round++) {
    const messages = round === 0 ? firstListing : await readMessages(deps, job);
    const unanswered = messages.filter(isUnanswered);
    if (unanswered.length === 0) return outcome;
    const ai = await deps.ais.getAi(tenantId, conversation.aiId);
    if (!ai) {
      deps.logger.warn('conversation AI was deleted; its messages cannot be answered', {
        conversationRef: conversationRef(tenantId, conversationId),
      });
      await settleAll(deps, conversation, unanswered, 'failed');
      return 'failed';
    }
    if (conversation.status === 'handed_off') {
      // A person has the conversation: the AI stays quiet and the messages are theirs.
      await settleAll(deps, conversation, unanswered, 'escalated');
      return 'escalated';
    }
    const replyId = unanswered.find((m) => m.replyId)?.replyId ?? deps.ids.newId('msg');
    let reply = messages.find((m) => m.id === replyId);
    if (!reply) {
      const written = await writeReply(deps, { ai, conversation, messages, unanswered, replyId, attempt: job.attempt });
      if (written === 'taken') return outcome;
      if (written === 'failed' || written === 'escalated' || written === 'model_unavailable') return written;
      reply = written;
    }
    await finishReply(deps, { ai, conversation, reply, unanswered });
    outcome = 'answered';
    // Messages that arrived meanwhile have queue records of their own, behind this one.
    if (unanswered.every((m) => reply.inReplyTo?.includes(m.id))) return outcome;
  }
  return outcome;
}

/**
 * The conversation's newest GENERATION_MESSAGE_WINDOW messages, which hold the model's history and
 * the unanswered messages (the newest ones), or all of them when the window may miss one: when its
 * oldest message is itself unanswered, or when the job's own message is not in it (a client retry
 * can store a message under the id reserved hours earlier, which sorts among older ones).
 */
async function readMessages(deps: Pick<GeneratorDeps, 'conversations'>, job: GenerationJob): Promise<Message[]> {
  const { tenantId, conversationId } = job;
  const recent = await deps.conversations.listRecentMessages(tenantId, conversationId, GENERATION_MESSAGE_WINDOW);
  if (recent.length < GENERATION_MESSAGE_WINDOW) return recent;
  const [oldest] = recent;
  const mayMissOne = (oldest && isUnanswered(oldest)) || !recent.some((m) => m.id === job.messageId);
  return mayMissOne ? deps.conversations.listMessages(tenantId, conversationId) : recent;
}

async function writeReply(
  deps: GeneratorDeps,
  input: {
    ai: Ai;
    conversation: Conversation;
    messages: Message[];
    unanswered: Message[];
    replyId: string;
    attempt: number;
  },
): Promise<Message | 'taken' | 'failed' | 'escalated' | 'model_unavailable'> {
  const { conversation: c, replyId } = input;
  const stopRequest = isStopRequest(input.unanswered.at(-1)?.text ?? '');
  // The reads for the prompt go on while the messages are claimed; if a twin worker has them,
  // the reads are just not used.
  const preparing = stopRequest ? undefined : prepareGrounding(deps, input);
  preparing?.catch(() => undefined);
  for (const m of input.unanswered) {
    if (!(await deps.conversations.claimMessage(c.tenantId, c.id, m.id, replyId))) return 'taken';
  }
  if (!preparing) return storeReply(deps, input, { ...STOP_CONFIRMATION, citations: [] }, 'text');
  const { setup, grounding } = await preparing;
  const request = buildReplyRequest(
    { ...input, ...(setup ? { setup } : {}), knowledge: grounding.context },
    deps.clock.now(),
  );
  let answer: Awaited<ReturnType<Deps['chatModel']['generateReply']>>;
  try {
    answer = await deps.chatModel.generateReply(request);
  } catch (error) {
    if (error instanceof ModelUnavailableError) {
      // No retry can help and no template answer may stand in: a person answers, an operator fixes the key.
      deps.logger.error('the chat model is unavailable; escalating instead of answering', {
        conversationRef: conversationRef(c.tenantId, c.id),
        error: error.message,
      });
      const reason = 'model_unavailable';
      await escalateWithoutReply(deps, { ...input, status: 'escalated', reason, summary: UNAVAILABLE_SUMMARY });
      return 'model_unavailable';
    }
    if (error instanceof MalformedModelOutputError) {
      // The adapter already asked again once: nothing malformed is sent, a person takes over.
      const reason = 'repeated_failure';
      await escalateWithoutReply(deps, { ...input, status: 'escalated', reason, summary: MALFORMED_SUMMARY });
      return 'escalated';
    }
    if (error instanceof ModelBusyError) return waitOrEscalate(deps, input, error);
    // Receives spent waiting out a busy model are not failed attempts.
    const waits = c.modelFault?.replyId === replyId ? c.modelFault.waits : 0;
    if (input.attempt - waits < MAX_GENERATION_ATTEMPTS) throw error;
    deps.logger.error('giving up on a reply after repeated failures', {
      conversationRef: conversationRef(c.tenantId, c.id),
      error: String(error),
    });
    const reason = 'repeated_failure';
    await escalateWithoutReply(deps, { ...input, status: 'failed', reason, summary: FAILED_SUMMARY });
    return 'failed';
  }
  return storeReply(
    deps,
    input,
    { ...answer, citations: citationsOf(grounding, answer.citations) },
    request.outputFormat,
  );
}

/**
 * A busy model: wait (recording when this reply's first fault was, and the wait) and throw
 * ReplyDeferredError, or, once the budget counted from that first fault is spent, escalate
 * `model_unavailable` with nothing sent to the prospect.
 */
async function waitOrEscalate(
  deps: GeneratorDeps,
  input: { ai: Ai; conversation: Conversation; unanswered: Message[]; replyId: string },
  error: ModelBusyError,
): Promise<'model_unavailable'> {
  const { conversation: c, replyId } = input;
  const now = deps.clock.now().getTime();
  const fault = c.modelFault?.replyId === replyId ? c.modelFault : undefined;
  const started = fault ? Date.parse(fault.since) : Number.NaN;
  const since = Number.isFinite(started) ? started : now;
  const budgetMs = deps.modelFaultBudgetMs ?? MODEL_FAULT_BUDGET_MS;
  const decision = decideModelFaultWait({
    since,
    now,
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    random: (deps.random ?? Math.random)(),
    budgetMs,
  });
  if (decision.wait) {
    const modelFault = { replyId, since: new Date(since).toISOString(), waits: (fault?.waits ?? 0) + 1 };
    await deps.conversations.updateConversation(c.tenantId, c.id, { modelFault });
    c.modelFault = modelFault;
    deps.logger.warn('the chat model is busy; the reply waits', {
      conversationRef: conversationRef(c.tenantId, c.id),
      waitSeconds: decision.seconds,
      waits: modelFault.waits,
      error: error.message,
    });
    throw new ReplyDeferredError(decision.seconds, { cause: error });
  }
  deps.logger.error('the chat model stayed busy for the whole wait budget; escalating instead of answering', {
    conversationRef: conversationRef(c.tenantId, c.id),
    budgetSeconds: budgetMs / 1000,
    error: error.message,
  });
  const summary = busySummary(budgetMs);
  await escalateWithoutReply(deps, { ...input, status: 'escalated', reason: 'model_unavailable', summary });
  return 'model_unavailable';
}

/** Never the provider's message. */
function busySummary(budgetMs: number): string {
  return `The chat model kept failing (rate limit, outage or timeouts) for ${describeBudget(budgetMs)}: nothing was sent to the prospect. Check the model provider's status and limits.`;
}

/** The sales setup and the knowledge a reply is grounded in. */
async function prepareGrounding(
  deps: GeneratorDeps,
  input: { ai: Ai; unanswered: Message[] },
): Promise<{ setup: SalesSetup | undefined; grounding: Grounding }> {
  const setup = await loadSetupOf(deps, input.ai);
  const grounding = await groundReply(deps, {
    ai: input.ai,
    setup,
    question: input.unanswered.map((m) => m.text).join('\n'),
  });
  return { setup, grounding };
}

const MALFORMED_SUMMARY = "The model's answer stayed malformed after a retry: nothing was sent to the prospect.";
/** Never the provider's message, which may quote part of the key. */
const UNAVAILABLE_SUMMARY =
  "The chat model is unavailable (Parley's model key is missing or was refused): nothing was sent to the prospect. The operator must set a valid key.";
const FAILED_SUMMARY = `Parley could not answer after ${MAX_GENERATION_ATTEMPTS} attempts: nothing was sent to the prospect.`;

/** What an opt-out ("STOP") gets instead of an answer: a confirmation, and no message after it. */
const STOP_CONFIRMATION = {
  text: 'You are unsubscribed: we will not contact you again. If you write to us, we will answer.',
  needsHuman: false,
  escalation: 'none',
  reason: null,
  followUpAt: null,
  language: 'en',
  confidence: 'high',
} as const satisfies Omit<ModelReply, 'citations'>;

/** Stores the reply under the claimed id; a twin worker's stored reply wins, so the prospect gets one answer. */
async function storeReply(
  deps: GeneratorDeps,
  input: { conversation: Conversation; unanswered: Message[]; replyId: string },
  answer: Omit<ModelReply, 'citations'> & { citations: Citation[] },
  outputFormat: OutputFormat,
): Promise<Message> {
  const { conversation: c, replyId } = input;
  const reply: Message = {
    tenantId: c.tenantId,
    conversationId: c.id,
    id: replyId,
    direction: 'outbound',
    kind: 'reply',
    // The model is untrusted: whatever markup it wrote, only the allowed tags reach the prospect.
    text: outputFormat === 'html' ? sanitizeHtml(answer.text) : answer.text,
    createdAt: deps.clock.now().toISOString(),
    inReplyTo: input.unanswered.map((m) => m.id),
    needsHuman: answer.needsHuman,
    escalation: answer.escalation,
    confidence: answer.confidence,
    citations: answer.citations,
    ...(answer.reason ? { reason: answer.reason } : {}),
    ...(answer.followUpAt ? { followUpAt: answer.followUpAt } : {}),
  };
  // Written for this life of the conversation: one erased meanwhile makes the write undo itself.
  if (await deps.conversations.putMessage(reply, { incarnation: c.incarnation ?? 0 })) return reply;
  // A twin worker stored this reply first: carry on with theirs so the prospect gets one answer.
  return (await deps.conversations.getMessage(c.tenantId, c.id, replyId)) ?? reply;
}

/** A sales AI's product, strategy and goal; nothing (and no read) for an AI that references none. */
export async function loadSetupOf(deps: Pick<Deps, 'setup'>, ai: Ai): Promise<SalesSetup | undefined> {
  if (ai.type !== 'sales' || !(ai.productId || ai.strategyId || ai.goalId)) return undefined;
  return loadSalesSetup(deps, ai);
}

/** The setup items as the model sees them: what the business wrote, without ids or timestamps. */
function toSalesContext(setup: SalesSetup): SalesContext {
  const { product, strategy, goal } = setup;
  return {
    ...(product
      ? {
          product: {
            name: product.name,
            description: product.description,
            ...(product.price ? { price: product.price } : {}),
          },
        }
      : {}),
    ...(strategy
      ? {
          strategy: {
            name: strategy.name,
            instructions: strategy.instructions,
            ...(strategy.tone ? { tone: strategy.tone } : {}),
          },
        }
      : {}),
    ...(goal ? { goal: { name: goal.name, description: goal.description, goalUrl: goal.goalUrl } } : {}),
  };
}

function toTurn(m: Message): Turn {
  const role = m.direction === 'inbound' ? 'prospect' : m.kind === 'human' ? 'human' : 'assistant';
  return { role, text: m.text, at: m.createdAt };
}

/**
 * What the model sees: the AI (with a sales AI's product, strategy and goal, from loadSalesSetup),
 * the contact, recent history, and the messages to answer.
 */
export function buildReplyRequest(
  input: {
    ai: Ai;
    conversation: Conversation;
    messages: Message[];
    unanswered: Message[];
    setup?: SalesSetup;
    knowledge?: KnowledgeContext;
  },
  now: Date,
): ReplyRequest {
  const { ai, conversation: c, setup } = input;
  const pendingIds = new Set(input.unanswered.map((m) => m.id));
  return buildReplyRequestFromTurns(
    {
      ai,
      ...(setup ? { setup } : {}),
      contact: c.contact,
      ...(c.channel ? { channel: c.channel } : {}),
      ...(c.outputFormat ? { outputFormat: c.outputFormat } : {}),
      history: input.messages.filter((m) => !pendingIds.has(m.id)).map(toTurn),
      pending: input.unanswered.map(toTurn),
      ...(input.knowledge ? { knowledge: input.knowledge } : {}),
    },
    now,
  );
}

/** Times the prospect mentions are read in their timezone, else in the one the AI (or its strategy) follows up in. */
function withTimeZone(contact: Contact, fallback: string | undefined): Contact {
  return contact.timezone || !fallback ? contact : { ...contact, timezone: fallback };
}

/**
 * The same request as buildReplyRequest, from turns rather than stored messages (testing responses
 * has no conversation). Only the last MAX_HISTORY_MESSAGES turns of history are kept; the output
 * format defaults to the AI's.
 */
export function buildReplyRequestFromTurns(
  input: {
    ai: Ai;
    setup?: SalesSetup;
    contact: Contact;
    channel?: Channel;
    outputFormat?: OutputFormat;
    history: Turn[];
    pending: Turn[];
    knowledge?: KnowledgeContext;
  },
  now: Date,
): ReplyRequest {
  const { ai, setup, knowledge } = input;
  return {
    ai: {
      name: ai.name,
      type: ai.type,
      ...(ai.instructions ? { instructions: ai.instructions } : {}),
      ...(ai.language ? { language: ai.language } : {}),
    },
    ...(ai.type === 'sales' && setup ? { sales: toSalesContext(setup) } : {}),
    ...(knowledge && (knowledge.corrections.length > 0 || knowledge.passages.length > 0) ? { knowledge } : {}),
    contact: withTimeZone(input.contact, ai.followUp?.timezone ?? setup?.strategy?.followUp?.timezone),
    ...(input.channel ? { channel: input.channel } : {}),
    outputFormat: input.outputFormat ?? ai.outputFormat,
    history: input.history.slice(-MAX_HISTORY_MESSAGES),
    pending: input.pending,
    now: now.toISOString(),
  };
}
