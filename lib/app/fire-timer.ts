/**
 * A timer fires: the follow-up the prospect asked for, or a nudge after they went quiet, written
 * by the chat model from the conversation so far and delivered to the follow-up webhook.
 */
import { conversationRef } from '#lib/domain/conversation-ref';
import { escalationFor } from '#lib/domain/escalation';
import { contactTimeZone, nextNudge, resolveEmergencySettings, timerName } from '#lib/domain/follow-up-policy';
import { decideModelFaultWait, describeBudget, MODEL_FAULT_BUDGET_MS } from '#lib/domain/model-faults';
import { isUnanswered } from '#lib/domain/messages';
import { timedId } from '#lib/domain/timed-id';
import type { Ai, Conversation, FollowUpSettings, Message } from '#lib/domain/types';
import { buildWebhookPayload } from '#lib/domain/webhook-payload';
import type { TimerPayload } from '#lib/ports/timers';
import { armTimer, followUpSettingsOf, forgetTimer } from '#lib/app/conversation-timers';
import { createDelivery, deriveId } from '#lib/app/create-delivery';
import { notifyEscalation } from '#lib/app/finish-reply';
import { buildReplyRequest, loadSetupOf, type ModelReplyDeps } from '#lib/app/generate-reply';
import { flagForPerson } from '#lib/app/needs-human';
import { ModelBusyError, ModelUnavailableError } from '#lib/domain/reply';
import { sanitizeHtml } from '#lib/domain/safe-html';

/**
 * `model_unavailable`: nothing was sent because the chat model has no usable credentials, or stayed
 * busy for the whole wait budget; a person was called. `waiting`: the model is busy (429, 5xx, a
 * timeout), and a timer is armed to try again after a wait.
 */
export type TimerOutcome = 'sent' | 'stale' | 'skipped' | 'model_unavailable' | 'waiting';

type FireDeps = ModelReplyDeps;

/**
 * Sends the timer's follow-up or nudge, once: a timer older than the conversation (the prospect
 * wrote, a person took over, the conversation closed) does nothing, and the message's id is
 * derived from the timer, so a second firing (a retry, a duplicate) finds it and sends nothing new.
 */
export async function fireTimer(deps: FireDeps, payload: TimerPayload): Promise<TimerOutcome> {
  const { tenantId, conversationId, kind } = payload;
  const conversation = await deps.conversations.getConversation(tenantId, conversationId);
  if (!conversation || (conversation.version ?? 0) !== payload.version || conversation.status !== 'active') {
    return 'stale';
  }
  const ai = await deps.ais.getAi(tenantId, conversation.aiId);
  if (!ai) return 'stale';
  const settings = await followUpSettingsOf(deps, ai);
  const messageId = timedId(
    'msg',
    new Date(payload.at),
    `${conversationId}\n${kind}\n${payload.version}\n${payload.at}`,
  );
  const messages = await deps.conversations.listMessages(tenantId, conversationId);
  let message = messages.find((m) => m.id === messageId);
  if (!message) {
    const nudgesLeft = kind === 'follow_up' || nudgesSinceProspectWrote(messages) < settings.maxNudges;
    if (!settings.enabled || !nudgesLeft || messages.some(isUnanswered)) {
      await forgetTimer(deps, conversation, payload);
      return 'skipped';
    }
    try {
      message = await writeMessage(deps, { ai, conversation, messages, messageId, kind });
    } catch (error) {
      if (error instanceof ModelBusyError && (await waitForModel(deps, payload, error))) return 'waiting';
      if (!(error instanceof ModelUnavailableError || error instanceof ModelBusyError)) throw error;
      await escalateUnwritten(deps, { ai, conversation, messages, messageId, kind, error, budgetMs: budgetOf(deps) });
      await forgetTimer(deps, conversation, payload);
      return 'model_unavailable';
    }
    messages.push(message);
  }
  const lastInbound = messages.findLast((m) => m.direction === 'inbound');
  await deliver(deps, {
    ai,
    conversation,
    message,
    kind,
    ...(lastInbound ? { inboundMessageId: lastInbound.id } : {}),
  });
  await forgetTimer(deps, conversation, payload);
  if (kind === 'dropoff') {
    await scheduleNextNudge(deps, { conversation, settings, message, nudgesSent: nudgesSinceProspectWrote(messages) });
  }
  return 'sent';
}

