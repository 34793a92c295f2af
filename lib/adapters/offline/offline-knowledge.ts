/**
 * How the offline model answers from knowledge: a confirmed answer (a person's correction) as it
 * was written, else the sentences of the retrieved passages that share the most terms with the
 * question, quoted rather than paraphrased, so it never states what the business did not write.
 */
import type { ConfidenceLevel } from '#lib/domain/confidence';
import type { ReplyRequest } from '#lib/domain/reply';
import { tokenize } from '#lib/domain/knowledge/tokenize';
import { applicableCorrection } from '#lib/adapters/offline/offline-corrections';
import { splitSentences } from '#lib/adapters/offline/offline-intents';

export interface KnowledgeAnswer {
  paragraphs: string[];
  confidence: ConfidenceLevel;
  citations: number[];
}

/** Sentences quoted from passages, at most. */
const MAX_QUOTED_SENTENCES = 3;
/** Share of the question's terms the best passage sentence must contain to be quoted. */
const MIN_SENTENCE_COVERAGE = 0.25;

/** An answer from the request's knowledge, or undefined when nothing in it fits `question`. */
export function answerFromKnowledge(request: ReplyRequest, question: string): KnowledgeAnswer | undefined {
  const knowledge = request.knowledge;
  if (!knowledge) return undefined;
  const correction = applicableCorrection(knowledge, question);
  if (correction) return { paragraphs: [correction.answer], confidence: 'high', citations: [correction.ref] };
  const asked = new Set(tokenize(question));
  if (asked.size === 0) return undefined;
  for (const passage of knowledge.passages) {
    const sentences = splitSentences(passage.text.replace(/\s*\n\s*/g, '. ').replace(/\.\.+/g, '.'));
    const scored = sentences.map((sentence, index) => ({ sentence, index, coverage: coverageOf(sentence, asked) }));
    const best = [...scored].sort((a, b) => b.coverage - a.coverage || a.index - b.index);
    const top = best[0];
    if (!top || top.coverage < MIN_SENTENCE_COVERAGE) continue;
    const quoted = best
      .filter((s) => s.coverage > 0)
      .slice(0, MAX_QUOTED_SENTENCES)
      .sort((a, b) => a.index - b.index)
      .map((s) => s.sentence);
    return {
      paragraphs: [quoted.join(' '), 'Is there anything else I can help you with?'],
      confidence: top.coverage >= 0.6 ? 'high' : 'medium',
      citations: [passage.ref],
    };
  }
  return undefined;
}

function coverageOf(sentence: string, asked: ReadonlySet<string>): number {
  const terms = new Set(tokenize(sentence));
  let shared = 0;
  for (const term of asked) if (terms.has(term)) shared++;
  return shared / asked.size;
}
