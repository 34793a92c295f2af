import { MAX_GENERATION_ATTEMPTS, MAX_HISTORY_MESSAGES } from '#lib/domain/limits';
import {
  type KnowledgeContext,
  MalformedModelOutputError,
  type ReplyRequest,
  type SalesContext,
  type Turn,
} from '#lib/domain/reply';
import { sanitizeHtml } from '#lib/domain/safe-html';
import type { Ai, Channel, Contact, Conversation, Message, OutputFormat } from '#lib/domain/types';
import { buildWebhookPayload } from '#lib/domain/webhook-payload';
import type { DomainEvent, GenerationJob } from '#lib/ports';
import { createDelivery, deriveId } from '#lib/app/create-delivery';
import type { Deps } from '#lib/app/deps';
import { citationsOf, groundReply } from '#lib/app/knowledge/ground-reply';
import { recordKnowledgeGap } from '#lib/app/knowledge/knowledge-gaps';
import { loadSalesSetup, type SalesSetup } from '#lib/app/setup';

export type GenerationOutcome = 'answered' | 'escalated' | 'nothing_to_do' | 'failed';

type GeneratorDeps = Pick<
  Deps,
  | 'store'
  | 'chatModel'
  | 'deliveryQueue'
  | 'events'
  | 'clock'
  | 'ids'
  | 'logger'
  | 'blobs'
  | 'embedder'
  | 'knowledgeIndex'
>;

const isUnanswered = (m: Message) => m.direction === 'inbound' && (m.status === 'queued' || m.status === 'answering');

/**
 * Answers every unanswered inbound message of a conversation with one reply, and hands the reply
 * to delivery. Safe to run any number of times for the same messages: the reply id is claimed on
 * the messages before the model is called, so a retry resumes the same reply (regenerating it only
 * if it was never stored) and a queue record for messages already answered is a no-op.
 *
 * @param job.attempt how many times this job has been tried (SQS's receive count)
 */
export async function generateReply(
  deps: GeneratorDeps,
  job: GenerationJob & { attempt: number },
): Promise<GenerationOutcome> {
  const { tenantId, conversationId } = job;
  const conversation = await deps.store.getConversation(tenantId, conversationId);
  if (!conversation) {
    deps.logger.warn('generation job for a missing conversation', { tenantId, conversationId });
    return 'nothing_to_do';
  }
  let outcome: GenerationOutcome = 'nothing_to_do';
  // A resumed reply may cover only some unanswered messages; then a second round answers the rest.
  for (let round = 0; round < 3; round++) {
    const messages = await deps.store.listMessages(tenantId, conversationId);
    const unanswered = messages.filter(isUnanswered);
    if (unanswered.length === 0) return outcome;
    const ai = await deps.store.getAi(tenantId, conversation.aiId);
    if (!ai) {
      deps.logger.warn('conversation AI was deleted; its messages cannot be answered', { tenantId, conversationId });
      await settleAll(deps, conversation, unanswered, 'failed');
      return 'failed';
    }
    const replyId = unanswered.find((m) => m.replyId)?.replyId ?? deps.ids.newId('msg');
    let reply = messages.find((m) => m.id === replyId);
    if (!reply) {
      const written = await writeReply(deps, { ai, conversation, messages, unanswered, replyId, attempt: job.attempt });
      if (written === 'taken') return outcome;
      if (written === 'failed' || written === 'escalated') return written;
      reply = written;
    }
    await finishReply(deps, { ai, conversation, reply, unanswered });
    outcome = 'answered';
    // Messages that arrived meanwhile have queue records of their own, behind this one.
    if (unanswered.every((m) => reply.inReplyTo?.includes(m.id))) return outcome;
  }
  return outcome;
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
): Promise<Message | 'taken' | 'failed' | 'escalated'> {
  const { conversation: c, replyId } = input;
  for (const m of input.unanswered) {
    if (!(await deps.store.claimMessage(c.tenantId, c.id, m.id, replyId))) return 'taken';
  }
  const setup = await loadSetupOf(deps, input.ai);
  const grounding = await groundReply(deps, {
    ai: input.ai,
    setup,
    question: input.unanswered.map((m) => m.text).join('\n'),
  });
  const request = buildReplyRequest(
    { ...input, ...(setup ? { setup } : {}), knowledge: grounding.context },
    deps.clock.now(),
  );
  let answer: Awaited<ReturnType<Deps['chatModel']['generateReply']>>;
  try {
    answer = await deps.chatModel.generateReply(request);
  } catch (error) {
    if (error instanceof MalformedModelOutputError) {
      // The adapter already asked again once: nothing malformed is sent, a person takes over.
      await escalateWithoutReply(deps, { ...input, reason: 'model_output_malformed' });
      return 'escalated';
    }
    if (input.attempt < MAX_GENERATION_ATTEMPTS) throw error;
    deps.logger.error('giving up on a reply after repeated failures', { conversationId: c.id, error: String(error) });
    await settleAll(deps, c, input.unanswered, 'failed');
    return 'failed';
  }
  const reply: Message = {
    tenantId: c.tenantId,
    conversationId: c.id,
    id: replyId,
    direction: 'outbound',
    kind: 'reply',
    // The model is untrusted: whatever markup it wrote, only the allowed tags reach the prospect.
    text: request.outputFormat === 'html' ? sanitizeHtml(answer.reply) : answer.reply,
    createdAt: deps.clock.now().toISOString(),
    inReplyTo: input.unanswered.map((m) => m.id),
    needsHuman: answer.needs_human,
    confidence: answer.confidence,
    citations: citationsOf(grounding, answer.citations),
    ...(answer.reason ? { reason: answer.reason } : {}),
  };
  if (await deps.store.putMessage(reply)) return reply;
  // A twin worker stored this reply first: carry on with theirs so the prospect gets one answer.
  return (await deps.store.getMessage(c.tenantId, c.id, replyId)) ?? reply;
}