function budgetOf(deps: Pick<FireDeps, 'modelFaultBudgetMs'>): number {
  return deps.modelFaultBudgetMs ?? MODEL_FAULT_BUDGET_MS;
}

/**
 * A busy model: arms a one-time timer with the same payload (so the message it writes keeps its
 * id) to try again after the wait, and returns true; false once the budget, counted from the
 * first fault, is spent. A timer rather than a throw: Lambda's async retries (two, within about
 * three minutes, on a schedule of Lambda's) would give up long before the budget, and could not
 * honour the provider's `Retry-After`.
 * The retry timer is not listed in the conversation's `scheduled`: if the prospect writes or a
 * person takes over meanwhile, the version it carries makes it do nothing.
 */
async function waitForModel(deps: FireDeps, payload: TimerPayload, error: ModelBusyError): Promise<boolean> {
  const now = deps.clock.now();
  const started = payload.modelFaultSince ? Date.parse(payload.modelFaultSince) : Number.NaN;
  const since = Number.isFinite(started) ? started : now.getTime();
  const decision = decideModelFaultWait({
    since,
    now: now.getTime(),
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    random: (deps.random ?? Math.random)(),
    budgetMs: budgetOf(deps),
  });
  if (!decision.wait) return false;
  const at = new Date(now.getTime() + decision.seconds * 1000);
  const base = timerName(payload.kind, payload.tenantId, payload.conversationId);
  await deps.timers.schedule({
    // Its own name each time: a one-time schedule deletes itself after it fires.
    name: `${base}.retry.${at.getTime()}`,
    at,
    payload: { ...payload, modelFaultSince: new Date(since).toISOString() },
  });
  deps.logger.warn('the chat model is busy; the timer tries again later', {
    kind: payload.kind,
    waitSeconds: decision.seconds,
    error: error.message,
  });
  return true;
}

/**
 * The chat model cannot write the follow-up or nudge: no template stands in for it. The emergency
 * webhook (whatever the AI's triggers say) and the event bus hear of it once per timer (ids
 * derived from the message the timer would have sent), and no further nudge is armed: the
 * prospect's next message, or a person, picks the conversation up.
 */
async function escalateUnwritten(
  deps: FireDeps,
  input: {
    ai: Ai;
    conversation: Conversation;
    messages: Message[];
    messageId: string;
    kind: TimerPayload['kind'];
    error: ModelUnavailableError | ModelBusyError;
    budgetMs: number;
  },
): Promise<void> {
  const { ai, conversation: c, kind } = input;
  deps.logger.error('the chat model is unavailable; a timer sent nothing', {
    conversationRef: conversationRef(c.tenantId, c.id),
    kind,
    error: input.error.message,
  });
  const what = kind === 'follow_up' ? 'the follow-up the prospect asked for' : 'a nudge after the prospect went quiet';
  const summary =
    input.error instanceof ModelBusyError
      ? `The chat model kept failing (rate limit, outage or timeouts) for ${describeBudget(input.budgetMs)}, so ${what} was not sent. Check the model provider's status and limits.`
      : `The chat model is unavailable (Parley's model key is missing or was refused), so ${what} was not sent. The operator must set a valid key.`;
  const escalation = escalationFor('model_unavailable', resolveEmergencySettings(ai), summary);
  if (!escalation) return;
  await flagForPerson(deps, c);
  const lastInbound = input.messages.findLast((m) => m.direction === 'inbound');
  await notifyEscalation(deps, {
    ai,
    conversation: c,
    escalation,
    causeId: input.messageId,
    messageId: lastInbound?.id ?? input.messageId,
    ...(lastInbound ? { inboundMessageId: lastInbound.id } : {}),
    question: '',
    detail: { timer: kind },
  });
}

