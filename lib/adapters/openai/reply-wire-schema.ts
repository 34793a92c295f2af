/**
 * The reply as OpenAI is asked to write it: snake_case JSON under a strict Structured Outputs
 * schema, validated again on the way back (the model is untrusted, and a compatible server may not
 * enforce the schema at all), then mapped to the domain's ModelReply.
 */
import * as z from 'zod';
import { CONFIDENCE_LEVELS } from '#lib/domain/confidence';
import { MODEL_ESCALATIONS } from '#lib/domain/escalation';
import { MalformedModelOutputError, type ModelReply } from '#lib/domain/reply';

export const replyWireSchema = z
  .object({
    reply: z.string().min(1).describe('The message to send the prospect.'),
    needs_human: z.boolean().describe('True if a person should take over or check this conversation.'),
    reason: z.string().nullable().describe('Why a human is needed, else null.'),
    follow_up_at: z.string().nullable().describe('ISO-8601 time the prospect asked to be contacted again, else null.'),
    language: z.string().nullable().describe('BCP-47 code of the language the reply is written in.'),
    confidence: z
      .enum(CONFIDENCE_LEVELS)
      .describe('How well the reply is grounded in the setup, knowledge and conversation: high, medium or low.'),
    escalation: z
      .enum(MODEL_ESCALATIONS)
      .describe(
        'Why a person should step in: the prospect asked for one, a complaint, a legal threat, a question you cannot answer from what you are given, an urgent matter; else none.',
      ),
    citations: z
      .array(z.int())
      .describe('Numbers of the knowledge entries (corrections and passages) the reply used; empty if none.'),
  })
  .strict();

export type ReplyWire = z.infer<typeof replyWireSchema>;

/**
 * Strict mode accepts only a subset of JSON Schema and rejects the whole request ("'minLength' is
 * not permitted") if the schema strays outside it. String length bounds are dropped from what the
 * model is told; `parseReplyWire` still enforces them on what comes back.
 */
const STRICT_MODE_UNSUPPORTED = ['minLength', 'maxLength'] as const;

/** The JSON Schema of the wire reply, in the form OpenAI's strict Structured Outputs accept. */
export function buildReplyJsonSchema(): Record<string, unknown> {
  return buildStrictJsonSchema(replyWireSchema);
}

/** The JSON Schema of a zod object, in the form OpenAI's strict Structured Outputs accept. */
export function buildStrictJsonSchema(wire: z.ZodType): Record<string, unknown> {
  const schema = z.toJSONSchema(wire, {
    target: 'draft-7',
    override: ({ jsonSchema }) => {
      for (const keyword of STRICT_MODE_UNSUPPORTED) delete (jsonSchema as Record<string, unknown>)[keyword];
    },
  }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
}

/**
 * Validates a model's raw output against the wire schema and maps it to the domain's reply;
 * throws MalformedModelOutputError, describing what does not fit, if it is unusable.
 */
export function parseReplyWire(raw: unknown): ModelReply {
  const result = replyWireSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new MalformedModelOutputError(`model output does not fit the reply schema: ${issues.join('; ')}`);
  }
  if (result.data.reply.trim() === '') {
    throw new MalformedModelOutputError('model output has an empty reply');
  }
  return fromReplyWire(result.data);
}

/** The domain's reply for a valid wire reply. */
export function fromReplyWire(wire: ReplyWire): ModelReply {
  return {
    text: wire.reply,
    needsHuman: wire.needs_human,
    reason: wire.reason,
    followUpAt: wire.follow_up_at,
    language: wire.language,
    confidence: wire.confidence,
    escalation: wire.escalation,
    citations: wire.citations,
  };
}
