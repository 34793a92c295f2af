/**
 * Testing responses: what an AI would answer a message, with its decisions, token count and
 * latency, so a business can try its setup before going live. Nothing is stored, queued or sent.
 */
import { RateLimitedError } from '#lib/domain/errors';
import { MODEL_FAULT_MIN_WAIT_SECONDS } from '#lib/domain/model-faults';
import { ModelBusyError, type ModelReply } from '#lib/domain/reply';
import type { Channel, Citation, Contact, OutputFormat } from '#lib/domain/types';
import type { TokenUsage } from '#lib/ports/chat-model';
import type { Deps } from '#lib/app/deps';
import { getAi } from '#lib/app/ais';
import { type DraftAnswerDeps, draftAnswer } from '#lib/app/draft-answer';
import { loadSetupOf } from '#lib/app/generate-reply';

export interface TestAnswerInput {
  tenantId: string;
  aiId: string;
  message: string;
  /** Earlier turns, oldest first. */
  history?: { role: 'prospect' | 'assistant'; text: string }[];
  contact?: Contact;
  channel?: Channel;
  outputFormat?: OutputFormat;
}

export interface TestAnswer extends Omit<ModelReply, 'citations'> {
  /** The knowledge (passages and corrections) the reply drew on. */
  citations: Citation[];
  /** Null when the model does not report it (the offline model). */
  usage: TokenUsage | null;
  latencyMs: number;
}

/**
 * Answers `message` as the AI would in a conversation with this history, with the same request
 * (setup, prompt, output format) generateReply builds. NotFoundError if the tenant has no such AI.
 */
export async function testAnswer(
  deps: DraftAnswerDeps & Pick<Deps, 'ais' | 'setup'>,
  input: TestAnswerInput,
): Promise<TestAnswer> {
  const ai = await getAi(deps, input.tenantId, input.aiId);
  const setup = await loadSetupOf(deps, ai);
  const { reply, citations, latencyMs } = await draftAnswer(deps, { ...input, ai, setup }).catch(busyAsRateLimited);
  return {
    text: reply.text,
    needsHuman: reply.needsHuman,
    escalation: reply.escalation,
    reason: reply.reason,
    followUpAt: reply.followUpAt,
    language: reply.language,
    confidence: reply.confidence,
    citations,
    usage: reply.usage ?? null,
    latencyMs,
  };
}

/**
 * A busy model (429, 5xx, a timeout) on this synchronous call: nothing waits it out here, so the
 * client is told to try again (429 `rate_limited`, with the provider's `Retry-After`) rather than
 * given a 500.
 */
function busyAsRateLimited(error: unknown): never {
  if (!(error instanceof ModelBusyError)) throw error;
  const retryAfterSeconds = Math.max(MODEL_FAULT_MIN_WAIT_SECONDS, Math.ceil((error.retryAfterMs ?? 0) / 1000));
  throw new RateLimitedError('The chat model is busy; try again shortly.', { retryAfterSeconds, cause: error });
}
