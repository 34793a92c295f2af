/** A tested answer → the contract's snake_case JSON. */
import type { z } from 'zod';
import type { TestAnswer } from '#lib/app/test-answer';
import type { testAnswerResponse } from '#functions/http/test-answer-schemas';
import { presentCitation } from '#functions/http/presenters/conversation-presenters';

/** What the AI would answer, with its decisions, token count and latency. */
export function presentTestAnswer(tested: TestAnswer): z.output<typeof testAnswerResponse> {
  const { citations, usage, latencyMs, ...answer } = tested;
  return {
    ...answer,
    citations: citations.map(presentCitation),
    usage: usage ? { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens } : null,
    latency_ms: latencyMs,
  };
}