/**
 * Nudges since the prospect (or a person) last wrote, counted from the messages themselves, so a
 * retried timer can never count one nudge twice.
 */
function nudgesSinceProspectWrote(messages: readonly Message[]): number {
  let nudges = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (!m || m.direction === 'inbound' || m.kind === 'human') break;
    if (m.kind === 'nudge') nudges++;
  }
  return nudges;
}

async function writeMessage(
  deps: FireDeps,
  input: { ai: Ai; conversation: Conversation; messages: Message[]; messageId: string; kind: TimerPayload['kind'] },
): Promise<Message> {
  const { ai, conversation: c } = input;
  const setup = await loadSetupOf(deps, ai);
  const request = {
    ...buildReplyRequest(
      { ai, conversation: c, messages: input.messages, unanswered: [], ...(setup ? { setup } : {}) },
      deps.clock.now(),
    ),
    task: input.kind === 'follow_up' ? ('follow_up' as const) : ('nudge' as const),
  };
  const answer = await deps.chatModel.generateReply(request);
  const message: Message = {
    tenantId: c.tenantId,
    conversationId: c.id,
    id: input.messageId,
    direction: 'outbound',
    kind: input.kind === 'follow_up' ? 'follow_up' : 'nudge',
    text: request.outputFormat === 'html' ? sanitizeHtml(answer.text) : answer.text,
    createdAt: deps.clock.now().toISOString(),
    confidence: answer.confidence,
  };
  if (await deps.conversations.putMessage(message, { incarnation: c.incarnation ?? 0 })) return message;
  return (await deps.conversations.getMessage(c.tenantId, c.id, input.messageId)) ?? message;
}

/** To the follow-up webhook (the conversation's, else the AI's), else the answer webhook. */
async function deliver(
  deps: FireDeps,
  input: {
    ai: Ai;
    conversation: Conversation;
    message: Message;
    kind: TimerPayload['kind'];
    inboundMessageId?: string;
  },
): Promise<void> {
  const { ai, conversation: c, message } = input;
  const type = input.kind === 'follow_up' ? 'follow_up.sent' : 'dropoff.sent';
  const url = c.webhooks?.followUpUrl ?? ai.webhooks.followUpUrl ?? c.webhooks?.answerUrl ?? ai.webhooks.answerUrl;
  const eventId = deriveId('evt', message.id);
  const deliveryId = deriveId('dlv', message.id);
  await createDelivery(deps, {
    tenantId: c.tenantId,
    deliveryId,
    url,
    payload: buildWebhookPayload({
      type,
      eventId,
      createdAt: message.createdAt,
      conversation: c,
      messageId: message.id,
      reply: message.text,
      question: '',
      ...(input.inboundMessageId ? { inboundMessageId: input.inboundMessageId } : {}),
    }),
    delaySeconds: 0,
  });
  await deps.events.publish([
    {
      type,
      id: eventId,
      tenantId: c.tenantId,
      occurredAt: message.createdAt,
      detail: {
        ai_id: ai.id,
        conversation_id: c.id,
        message_id: message.id,
        event_id: eventId,
        delivery_id: deliveryId,
      },
    },
  ]);
}

/** Arms the next nudge while the AI's limit allows (same version: still the same silence). */
async function scheduleNextNudge(
  deps: FireDeps,
  input: { conversation: Conversation; settings: FollowUpSettings; message: Message; nudgesSent: number },
): Promise<void> {
  const { conversation: c, settings, nudgesSent } = input;
  const next = nextNudge({
    now: new Date(input.message.createdAt),
    settings,
    timeZone: contactTimeZone(c.contact.timezone, settings),
    nudgesSent,
  });
  if (next) await armTimer(deps, c, { kind: 'dropoff', at: next });
}
