/**
 * What an AI would answer a message, exactly as generateReply asks it (the AI's setup, grounding
 * in its knowledge, the same prompt and output format), without a conversation: testing responses
 * and test-set runs both answer this way. Nothing is stored, queued or sent.
 */
import type { ReplyRequest, Turn } from '#lib/domain/reply';
import { sanitizeHtml } from '#lib/domain/safe-html';
import type { Ai, Channel, Citation, Contact, OutputFormat } from '#lib/domain/types';
import type { ChatModelReply } from '#lib/ports/chat-model';
import type { Deps } from '#lib/app/deps';
import { buildReplyRequestFromTurns } from '#lib/app/generate-reply';
import { citationsOf, groundReply } from '#lib/app/knowledge/ground-reply';
import type { SalesSetup } from '#lib/app/setup';

export type DraftAnswerDeps = Pick<
  Deps,
  'chatModel' | 'clock' | 'blobs' | 'embedder' | 'knowledgeIndex' | 'logger' | 'knowledge'
>;

export interface DraftAnswerInput {
  ai: Ai;
  setup: SalesSetup | undefined;
  message: string;
  /** Earlier turns, oldest first. */
  history?: { role: 'prospect' | 'assistant'; text: string }[];
  contact?: Contact;
  channel?: Channel;
  outputFormat?: OutputFormat;
}

export interface DraftAnswer {
  /** What the model was asked. */
  request: ReplyRequest;
  /** The model's reply, its text sanitised as generateReply sanitises it. */
  reply: ChatModelReply;
  /** The knowledge (passages and corrections) the reply drew on. */
  citations: Citation[];
  latencyMs: number;
}

/**
 * Answers `message` as the AI would in a conversation with this history. The model's faults
 * (ModelBusyError, ModelUnavailableError, MalformedModelOutputError) propagate: each caller
 * decides what a busy model means for it.
 */
export async function draftAnswer(deps: DraftAnswerDeps, input: DraftAnswerInput): Promise<DraftAnswer> {
  const { ai, setup } = input;
  const grounding = await groundReply(deps, { ai, setup, question: input.message });
  const now = deps.clock.now();
  // The history carries no times: every turn is stamped now.
  const at = now.toISOString();
  const toTurn = (turn: { role: Turn['role']; text: string }): Turn => ({ role: turn.role, text: turn.text, at });
  const request = buildReplyRequestFromTurns(
    {
      ai,
      ...(setup ? { setup } : {}),
      contact: input.contact ?? {},
      ...(input.channel ? { channel: input.channel } : {}),
      ...(input.outputFormat ? { outputFormat: input.outputFormat } : {}),
      history: (input.history ?? []).map(toTurn),
      pending: [toTurn({ role: 'prospect', text: input.message })],
      knowledge: grounding.context,
    },
    now,
  );
  const started = deps.clock.now().getTime();
  const answer = await deps.chatModel.generateReply(request);
  const latencyMs = deps.clock.now().getTime() - started;
  // The model is untrusted: as in generateReply, only the allowed tags survive.
  const text = request.outputFormat === 'html' ? sanitizeHtml(answer.text) : answer.text;
  return { request, reply: { ...answer, text }, citations: citationsOf(grounding, answer.citations), latencyMs };
}
