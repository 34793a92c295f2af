/**
 * Which of an AI's corrections are close to a question, retrieved like knowledge: by the terms of
 * the corrected question and of its answer, weighted by how rare each is among the AI's
 * corrections and knowledge (a country or a product name says more than "ship" or "kit"), and,
 * when an embedding model is configured, by the meaning of the corrected question too.
 *
 * Closeness is lexical and runs from 0 to 1: the share of the corrected question's weight the
 * question holds, times the share of the question's weight the correction explains raised to
 * NEW_TERM_PENALTY. A word of the question found in the corrected question explains its full
 * weight; one found only in the correction's answer explains it only as far as the question holds
 * the corrected question's subject (an answer names things in passing: "Do you offer gift cards?"
 * is not a rewording of a gift-wrapping question whose answer mentions a card). A shorter or
 * reordered rewording keeps both shares high; a near-miss ("ship to Mexico?" for a correction
 * about Canada) loses on both sides, since its own salient term is new and the correction's is
 * missing; the opposite request ("downgrade" for "upgrade") is never close. Support phrases are
 * rewritten first ("how long does X last" → "X life"), words are stemmed, everyday support
 * synonyms are folded together, conversational filler is ignored, and a misspelt word unknown to
 * the vocabulary meets the word one typo away.
 *
 * Retrieval hands the model the candidates (CANDIDATE_CLOSENESS, or a close vector), which the
 * model then accepts or turns down; the offline model, which cannot judge, applies its own
 * stricter threshold (lib/adapters/offline/offline-corrections.ts).
 */
import { fuseRankings } from '#lib/domain/knowledge/fusion';
import { stem, tokenize } from '#lib/domain/knowledge/tokenize';
import type { Correction } from '#lib/domain/knowledge/types';
import { decodeVector, normalize } from '#lib/domain/knowledge/vectors';

/** Lexical closeness from which a correction is handed to the model, which decides whether it applies. */
export const CANDIDATE_CLOSENESS = 0.05;
/**
 * Cosine similarity of the question's and the corrected question's embeddings from which a
 * correction is a candidate whatever its words. High on purpose: embeddings put "ship to Canada?"
 * and "ship to Mexico?" close, so a vector alone only brings near-identical questions; set for
 * OpenAI's text-embedding-3-small without measurement on it (that needs a key), see BENCHMARKS.md.
 */
export const CANDIDATE_SIMILARITY = 0.8;
/**
 * The power the share of the question a correction explains is raised to. Above 1 because a word
 * of the question that the correction does not have at all ("Mexico", "downgrade", "robot") is the
 * surest sign of another question, surer than a word of the correction the question leaves out
 * (a shorter rewording does that). Tuned with the thresholds on the labelled set.
 */
export const NEW_TERM_PENALTY = 3;

/** A correction close to a question. */
export interface CorrectionMatch {
  correction: Correction;
  /** Lexical closeness, 0 … 1 (see the module comment). */
  closeness: number;
  /** Cosine similarity of the questions' embeddings, when both have one of the same model. */
  similarity?: number;
}

export interface CorrectionQuery {
  /** The texts of the AI's knowledge at hand (e.g. the passages retrieved): they make common words weigh less. */
  knowledge?: readonly string[];
  /** The question's embedding and its model: corrections embedded with the same model are compared by meaning too. */
  vector?: { model: string; values: Float32Array };
}

/**
 * Every correction with any closeness or similarity to `question`, best first: ranked lexically
 * and (with a vector) by similarity, the two fused by reciprocal rank; newer first among equals.
 */
export function rankCorrections(
  question: string,
  corrections: readonly Correction[],
  query: CorrectionQuery = {},
): CorrectionMatch[] {
  const analysis = analyzeCorrections(corrections, query.knowledge ?? []);
  const asked = analysis.termsOf(question);
  const newestFirst = [...corrections].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const matches = new Map<Correction, CorrectionMatch>();
  for (const correction of newestFirst) {
    const closeness = asked.size === 0 ? 0 : analysis.closeness(asked, correction);
    const similarity = query.vector ? similarityOf(query.vector, correction) : undefined;
    if (closeness > 0 || (similarity ?? 0) > 0) {
      matches.set(correction, { correction, closeness, ...(similarity === undefined ? {} : { similarity }) });
    }
  }
  const all = [...matches.values()];
  const lexical = all.filter((m) => m.closeness > 0).sort((a, b) => b.closeness - a.closeness);
  const semantic = all.filter((m) => (m.similarity ?? 0) > 0).sort((a, b) => b.similarity! - a.similarity!);
  if (semantic.length === 0) return lexical;
  return fuseRankings([lexical, semantic]).map(({ key }) => key);
}

