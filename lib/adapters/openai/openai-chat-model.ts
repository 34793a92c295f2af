/**
 * The chat model on OpenAI's Chat Completions API (or any OpenAI-compatible base URL), asking for
 * Structured Outputs in Parley's reply wire schema (reply-wire-schema.ts), which also validates
 * what comes back and maps it to the domain's reply.
 */
import type OpenAI from 'openai';
import { openAiClient } from '#lib/adapters/openai/openai-client';
import { buildReplyJsonSchema, parseReplyWire } from '#lib/adapters/openai/reply-wire-schema';
import { buildRubricJsonSchema, parseRubricWire } from '#lib/adapters/openai/rubric-wire-schema';
import type { ChatModel, ChatModelReply, RubricRequest, RubricVerdict, TokenUsage } from '#lib/ports/chat-model';
import { MalformedModelOutputError, ModelBusyError, ModelUnavailableError, type ReplyRequest } from '#lib/domain/reply';
import { buildChatMessages, type ChatMessage } from '#lib/domain/prompt';
import { buildRubricMessages } from '#lib/domain/rubric-prompt';

/** How many times a malformed answer (bad JSON, wrong shape, refusal, empty) is asked for again. */
export const MALFORMED_OUTPUT_RETRIES = 1;

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
const RUBRIC_FORMAT_NAME = 'parley_rubric_verdict';

/** A judge should say the same of the same reply every time. */
export const RUBRIC_TEMPERATURE = 0;

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
  private readonly rubricFormat: OpenAI.ResponseFormatJSONSchema;

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
    this.rubricFormat = {
      type: 'json_schema',
      json_schema: { name: RUBRIC_FORMAT_NAME, strict: true, schema: buildRubricJsonSchema() },
    };
  }

  /**
   * Asks the model for one structured reply. A malformed answer is asked for again
   * `MALFORMED_OUTPUT_RETRIES` times, then reported as MalformedModelOutputError. A refused key
   * (401, 403) is ModelUnavailableError; a rate limit, server error, timeout or dropped connection
   * is ModelBusyError (with the provider's `Retry-After`); other errors propagate as the SDK's.
   */
  async generateReply(request: ReplyRequest): Promise<ChatModelReply> {
    const { value, usage } = await this.complete(
      buildChatMessages(request),
      REPLY_TEMPERATURE,
      this.responseFormat,
      (raw) => parseReplyWire(raw),
    );
    return { ...value, ...(usage ? { usage } : {}) };
  }

  /**
   * Judges a reply against a rubric, under a strict `{passed, reason}` schema; faults and
   * malformed output are reported as generateReply reports them.
   */
  async judgeRubric(request: RubricRequest): Promise<RubricVerdict> {
    const { value, usage } = await this.complete(
      buildRubricMessages(request),
      RUBRIC_TEMPERATURE,
      this.rubricFormat,
      (raw) => parseRubricWire(raw),
    );
    return { ...value, ...(usage ? { usage } : {}) };
  }

  /**
   * One structured completion, read by `parse`. A malformed answer is asked for again
   * `MALFORMED_OUTPUT_RETRIES` times, then reported as MalformedModelOutputError.
   */
  private async complete<T>(
    messages: ChatMessage[],
    temperature: number,
    responseFormat: OpenAI.ResponseFormatJSONSchema,
    parse: (raw: unknown) => T,
  ): Promise<{ value: T; usage: TokenUsage | undefined }> {
    let lastError: MalformedModelOutputError | undefined;
    // A retried answer cost the tokens of every attempt, not only of the last one.
    let usage: TokenUsage | undefined;
    for (let attempt = 0; attempt <= MALFORMED_OUTPUT_RETRIES; attempt += 1) {
      const completion = await (await this.client()).chat.completions
        .create({ model: this.model, messages, temperature, response_format: responseFormat })
        .catch(rethrowModelFault);
      usage = addUsage(usage, completion.usage);
      try {
        return { value: parse(readContent(completion)), usage };
      } catch (error) {
        if (!(error instanceof MalformedModelOutputError)) throw error;
        lastError = error;
      }
    }
    throw new MalformedModelOutputError(
      `model output still malformed after ${MALFORMED_OUTPUT_RETRIES + 1} attempts: ${lastError?.message ?? 'unknown'}`,
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

/** The running total of tokens, adding one completion's count (absent on some compatible servers). */
function addUsage(total: TokenUsage | undefined, usage: OpenAI.CompletionUsage | undefined): TokenUsage | undefined {
  if (!usage) return total;
  return {
    inputTokens: (total?.inputTokens ?? 0) + usage.prompt_tokens,
    outputTokens: (total?.outputTokens ?? 0) + usage.completion_tokens,
  };
}

/** The parsed JSON content of a completion; throws MalformedModelOutputError if there is none. */
function readContent(completion: OpenAI.ChatCompletion): unknown {
  const choice = completion.choices[0];
  if (!choice) throw new MalformedModelOutputError('completion has no choices');
  const { content, refusal } = choice.message;
  if (refusal) throw new MalformedModelOutputError('model refused to answer');
  if (!content)
    throw new MalformedModelOutputError(`completion has no content (finish_reason ${choice.finish_reason})`);
  try {
    return JSON.parse(content);
  } catch {
    throw new MalformedModelOutputError(`model output is not JSON (finish_reason ${choice.finish_reason})`);
  }
}
