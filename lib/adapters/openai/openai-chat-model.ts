/**
 * The chat model on OpenAI's Chat Completions API (or any OpenAI-compatible base URL), asking for
 * Structured Outputs in Parley's reply wire schema (reply-wire-schema.ts), which also validates
 * what comes back and maps it to the domain's reply.
 */
import type OpenAI from 'openai';
import { askUntilWellFormed } from '#lib/adapters/malformed-retries';
import { openAiClient } from '#lib/adapters/openai/openai-client';
import { buildReplyJsonSchema, parseReplyWire } from '#lib/adapters/openai/reply-wire-schema';
import type { ChatModel, ChatModelReply, TokenUsage } from '#lib/ports/chat-model';
import {
  MalformedModelOutputError,
  ModelBusyError,
  ModelUnavailableError,
  type ModelReply,
  type ReplyRequest,
} from '#lib/domain/reply';
import { buildChatMessages } from '#lib/domain/prompt';

export { MALFORMED_OUTPUT_RETRIES } from '#lib/adapters/malformed-retries';

/** Low, so the same question gets much the same answer, without being fully greedy. */
export const REPLY_TEMPERATURE = 0.2;

export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * None: the SDK would retry a 429 or 5xx by sleeping in the Lambda. A fault is reported at once as
 * ModelBusyError, and the caller waits it out off the Lambda (the generation record's visibility,
 * a re-armed timer), honouring the provider's `Retry-After`.
 */
export const SDK_MAX_RETRIES = 0;

/** Statuses that may clear up by themselves (the SDK's own retry list): timeout, conflict, rate limit. */
const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 409, 429]);

const RESPONSE_FORMAT_NAME = 'parley_reply';

export interface OpenAiChatModelOptions {
  model: string;
  /** A ready client (tests, or a shared one); otherwise one is built from the options below. */
  client?: OpenAI;
  apiKey?: string;
  baseUrl?: string;
  timeoutMs?: number;
}

export class OpenAiChatModel implements ChatModel {
  /** The SDK client, imported and built on the first request (openai-client.ts says why). */
  private readonly client: () => Promise<OpenAI>;
  private readonly model: string;
  private readonly responseFormat: OpenAI.ResponseFormatJSONSchema;

  constructor(options: OpenAiChatModelOptions) {
    this.model = options.model;
    this.client = openAiClient(options.client, {
      apiKey: options.apiKey,
      baseURL: options.baseUrl,
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxRetries: SDK_MAX_RETRIES,
    });
    this.responseFormat = {
      type: 'json_schema',
      json_schema: { name: RESPONSE_FORMAT_NAME, strict: true, schema: buildReplyJsonSchema() },
    };
  }

  /**
   * Asks the model for one structured reply. A malformed answer is asked for again
   * `MALFORMED_OUTPUT_RETRIES` times, then reported as MalformedModelOutputError. A refused key
   * (401, 403) is ModelUnavailableError; a rate limit, server error, timeout or dropped connection
   * is ModelBusyError (with the provider's `Retry-After`); other errors propagate as the SDK's.
   */
  async generateReply(request: ReplyRequest): Promise<ChatModelReply> {
    const messages = buildChatMessages(request);
    return askUntilWellFormed(
      async () =>
        (await this.client()).chat.completions
          .create({
            model: this.model,
            messages,
            temperature: REPLY_TEMPERATURE,
            response_format: this.responseFormat,
          })
          .catch(rethrowModelFault),
      (completion) => usageOf(completion.usage),
      readReply,
    );
  }
}

/**
 * 401 and 403 mean the key is missing, wrong, revoked or not allowed this model: no retry helps,
 * an operator must act. The SDK's message is kept as the cause only, as it quotes part of the key.
 */
async function rethrowModelFault(error: unknown): Promise<never> {
  // The SDK's error classes, from the module that threw: loaded by now (the request went through
  // it), whereas a static import would load the SDK at every cold start.
  const { OpenAI } = await import('openai');
  if (error instanceof OpenAI.AuthenticationError || error instanceof OpenAI.PermissionDeniedError) {
    throw new ModelUnavailableError(`the model's provider refused the key (HTTP ${error.status})`, { cause: error });
  }
  if (error instanceof OpenAI.APIConnectionError) {
    // Timeouts (APIConnectionTimeoutError) included: nothing came back, so nothing says how long to wait.
    throw new ModelBusyError(`the model's provider could not be reached (${error.name})`, { cause: error });
  }
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    if (TRANSIENT_STATUSES.has(error.status) || error.status >= 500) {
      const retryAfterMs = retryAfterMsOf(error.headers);
      throw new ModelBusyError(`the model's provider answered HTTP ${error.status}`, {
        cause: error,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    }
  }
  throw error;
}

/**
 * How long the provider asked us to wait: `retry-after-ms` (OpenAI's), else `Retry-After` in
 * seconds or as an HTTP date; undefined when absent or unreadable.
 */
export function retryAfterMsOf(headers: Pick<Headers, 'get'> | undefined, now = Date.now()): number | undefined {
  const millis = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(millis) && millis >= 0) return millis;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value.trim());
  if (value.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** One completion's token count (absent on some compatible servers). */
function usageOf(usage: OpenAI.CompletionUsage | undefined): TokenUsage | undefined {
  return usage && { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens };
}

/** Extracts and validates the reply of a completion; throws MalformedModelOutputError if unusable. */
function readReply(completion: OpenAI.ChatCompletion): ModelReply {
  const choice = completion.choices[0];
  if (!choice) throw new MalformedModelOutputError('completion has no choices');
  const { content, refusal } = choice.message;
  if (refusal) throw new MalformedModelOutputError('model refused to answer');
  if (!content)
    throw new MalformedModelOutputError(`completion has no content (finish_reason ${choice.finish_reason})`);
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch {
    throw new MalformedModelOutputError(`model output is not JSON (finish_reason ${choice.finish_reason})`);
  }
  return parseReplyWire(raw);
}