/** The corrections to hand the model for `question`, best first, at most `limit`. */
export function candidateCorrections(
  question: string,
  corrections: readonly Correction[],
  query: CorrectionQuery,
  limit: number,
): CorrectionMatch[] {
  return rankCorrections(question, corrections, query)
    .filter((m) => m.closeness >= CANDIDATE_CLOSENESS || (m.similarity ?? 0) >= CANDIDATE_SIMILARITY)
    .slice(0, Math.max(0, limit));
}

/** Lexical closeness of one correction to `question`, its term weights taken from `context` (itself included). */
export function closenessOf(
  question: string,
  correction: Pick<Correction, 'question' | 'answer'>,
  context: { corrections: readonly Pick<Correction, 'question' | 'answer'>[]; knowledge?: readonly string[] },
): number {
  const others = context.corrections.filter((c) => c !== correction);
  const analysis = analyzeCorrections([correction, ...others], context.knowledge ?? []);
  const asked = analysis.termsOf(question);
  return asked.size === 0 ? 0 : analysis.closeness(asked, correction);
}

// ── Analysis ──────────────────────────────────────────────────────────────────────────────────

/**
 * Everyday customer-support vocabulary that asks the same thing in other words, each group folded
 * into its first stem. How it was built: from the words any shop's help centre uses for orders,
 * delivery, returns, payment, accounts, plans and opening hours, written down as a support agent
 * would list them. The labelled set's tuning half showed which areas were missing (tracking,
 * payment, plans, how long things take or last); its held-out half was never looked at, and
 * measured once it gained nothing from the table (BENCHMARKS.md, "Correction reach"). Kept small
 * and reviewed: a word goes in only when it asks the same thing in every support context, never
 * when it is merely related ("change" and "reset" a password, "warehouse" and "store", "exchange"
 * and "return" stay apart).
 */
// biome-ignore format: one group a line reads better
const SYNONYM_GROUPS: readonly string[][] = [
  ['ship', 'deliver', 'delivery', 'send', 'sent', 'post', 'dispatch'],
  ['cost', 'price', 'charge', 'fee'],
  ['store', 'shop', 'showroom', 'outlet'],
  ['child', 'children', 'kid'],
  ['cancel', 'terminate'],
  ['discount', 'coupon', 'promo'],
  ['buy', 'purchase', 'sell', 'sold'],
  ['collect', 'pickup', 'pick'],
  ['warranty', 'guarantee'],
  ['order', 'parcel', 'package', 'shipment'],
  ['make', 'made', 'manufacture', 'produce'],
  ['people', 'person', 'participant', 'attendee'],
  ['refund', 'reimburse'],
  ['spare', 'replacement'],
  ['track', 'trace', 'follow'],
  ['change', 'update', 'modify', 'edit'],
  ['big', 'large'],
  ['email', 'mail'],
  ['subscribe', 'signup', 'register', 'enrol'],
  ['match', 'beat'],
  ['compatible', 'work', 'use'],
  ['pay', 'accept', 'payment'],
  ['period', 'window', 'duration', 'timeframe'],
];

/**
 * Phrases that say in several words what the synonym table says in one, rewritten before the
 * words are split: "how long does the battery last" is the battery's life, "send it back" is a
 * return, "a bigger plan" an upgrade and "a smaller plan" a downgrade, "in the middle of the month"
 * mid-month, "money back" a refund. General support phrasing, built like the synonym table.
 */
