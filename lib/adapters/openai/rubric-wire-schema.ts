/**
 * The rubric verdict as OpenAI is asked to write it (strict Structured Outputs), validated again
 * on the way back: a compatible server may not enforce the schema.
 */
import * as z from 'zod';
import { MalformedModelOutputError } from '#lib/domain/reply';
import { buildStrictJsonSchema } from '#lib/adapters/openai/reply-wire-schema';

export const rubricWireSchema = z
  .object({
    passed: z.boolean().describe('True if the reply meets the rubric, else false.'),
    reason: z.string().min(1).describe('One sentence saying why, naming what the reply does or lacks.'),
  })
  .strict();

/** The JSON Schema of the wire verdict, in the form OpenAI's strict Structured Outputs accept. */
export function buildRubricJsonSchema(): Record<string, unknown> {
  return buildStrictJsonSchema(rubricWireSchema);
}

/** The verdict in a model's raw output; throws MalformedModelOutputError if it does not fit. */
export function parseRubricWire(raw: unknown): { passed: boolean; reason: string } {
  const result = rubricWireSchema.safeParse(raw);
  if (!result.success || result.data.reason.trim() === '') {
    throw new MalformedModelOutputError('model output does not fit the rubric verdict schema');
  }
  return { passed: result.data.passed, reason: result.data.reason.trim() };
}
