/**
 * The one rule every chat model adapter follows for malformed answers: ask again
 * MALFORMED_OUTPUT_RETRIES times, then give up with MalformedModelOutputError, counting the tokens
 * of every attempt (a retried answer cost them all).
 */
import { MalformedModelOutputError } from '#lib/domain/reply';
import type { TokenUsage } from '#lib/ports/chat-model';

/** How many times a malformed answer (bad JSON, wrong shape, refusal, empty) is asked for again. */
export const MALFORMED_OUTPUT_RETRIES = 1;

/**
 * Calls the model until `read` accepts its answer. `read` throws MalformedModelOutputError for an
 * unusable answer; any other error, from the call or from `read`, propagates at once.
 */
export async function askUntilWellFormed<Answer, T extends object>(
  call: () => Promise<Answer>,
  usageOf: (answer: Answer) => TokenUsage | undefined,
  read: (answer: Answer) => T,
): Promise<T & { usage?: TokenUsage }> {
  let lastError: MalformedModelOutputError | undefined;
  let usage: TokenUsage | undefined;
  for (let attempt = 0; attempt <= MALFORMED_OUTPUT_RETRIES; attempt += 1) {
    const answer = await call();
    const counted = usageOf(answer);
    if (counted) {
      usage = {
        inputTokens: (usage?.inputTokens ?? 0) + counted.inputTokens,
        outputTokens: (usage?.outputTokens ?? 0) + counted.outputTokens,
      };
    }
    try {
      return { ...read(answer), ...(usage ? { usage } : {}) };
    } catch (error) {
      if (!(error instanceof MalformedModelOutputError)) throw error;
      lastError = error;
    }
  }
  throw new MalformedModelOutputError(
    `model output still malformed after ${MALFORMED_OUTPUT_RETRIES + 1} attempts: ${lastError?.message ?? 'unknown'}`,
  );
}