// biome-ignore format: one phrase a line reads better
const PARAPHRASES: readonly [RegExp, string][] = [
  // "how long does the battery last", "how long do they last on a single charge": its life
  [/\bhow long (?:(?:does|do|will|would|can|could|is|are) )?(.+?) (?:last|lasts|run|runs)\b/g, '$1 life'],
  [/\bhow long (?:(?:does|do|will|would|can|could) )?(.+?) (?:on|per) (?:a |one |1 )?(?:single |full )?charge\b/g, '$1 battery life'],
  // any other "how long", "how many days": a period, a window
  [/\bhow (?:long|many days|many weeks)\b/g, 'period'],
  [/\b(?:on|per) (?:a |one |1 )?(?:single |full )?charge\b/g, 'battery life'],
  [/\b(?:send|sent|bring|take|give|ship|post|mail)(?:ing)? (?:(?:it|them|this|that|[a-z]+ [a-z]+|[a-z]+) )?back\b/g, 'return'],
  [/\bmoney back\b/g, 'refund'],
  [/\b(?:switch|move|change|go|step|swap)(?:e?d|ing)?(?: up)? to an? (?:bigger|larger|higher|better|premium|more expensive) /g, 'upgrade to '],
  [/\b(?:switch|move|change|go|step|swap)(?:e?d|ing)?(?: down)? to an? (?:smaller|lower|cheaper|basic|less expensive) /g, 'downgrade to '],
  [/\b(?:move|step|go) up\b/g, 'upgrade'],
  [/\bin the middle of (?:the|a) (month|week|year|term|cycle)\b/g, 'mid-$1'],
  [/\bsign(?:ed|ing)? up\b/g, 'signup'],
  [/\bhow much (?:is|are|does|do|will)\b/g, 'price'],
];

/**
 * Words that ask the opposite of each other: a question with one is never a rewording of a
 * corrected question with the other ("downgrade" for "upgrade", "unsubscribe" for "subscribe"),
 * however many other words they share. Requests that undo each other, not merely different words.
 */
// biome-ignore format: one pair a line reads better
const OPPOSITE_PAIRS: readonly [string, string][] = [
  ['upgrade', 'downgrade'],
  ['subscribe', 'unsubscribe'],
  ['activate', 'deactivate'],
  ['enable', 'disable'],
  ['increase', 'decrease'],
  ['add', 'remove'],
  ['lock', 'unlock'],
  ['pause', 'resume'],
];

/**
 * Words that make a question polite, not different ("could you tell me", "I was wondering",
 * "quick question", "thanks a lot"), and the light verbs of "do you offer / provide …", "is … available",
 * "does it come with …", "do you have one". (The tokenizer already drops function words.)
 */
const FILLER = new Set(
  'tell know wonder like love want need question ask quick kindly thank help hey dear morning afternoon evening good great possible able curious sorry bother lot appreciate offer provide available receive come one'
    .split(' ')
    .map(stem),
);

const CANONICAL = new Map(SYNONYM_GROUPS.flatMap((group) => group.map((word) => [stem(word), stem(group[0]!)])));

/** Each term's opposites, as canonical terms. */
const OPPOSITES = new Map<string, string[]>();
for (const [a, b] of OPPOSITE_PAIRS) {
  const [ta, tb] = [canonicalTerm(a)!, canonicalTerm(b)!];
  OPPOSITES.set(ta, [...(OPPOSITES.get(ta) ?? []), tb]);
  OPPOSITES.set(tb, [...(OPPOSITES.get(tb) ?? []), ta]);
}

/** Whether the question asks for the opposite of what the corrected question asks. */
function asksOpposite(asked: ReadonlySet<string>, corrected: ReadonlySet<string>): boolean {
  for (const term of asked) {
    if (corrected.has(term)) continue;
    if ((OPPOSITES.get(term) ?? []).some((opposite) => corrected.has(opposite) && !asked.has(opposite))) return true;
  }
  return false;
}

/** Words shorter than this are not matched one typo away: too many short words are one letter apart. */
const MIN_TYPO_WORD = 5;

interface CorrectionTerms {
  question: ReadonlySet<string>;
  answer: ReadonlySet<string>;
}

