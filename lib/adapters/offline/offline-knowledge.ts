/**
 * How the offline model answers from knowledge: a confirmed answer (a person's correction) as it
 * was written, else the passage that covers the question, quoted rather than paraphrased, so it
 * never states what the business did not write.
 *
 * The relevance gate: a passage grounds a reply only if it holds most of the question's salient
 * terms, weighted by how rare each is among the retrieved passages. A shared word is not an answer:
 * "Do you ship kits to Canada?" shares "kit" with "You can return any kit within 45 days", but
 * "ship" and "Canada" (found in no passage, so weighing most) are missing, and the model abstains.
 * It abstains too when another page's passage covers clearly more than the first-ranked one, and
 * when the passage lacks the verb a "how do I …" question asks about.
 * The thresholds were tuned on the tuning half of the labelled sets only (test/fixtures/knowledge-set).
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

/** Sentences quoted from a passage, at most. */
const MAX_QUOTED_SENTENCES = 3;
/** Weighted share of the question's salient terms a passage must hold to ground a reply. */
export const MIN_PASSAGE_COVERAGE = 0.6;
/** Weighted share from which a passage answers the question outright (confidence high, else medium). */
export const HIGH_PASSAGE_COVERAGE = 0.9;
/**
 * How far another page's passage may cover more of the question than the first-ranked one before
 * the two disagree too much to answer from either (retrieval says one page, coverage another).
 */
export const RIVAL_COVERAGE_LEAD = 0.3;

/** "How do I close …", "how can we export …": the verb is what is asked about, and must be held. */
const HOW_TO_ACTION = /\bhow\s+(?:do|can|could|would|should|will)\s+(?:i|we|you|they|my|our)\s+([a-z]+)/i;

/** A question asking for an amount, a duration or a time. */
const ASKS_AMOUNT =
  /\b(how\s+(many|much|long|often|soon|fast|far\s+back)|when\s+(was|were|did|does|do|is|will)|what\s+year)\b/i;
/** A figure, a number word or a unit of time or money. */
const STATES_AMOUNT =
  /\d|[$€£]|\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|hundred|thousand|unlimited|free|same|next|once|twice|daily|weekly|monthly|yearly|annual|hours?|days?|weeks?|months?|years?|minutes?|immediately|instantly)\b/i;

/**
 * Words a question asks with rather than about ("can you tell me", "is there a way", "what
 * happens"): dropped from its salient terms, after the tokenizer's stop words. Stemmed as the
 * tokenizer stems, so they meet the question's terms.
 */
const GENERIC_TERMS: ReadonlySet<string> = new Set(
  tokenize(
    'need needs want wants know tell like way ways possible able question questions thing things anything ' +
      'something happen happens happened work works option options offer offers provide provides actually ' +
      'currently exactly kind sort someone anyone okay ok yes wondering wonder curious info information ' +
      'take takes taking',
  ),
);

/** "How long", "how often", "how far back": they ask for an amount (ASKS_AMOUNT), not about a subject. */
const AMOUNT_QUESTION_WORDS = /\bhow\s+(long|often|soon|fast|far(\s+back)?)\b/gi;

/** The question's salient terms: its search terms less the generic ones, each once. */
export function salientTerms(question: string): string[] {
  const terms = tokenize(question.replace(AMOUNT_QUESTION_WORDS, ' '));
  return [...new Set(terms)].filter((term) => !GENERIC_TERMS.has(term));
}

/**
 * How much of the question each text covers, from 0 to 1: the summed weight of the salient terms
 * it holds over the weight of them all. A term's weight falls with the number of texts holding it
 * (inverse document frequency over `texts`), so a word every passage shares counts for little and
 * a term no passage holds counts for most.
 */
export function coverages(terms: readonly string[], texts: readonly string[]): number[] {
  const termSets = texts.map((text) => new Set(tokenize(text)));
  if (terms.length === 0) return texts.map(() => 0);
  const weights = terms.map((term) => {
    const df = termSets.filter((set) => set.has(term)).length;
    return Math.log(1 + (texts.length + 1) / (df + 0.5));
  });
  const total = weights.reduce((sum, w) => sum + w, 0);
  return termSets.map(
    (set) => terms.reduce((sum, term, i) => sum + (set.has(term) ? (weights[i] ?? 0) : 0), 0) / total,
  );
}

/** An answer from the request's knowledge, or undefined when nothing in it covers `question`. */
export function answerFromKnowledge(request: ReplyRequest, question: string): KnowledgeAnswer | undefined {
  const knowledge = request.knowledge;
  if (!knowledge) return undefined;
  const correction = applicableCorrection(knowledge, question);
  if (correction) return { paragraphs: [correction.answer], confidence: 'high', citations: [correction.ref] };
  const terms = salientTerms(question);
  if (terms.length === 0) return undefined;
  const passages = knowledge.passages;
  const passageTexts = passages.map((p) => [p.title, ...p.headingPath, p.text].join('\n'));
  const scores = coverages(terms, passageTexts);
  // The passage retrieval ranked first must cover the question: a lower one that covers more of
  // its words is more often another page sharing them (tuned: it answered wrong more often).
  const passage = passages[0];
  const coverage = scores[0] ?? 0;
  if (!passage || coverage < MIN_PASSAGE_COVERAGE) return undefined;
  // But a passage of another page covering clearly more means the two disagree: neither is sure.
  const rivalled = scores.some((s, i) => passages[i]?.title !== passage.title && s >= coverage + RIVAL_COVERAGE_LEAD);
  if (rivalled || !holdsAction(question, terms, passageTexts[0] ?? '')) return undefined;
  const quoted = quote(passage.text, terms);
  // "How many …?", "When …?" ask for an amount or a time: sentences that state none do not answer.
  if (ASKS_AMOUNT.test(question) && !STATES_AMOUNT.test(quoted)) return undefined;
  return {
    paragraphs: [quoted, 'Is there anything else I can help you with?'],
    confidence: coverage >= HIGH_PASSAGE_COVERAGE ? 'high' : 'medium',
    citations: [passage.ref],
  };
}

/**
 * Whether `text` holds the action a "how do I …" question asks about ("close" in "How do I close my
 * account so we stop being billed?"): a page about stopping bills that never mentions closing
 * answers another question. True when the question asks no such thing.
 */
function holdsAction(question: string, terms: readonly string[], text: string): boolean {
  const [verb] = tokenize(question.match(HOW_TO_ACTION)?.[1] ?? '');
  return verb === undefined || !terms.includes(verb) || tokenize(text).includes(verb);
}

/** The passage's sentences that hold the most salient terms, at most MAX_QUOTED_SENTENCES, in their order. */
function quote(text: string, terms: readonly string[]): string {
  const sentences = splitSentences(text.replace(/\s*\n\s*/g, '. ').replace(/\.\.+/g, '.'));
  const asked = new Set(terms);
  const scored = sentences.map((sentence, index) => ({
    sentence,
    index,
    shared: tokenize(sentence).filter((term, i, all) => asked.has(term) && all.indexOf(term) === i).length,
  }));
  const chosen = scored
    .filter((s) => s.shared > 0)
    .sort((a, b) => b.shared - a.shared || a.index - b.index)
    .slice(0, MAX_QUOTED_SENTENCES)
    .sort((a, b) => a.index - b.index);
  return (chosen.length > 0 ? chosen : scored.slice(0, 1)).map((s) => s.sentence).join(' ');
}
