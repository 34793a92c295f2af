/**
 * What the generator asks a chat model for, and the one structured reply every model (OpenAI or
 * offline) returns. A model's own output format (OpenAI's JSON, lib/adapters/openai/reply-wire-schema.ts)
 * is validated and mapped to it by its adapter: nothing malformed reaches a prospect.
 */
import type { ConfidenceLevel } from '#lib/domain/confidence';
import { nameErrors, ParleyError } from '#lib/domain/errors';
import type { AiType, Channel, Contact, ModelEscalation, OutputFormat } from '#lib/domain/types';

/** One earlier turn of the conversation, as the model sees it. */
export interface Turn {
  role: 'prospect' | 'assistant' | 'human';
  text: string;
  at: string;
}

/**
 * What a sales AI works from, as the business wrote it: trusted instructions, unlike prospect text.
 * Items the AI does not reference (or that were deleted) are left out.
 */
export interface SalesContext {
  product?: { name: string; description: string; price?: string };
  strategy?: { name: string; instructions: string; tone?: string };
  goal?: { name: string; description: string; goalUrl: string };
}

/**
 * What the business's knowledge says about the question, numbered so the model can cite what it
 * used. Corrections (a person's answer to a close question) come first; the model uses one only
 * when it answers the question asked.
 */
export interface KnowledgeContext {
  corrections: {
    ref: number;
    question: string;
    answer: string;
    /**
     * How close the corrected question is lexically to the prospect's, 0 … 1 (see
     * lib/domain/knowledge/corrections.ts); the offline model applies its threshold to it. Not
     * shown to a real model, which judges the questions themselves.
     */
    closeness?: number;
  }[];
  passages: { ref: number; title: string; headingPath: string[]; text: string }[];
}

/**
 * What the model is asked to write: an answer to the pending messages, a follow-up the prospect
 * asked for (at the time they asked), or a nudge after the prospect went quiet.
 */
export type ReplyTask = 'answer' | 'follow_up' | 'nudge';

export interface ReplyRequest {
  /** `answer` when absent. Follow-ups and nudges have no pending messages. */
  task?: ReplyTask;
  ai: {
    name: string;
    type: AiType;
    instructions?: string;
    language?: string;
  };
  /** Sales AIs only: the product, strategy and goal the AI references. */
  sales?: SalesContext;
  /** Retrieved for the pending messages; absent or empty when the AI has no knowledge that matches. */
  knowledge?: KnowledgeContext;
  contact: Contact;
  channel?: Channel;
  outputFormat: OutputFormat;
  /** Earlier turns, oldest first, already answered. */
  history: Turn[];
  /** The prospect's unanswered messages, oldest first: the reply answers all of them. */
  pending: Turn[];
  /** Current time, ISO-8601 UTC: lets the model resolve "tomorrow at 3pm". */
  now: string;
}

/** What a chat model answers: the message for the prospect and its decisions about it. */
export interface ModelReply {
  /** The message to send the prospect; never empty. */
  text: string;
  /** A person should take over or check this conversation. */
  needsHuman: boolean;
  /** Why a person is needed, else null. */
  reason: string | null;
  /** ISO-8601 time the prospect asked to be contacted again, else null. */
  followUpAt: string | null;
  /** BCP-47 code of the language the reply is written in; null when the model does not say. */
  language: string | null;
  confidence: ConfidenceLevel;
  escalation: ModelEscalation;
  /** Numbers of the knowledge entries (corrections and passages) the reply used. */
  citations: number[];
}

/** The model answered, but not with a reply that fits the reply schema. */
export class MalformedModelOutputError extends ParleyError {}

/**
 * The chat model cannot be used at all: it has no credentials (the deployed stack's OpenAI secret
 * is empty) or its provider refuses them (401, 403). Asking again cannot help until an operator
 * fixes the configuration, so the generator escalates at once with reason `model_unavailable`
 * instead of retrying. Transient faults (429, 5xx, timeouts) are not this error.
 */
export class ModelUnavailableError extends ParleyError {}

/**
 * The chat model could not answer this time, but may in a moment: a rate limit (429), a server
 * error (5xx), a timeout or a dropped connection. The caller waits it out (honouring
 * `retryAfterMs`, the provider's `Retry-After` or `retry-after-ms`) within MODEL_FAULT_BUDGET_MS,
 * then escalates `model_unavailable`. The provider's message is kept as the cause only.
 */
export class ModelBusyError extends ParleyError {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
  }
}

nameErrors({ MalformedModelOutputError, ModelUnavailableError, ModelBusyError });