/** Term weights (inverse document frequency) over the corrections and knowledge, and each correction's terms. */
function analyzeCorrections(
  corrections: readonly Pick<Correction, 'question' | 'answer'>[],
  knowledge: readonly string[],
) {
  const documentFrequency = new Map<string, number>();
  const count = (terms: Iterable<string>) => {
    for (const term of new Set(terms)) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  };
  const byCorrection = new Map<Pick<Correction, 'question' | 'answer'>, CorrectionTerms>();
  /** Unstemmed words of the corrections, by their term, for matching a misspelling. */
  const words = new Map<string, string>();
  for (const correction of corrections) {
    const terms = { question: termsOf(correction.question), answer: termsOf(correction.answer) };
    byCorrection.set(correction, terms);
    count([...terms.question, ...terms.answer]);
    for (const text of [correction.question, correction.answer]) {
      for (const word of wordsOf(text)) {
        const term = canonicalTerm(word);
        if (term !== undefined && word.length >= MIN_TYPO_WORD) words.set(word, term);
      }
    }
  }
  for (const text of knowledge) count(termsOf(text));
  const documents = corrections.length + knowledge.length;
  // Lucene's idf, as BM25 uses it: always positive, highest for a word nothing else has.
  const weight = (term: string) => {
    const df = documentFrequency.get(term) ?? 0;
    return Math.log(1 + (documents - df + 0.5) / (df + 0.5));
  };
  const sum = (terms: Iterable<string>) => {
    let total = 0;
    for (const term of terms) total += weight(term);
    return total;
  };

  return {
    /** The question's terms; a word the vocabulary does not know becomes the correction word one typo away. */
    termsOf(question: string): Set<string> {
      const terms = new Set<string>();
      for (const word of wordsOf(question)) {
        const term = canonicalTerm(word);
        if (term === undefined) continue;
        terms.add(documentFrequency.has(term) ? term : (typoOf(word, words) ?? term));
      }
      return terms;
    },
    closeness(asked: ReadonlySet<string>, correction: Pick<Correction, 'question' | 'answer'>): number {
      const terms = byCorrection.get(correction)!;
      if (terms.question.size === 0 || asksOpposite(asked, terms.question)) return 0;
      let covered = 0;
      for (const term of terms.question) if (asked.has(term)) covered += weight(term);
      const held = covered / sum(terms.question);
      // A word of the question found only in the correction's answer explains it as far as the
      // question holds the corrected question's subject: an answer mentions things in passing.
      let explained = 0;
      for (const term of asked) {
        if (terms.question.has(term)) explained += weight(term);
        else if (terms.answer.has(term)) explained += held * weight(term);
      }
      return held * (explained / sum(asked)) ** NEW_TERM_PENALTY;
    },
  };
}

function termsOf(text: string): Set<string> {
  const terms = new Set<string>();
  for (const word of wordsOf(text)) {
    const term = canonicalTerm(word);
    if (term !== undefined) terms.add(term);
  }
  return terms;
}

/** Lowercase words, as the tokenizer splits them (its terms are one word each). */
function wordsOf(text: string): string[] {
  const plain = PARAPHRASES.reduce((t, [phrase, rewrite]) => t.replace(phrase, rewrite), text.toLowerCase());
  return (
    plain
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .match(/[\p{L}\p{N}]+(?:['’]\p{L}+)*/gu) ?? []
  );
}

/** The word's search term, synonyms folded, or undefined for a stop word or filler. */
function canonicalTerm(word: string): string | undefined {
  const term = tokenize(word)[0];
  if (term === undefined || FILLER.has(term)) return undefined;
  return CANONICAL.get(term) ?? term;
}

/** The term of the known word one edit (or one swap of neighbours) from `word`, if there is exactly one. */
function typoOf(word: string, known: ReadonlyMap<string, string>): string | undefined {
  if (word.length < MIN_TYPO_WORD) return undefined;
  const found = new Set<string>();
  for (const [candidate, term] of known) {
    if (Math.abs(candidate.length - word.length) <= 1 && oneEditApart(word, candidate)) found.add(term);
  }
  return found.size === 1 ? [...found][0] : undefined;
}

/** Whether two different words are one insertion, deletion, substitution or swap of neighbours apart. */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.length === b.length) {
    const diffs: number[] = [];
    for (let i = 0; i < a.length && diffs.length <= 2; i++) if (a[i] !== b[i]) diffs.push(i);
    if (diffs.length === 1) return true;
    const [i, j] = diffs as [number, number];
    return diffs.length === 2 && j === i + 1 && a[i] === b[j] && a[j] === b[i];
  }
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  if (long.length - short.length !== 1) return false;
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  return short.slice(i) === long.slice(i + 1);
}

/** Cosine similarity of the query's vector and the correction's, when both are of one model and size. */
function similarityOf(vector: { model: string; values: Float32Array }, correction: Correction): number | undefined {
  const embedding = correction.embedding;
  if (embedding?.model !== vector.model) return undefined;
  let stored: Float32Array;
  try {
    stored = decodeVector(embedding.vector);
  } catch {
    return undefined;
  }
  if (stored.length !== vector.values.length) return undefined;
  const a = normalize(stored);
  const b = normalize(Float32Array.from(vector.values));
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}
