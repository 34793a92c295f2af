/**
 * The chat model on Amazon Bedrock's Converse API. The reply comes as the input of one tool whose
 * schema is Parley's reply wire schema (reply-wire-schema.ts), forced with `toolChoice`: Converse
 * has no structured-output mode common to its models, and a forced tool is what Claude 3+ and
 * Nova honour. The input is validated on the way back as OpenAI's answer is.
 */
import type {
  BedrockRuntimeClient,
  ConverseCommandInput,
  ConverseCommandOutput,
  TokenUsage as BedrockTokenUsage,
  ToolConfiguration,
  ToolInputSchema,
} from '@aws-sdk/client-bedrock-runtime';
import { bedrockClient } from '#lib/adapters/bedrock/bedrock-client';
import { rethrowBedrockFault } from '#lib/adapters/bedrock/bedrock-faults';
import { toConverseChat } from '#lib/adapters/bedrock/converse-messages';
import { askUntilWellFormed } from '#lib/adapters/malformed-retries';
import { DEFAULT_TIMEOUT_MS, REPLY_TEMPERATURE } from '#lib/adapters/openai/openai-chat-model';
import { buildReplyJsonSchema, parseReplyWire } from '#lib/adapters/openai/reply-wire-schema';
import * as z from 'zod';
import type { ChatModel, ChatModelReply, RubricRequest, RubricVerdict, TokenUsage } from '#lib/ports/chat-model';
import { buildJudgeMessages } from '#lib/domain/evaluations/judge-prompt';
import { MalformedModelOutputError, type ReplyRequest } from '#lib/domain/reply';
import { buildChatMessages } from '#lib/domain/prompt';

/** The tool the reply is written through. */
export const REPLY_TOOL_NAME = 'parley_reply';

/** The tool a rubric's verdict is given through. */
export const VERDICT_TOOL_NAME = 'parley_verdict';

/** A verdict is a boolean and a sentence: far fewer tokens than a reply. */
export const VERDICT_MAX_TOKENS = 300;

/** Judging wants the most likely verdict, not a varied one. */
export const VERDICT_TEMPERATURE = 0;

const verdictWireSchema = z
  .object({
    passed: z.boolean().describe('True only if the reply does what the rubric asks.'),
    reason: z.string().min(1).describe('One sentence saying why.'),
  })
  .strict();

/**
 * Most tokens a reply may take. An e-mail of a few paragraphs with its JSON takes well under
 * 1,000; the cap keeps a runaway answer from costing a model's whole default (Nova's 10,000).
 */
export const REPLY_MAX_TOKENS = 2_000;

/**
 * Attempts per call: one. The SDK would retry throttling by sleeping in the Lambda; a fault is
 * reported at once as ModelBusyError and waited out off the Lambda, as on the OpenAI path.
 */
export const CHAT_MAX_ATTEMPTS = 1;

export interface BedrockChatModelOptions {
  /** A foundation model id, an inference profile id, or the ARN of either. */
  model: string;
  /** A ready client (tests); otherwise one is built on the first request (bedrock-client.ts). */
  client?: BedrockRuntimeClient;
  timeoutMs?: number;
}

export class BedrockChatModel implements ChatModel {
  private readonly client: () => Promise<BedrockRuntimeClient>;
  private readonly model: string;
  private readonly replyTool: ToolConfiguration;
  private readonly verdictTool: ToolConfiguration;

