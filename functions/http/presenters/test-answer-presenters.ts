/** A tested answer → the contract's snake_case JSON. */
import type { z } from 'zod';
import type { TestAnswer } from '#lib/app/test-answer';
import type { testAnswerResponse } from '#functions/http/test-answer-schemas';
import { presentCitation } from '#functions/http/presenters/conversation-presenters';

/** What the AI would answer, with its decisions, token count and latency. */
export function presentTestAnswer(tested: TestAnswer): z.output<typeof testAnswerResponse> {
  return {
    reply: tested.text,
    needs_human: tested.needsHuman,
    escalation: tested.escalation,
    reason: tested.reason,
    follow_up_at: tested.followUpAt,
    language: tested.language,
    confidence: tested.confidence,
    citations: tested.citations.map(presentCitation),
    usage: tested.usage ? { input_tokens: tested.usage.inputTokens, output_tokens: tested.usage.outputTokens } : null,
    latency_ms: tested.latencyMs,
  };
}