/**
 * Queues the reply's webhook (and the emergency one), publishes the domain events, then marks the
 * messages answered. The events go out before the messages are marked so that a crash in between
 * publishes them again on the retry rather than never: events are at-least-once, with stable ids.
 */
async function finishReply(
  deps: GeneratorDeps,
  input: { ai: Ai; conversation: Conversation; reply: Message; unanswered: Message[] },
): Promise<void> {
  const { ai, conversation: c, reply } = input;
  const covered = input.unanswered.filter((m) => reply.inReplyTo?.includes(m.id));
  const common = {
    createdAt: reply.createdAt,
    conversation: c,
    messageId: reply.id,
    reply: reply.text,
    question: covered.map((m) => m.text).join('\n\n'),
    citations: reply.citations ?? [],
  };
  await createDelivery(deps, {
    tenantId: c.tenantId,
    deliveryId: deriveId('dlv', reply.id),
    url: c.webhooks?.answerUrl ?? ai.webhooks.answerUrl,
    payload: buildWebhookPayload({ ...common, type: 'message.answered', eventId: deriveId('evt', reply.id) }),
    delaySeconds: ai.replyDelaySeconds,
  });
  const emergencyUrl = reply.needsHuman ? ai.webhooks.emergencyUrl : undefined;
  if (emergencyUrl) {
    await createDelivery(deps, {
      tenantId: c.tenantId,
      deliveryId: deriveId('dlv', reply.id, 'esc'),
      url: emergencyUrl,
      payload: buildWebhookPayload({
        ...common,
        type: 'conversation.escalated',
        eventId: deriveId('evt', reply.id, 'esc'),
        reason: reply.reason ?? 'needs_human',
      }),
      delaySeconds: 0,
    });
  }
  await deps.events.publish(replyEvents({ ...input, covered, emergencyNotified: emergencyUrl !== undefined }));
  const gap = reply.needsHuman
    ? 'escalated'
    : reply.confidence === 'low' && (reply.citations ?? []).length === 0
      ? 'ungrounded'
      : undefined;
  if (gap)
    await recordKnowledgeGap(deps, { ai, conversation: c, message: reply, question: common.question, reason: gap });
  const at = deps.clock.now().toISOString();
  for (const m of covered) {
    await deps.store.settleMessage(c.tenantId, c.id, m.id, {
      status: 'answered',
      replyId: reply.id,
      answer: reply.text,
      at,
    });
  }
}

