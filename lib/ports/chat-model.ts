/** The language model that writes replies. */
import type { ModelReply, ReplyRequest } from '#lib/domain/reply';

/** The tokens one reply took, as the model's provider counts them. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** A structured reply, with its token usage where the model reports it (the offline model does not). */
export type ChatModelReply = ModelReply & { usage?: TokenUsage };

export interface ChatModel {
  /** Produces one structured reply; throws on transport failure or malformed output. */
  generateReply(request: ReplyRequest): Promise<ChatModelReply>;
}
