/** The language model that writes replies, and judges them against a business's rubric. */
import type { ModelReply, ReplyRequest, Turn } from '#lib/domain/reply';

/** The tokens one reply took, as the model's provider counts them. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** A structured reply, with its token usage where the model reports it (the offline model does not). */
export type ChatModelReply = ModelReply & { usage?: TokenUsage };

/** A reply to judge: the conversation the AI saw, what it answered, and the business's rubric. */
export interface RubricRequest {
  /** One or two sentences saying what a good reply does, written by the business. */
  rubric: string;
  /** Earlier turns, oldest first, then the prospect's message the reply answers. */
  conversation: Turn[];
  /** The reply as the prospect would read it. */
  reply: string;
}

/** The model's verdict on a reply, with one sentence saying why. */
export interface RubricVerdict {
  passed: boolean;
  reason: string;
  usage?: TokenUsage;
}

export interface ChatModel {
  /** Produces one structured reply; throws on transport failure or malformed output. */
  generateReply(request: ReplyRequest): Promise<ChatModelReply>;
  /**
   * Judges a reply against a rubric; throws as generateReply does. Absent on models that cannot
   * judge (the offline model): a rubric is then reported as not judged, never as passed.
   */
  judgeRubric?(request: RubricRequest): Promise<RubricVerdict>;
}