/**
 * The domain events of a finished reply, carrying the ids of the webhooks that announce it so that
 * consumers can correlate the two. Ids only: the reply, the question and the model's reason (free
 * text that may quote the prospect) stay out of the event bus.
 */
function replyEvents(input: {
  ai: Ai;
  conversation: Conversation;
  reply: Message;
  covered: Message[];
  emergencyNotified: boolean;
}): DomainEvent[] {
  const { ai, conversation: c, reply } = input;
  const common = { tenantId: c.tenantId, occurredAt: reply.createdAt };
  const detail = {
    ai_id: ai.id,
    conversation_id: c.id,
    message_id: reply.id,
    in_reply_to: input.covered.map((m) => m.id),
  };
  const answered = { event_id: deriveId('evt', reply.id), delivery_id: deriveId('dlv', reply.id) };
  const events: DomainEvent[] = [
    { ...common, type: 'message.answered', id: answered.event_id, detail: { ...detail, ...answered } },
  ];
  if (reply.needsHuman) {
    const escalated = { event_id: deriveId('evt', reply.id, 'esc'), delivery_id: deriveId('dlv', reply.id, 'esc') };
    events.push({
      ...common,
      type: 'conversation.escalated',
      id: escalated.event_id,
      // Without an emergency URL there is no webhook to point at; the event alone tells of the escalation.
      detail: { ...detail, ...(input.emergencyNotified ? escalated : {}) },
    });
  }
  return events;
}

/**
 * When no reply can be sent (the model's output stayed malformed): the prospect gets nothing, the
 * emergency webhook (if any) and the event bus hear of it, and the messages are marked escalated.
 * Ids derive from the claimed reply id, so a retry sends no second notification.
 */
async function escalateWithoutReply(
  deps: GeneratorDeps,
  input: { ai: Ai; conversation: Conversation; unanswered: Message[]; replyId: string; reason: string },
): Promise<void> {
  const { ai, conversation: c, replyId, reason } = input;
  const eventId = deriveId('evt', replyId, 'esc');
  const deliveryId = deriveId('dlv', replyId, 'esc');
  const createdAt = deps.clock.now().toISOString();
  const lastMessage = input.unanswered.at(-1);
  if (ai.webhooks.emergencyUrl && lastMessage) {
    await createDelivery(deps, {
      tenantId: c.tenantId,
      deliveryId,
      url: ai.webhooks.emergencyUrl,
      payload: buildWebhookPayload({
        type: 'conversation.escalated',
        eventId,
        createdAt,
        conversation: c,
        messageId: lastMessage.id,
        reply: '',
        question: input.unanswered.map((m) => m.text).join('\n\n'),
        reason,
      }),
      delaySeconds: 0,
    });
  }
  if (lastMessage) {
    await recordKnowledgeGap(deps, {
      ai,
      conversation: c,
      message: lastMessage,
      question: input.unanswered.map((m) => m.text).join('\n\n'),
      reason: 'escalated',
    });
  }
  await deps.events.publish([
    {
      type: 'conversation.escalated',
      id: eventId,
      tenantId: c.tenantId,
      occurredAt: createdAt,
      detail: {
        ai_id: ai.id,
        conversation_id: c.id,
        message_ids: input.unanswered.map((m) => m.id),
        reason,
        ...(ai.webhooks.emergencyUrl ? { event_id: eventId, delivery_id: deliveryId } : {}),
      },
    },
  ]);
  await settleAll(deps, c, input.unanswered, 'escalated');
}

async function settleAll(
  deps: GeneratorDeps,
  c: Conversation,
  messages: Message[],
  status: 'failed' | 'escalated',
): Promise<void> {
  const at = deps.clock.now().toISOString();
  for (const m of messages) await deps.store.settleMessage(c.tenantId, c.id, m.id, { status, at });
}

/** A sales AI's product, strategy and goal; nothing (and no read) for an AI that references none. */
export async function loadSetupOf(deps: Pick<Deps, 'store'>, ai: Ai): Promise<SalesSetup | undefined> {
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
    contact: input.contact,
    ...(input.channel ? { channel: input.channel } : {}),
    outputFormat: input.outputFormat ?? ai.outputFormat,
    history: input.history.slice(-MAX_HISTORY_MESSAGES),
    pending: input.pending,
    now: now.toISOString(),
  };
}
