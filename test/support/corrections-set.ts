/**
 * The labelled correction set in test/fixtures/corrections-set: one shop's corrections, each with
 * rewordings that must reach it and near-misses that must not, split into a tuning half and a
 * held-out half by position (see its README). Measures correction reach the way a reply meets
 * corrections: retrieval hands the candidates over (groundReply), then the offline model decides
 * (applicableCorrection), or a real model would.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { applicableCorrection } from '#lib/adapters/offline/offline-corrections';
import { type CorrectionMatch, candidateCorrections } from '#lib/domain/knowledge/corrections';
import type { Correction } from '#lib/domain/knowledge/types';
import { encodeVector } from '#lib/domain/knowledge/vectors';
import { MAX_PROMPT_CORRECTIONS } from '#lib/domain/limits/generation';

export const CORRECTIONS_SET_FILE = fileURLToPath(
  new URL('../fixtures/corrections-set/corrections.json', import.meta.url),
);

export const REWORDING_KINDS = ['shorter', 'reordered', 'synonyms', 'polite', 'typos'] as const;
export type RewordingKind = (typeof REWORDING_KINDS)[number];
export type Half = 'tuning' | 'held-out';

export interface LabelledCorrection {
  id: string;
  question: string;
  answer: string;
  rewordings: Record<RewordingKind, string[]>;
  near_misses: string[];
}

export interface CorrectionsSet {
  business: string;
  corrections: LabelledCorrection[];
}

export function loadCorrectionsSet(): CorrectionsSet {
  return JSON.parse(readFileSync(CORRECTIONS_SET_FILE, 'utf8')) as CorrectionsSet;
}

/** The split rule: the 1st, 3rd, 5th … correction tune, the 2nd, 4th, 6th … are held out. */
export function halfOf(index: number): Half {
  return index % 2 === 0 ? 'tuning' : 'held-out';
}

/** The set's corrections as one AI's stored corrections (the whole set: an AI has all of them, whichever half). */
export function storedCorrections(
  set: CorrectionsSet,
  embedder?: { model: string; embed(text: string): Float32Array },
): Correction[] {
  return set.corrections.map((c, i) => ({
    tenantId: 'ten_set',
    aiId: 'ai_set',
    id: c.id,
    question: c.question,
    answer: c.answer,
    conversationId: 'conv_set',
    messageId: `msg_${c.id}`,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    ...(embedder ? { embedding: { model: embedder.model, vector: encodeVector(embedder.embed(c.question)) } } : {}),
  }));
}

/**
 * How a question meets the corrections: `offline`, the correction the offline model answers with;
 * `candidates`, the ones handed to the model.
 */
export type ReachMode = 'offline' | 'candidates';

export interface Reach {
  rewordings: number;
  reached: number;
  /** reached / rewordings */
  reach: number;
  byKind: Record<RewordingKind, { rewordings: number; reached: number }>;
  nearMisses: number;
  /** Near-misses that got their correction (offline: answered with it; candidates: handed it). */
  nearMissesMatched: number;
  missed: string[];
  matchedNearMisses: string[];
}

/** Reach of one half of the set. */
export function measureReach(
  set: CorrectionsSet,
  half: Half,
  options: { mode: ReachMode; embedder?: { model: string; embed(text: string): Float32Array } },
): Reach {
  const stored = storedCorrections(set, options.embedder);
  const gets = (question: string): Correction[] => {
    const vector = options.embedder
      ? { model: options.embedder.model, values: options.embedder.embed(question) }
      : undefined;
    const candidates = candidateCorrections(question, stored, vector ? { vector } : {}, MAX_PROMPT_CORRECTIONS);
    if (options.mode === 'candidates') return candidates.map((m) => m.correction);
    const chosen = applicableCorrection(handedOver(candidates), question);
    return chosen ? [candidates[chosen.ref - 1]!.correction] : [];
  };
  const byKind = Object.fromEntries(REWORDING_KINDS.map((k) => [k, { rewordings: 0, reached: 0 }])) as Reach['byKind'];
  const result = { rewordings: 0, reached: 0, nearMisses: 0, nearMissesMatched: 0 };
  const missed: string[] = [];
  const matchedNearMisses: string[] = [];
  set.corrections.forEach((labelled, index) => {
    if (halfOf(index) !== half) return;
    for (const kind of REWORDING_KINDS) {
      for (const question of labelled.rewordings[kind] ?? []) {
        const reached = gets(question).some((c) => c.id === labelled.id);
        result.rewordings++;
        byKind[kind].rewordings++;
        if (reached) {
          result.reached++;
          byKind[kind].reached++;
        } else missed.push(`${labelled.id} (${kind}): ${question}`);
      }
    }
    for (const question of labelled.near_misses) {
      result.nearMisses++;
      if (gets(question).some((c) => c.id === labelled.id)) {
        result.nearMissesMatched++;
        matchedNearMisses.push(`${labelled.id}: ${question}`);
      }
    }
  });
  return {
    ...result,
    reach: result.rewordings === 0 ? 0 : result.reached / result.rewordings,
    byKind,
    missed,
    matchedNearMisses,
  };
}

/** The candidates as groundReply hands them to the model, numbered from 1. */
function handedOver(candidates: readonly CorrectionMatch[]) {
  return {
    corrections: candidates.map((m, i) => ({
      ref: i + 1,
      question: m.correction.question,
      answer: m.correction.answer,
      closeness: m.closeness,
    })),
    passages: [],
  };
}
