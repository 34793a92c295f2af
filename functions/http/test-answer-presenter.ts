import type { TestAnswer } from '#lib/app/test-answer';
import { presentCitation } from '#functions/http/presenters';

/** `POST /v1/ais/{id}/test`'s body: the answer and its decisions in the API's snake_case. */
export function presentTestAnswer(answer: TestAnswer) {
  return {
    reply: answer.text,
    needs_human: answer.needsHuman,
    escalation: answer.escalation,
    reason: answer.reason,
    follow_up_at: answer.followUpAt,
    language: answer.language,
    confidence: answer.confidence,
    citations: answer.citations.map(presentCitation),
    usage: answer.usage ? { input_tokens: answer.usage.inputTokens, output_tokens: answer.usage.outputTokens } : null,
    latency_ms: answer.latencyMs,
  };
}