  constructor(options: BedrockChatModelOptions) {
    this.model = options.model;
    this.client = bedrockClient(options.client, {
      maxAttempts: CHAT_MAX_ATTEMPTS,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    this.replyTool = forcedTool(
      REPLY_TOOL_NAME,
      'Send your reply to the prospect, with your decisions about it.',
      buildReplyJsonSchema(),
    );
    const verdictSchema = z.toJSONSchema(verdictWireSchema, { target: 'draft-7' }) as Record<string, unknown>;
    delete verdictSchema.$schema;
    this.verdictTool = forcedTool(VERDICT_TOOL_NAME, 'Give your verdict on the reply.', verdictSchema);
  }

  /**
   * Asks the model for one structured reply. A malformed answer (no tool call, input outside the
   * schema, cut off at the token cap) is asked for again `MALFORMED_OUTPUT_RETRIES` times, then
   * reported as MalformedModelOutputError. Throttling, 5xx, timeouts and model errors are
   * ModelBusyError; denied access, a model not enabled or unknown is ModelUnavailableError.
   */
  async generateReply(request: ReplyRequest): Promise<ChatModelReply> {
    return this.ask(
      {
        modelId: this.model,
        ...toConverseChat(buildChatMessages(request)),
        toolConfig: this.replyTool,
        inferenceConfig: { temperature: REPLY_TEMPERATURE, maxTokens: REPLY_MAX_TOKENS },
      },
      (output) => parseReplyWire(readToolInput(output, REPLY_TOOL_NAME)),
    );
  }

  /**
   * Judges a reply against the business's rubric through a forced verdict tool; a malformed verdict
   * is asked for again and faults are reported as generateReply reports them.
   */
  async judgeRubric(request: RubricRequest): Promise<RubricVerdict> {
    return this.ask(
      {
        modelId: this.model,
        ...toConverseChat(buildJudgeMessages(request)),
        toolConfig: this.verdictTool,
        inferenceConfig: { temperature: VERDICT_TEMPERATURE, maxTokens: VERDICT_MAX_TOKENS },
      },
      (output) => readVerdict(readToolInput(output, VERDICT_TOOL_NAME)),
    );
  }

  /** Calls Converse until `read` accepts the answer (malformed-retries.ts), summing Converse's `usage`. */
  private ask<T extends object>(input: ConverseCommandInput, read: (output: ConverseCommandOutput) => T) {
    return askUntilWellFormed(
      () => this.converse(input),
      (output) => usageOf(output.usage),
      read,
    );
  }

  private async converse(input: ConverseCommandInput): Promise<ConverseCommandOutput> {
    const client = await this.client();
    // The command class comes from the module the client was built from, loaded by now.
    const { ConverseCommand } = await import('@aws-sdk/client-bedrock-runtime');
    return client.send(new ConverseCommand(input)).catch(rethrowBedrockFault);
  }
}

/** One call's token count. */
function usageOf(usage: BedrockTokenUsage | undefined): TokenUsage | undefined {
  return usage && { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 };
}

/** The input of the reply tool's call, validated; throws MalformedModelOutputError if unusable. */
export function readToolInput(output: ConverseCommandOutput, toolName: string): unknown {
  const { stopReason } = output;
  if (stopReason === 'max_tokens') {
    throw new MalformedModelOutputError('model output was cut off at the token cap');
  }
  const call = output.output?.message?.content?.find((block) => block.toolUse?.name === toolName)?.toolUse;
  if (!call)
    throw new MalformedModelOutputError(`model answered without calling ${toolName} (stopReason ${stopReason})`);
  // A document is JSON already; a model that sends its arguments as a JSON string is read too.
  if (typeof call.input !== 'string') return call.input;
  try {
    return JSON.parse(call.input);
  } catch {
    throw new MalformedModelOutputError(`the input of ${toolName} is not JSON`);
  }
}

/** A tool the model must call, whose input schema is `schema`. */
function forcedTool(name: string, description: string, schema: Record<string, unknown>): ToolConfiguration {
  return {
    tools: [{ toolSpec: { name, description, inputSchema: { json: schema as ToolInputSchema.JsonMember['json'] } } }],
    toolChoice: { tool: { name } },
  };
}

function readVerdict(raw: unknown): RubricVerdict {
  const result = verdictWireSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new MalformedModelOutputError(`verdict does not fit its schema: ${issues.join('; ')}`);
  }
  return result.data;
}
