/**
 * A STAND-IN for an embedding model, for benchmarks only: deterministic feature hashing of a
 * text's stemmed words, word pairs and character trigrams into a small signed vector. It knows no
 * meaning ("yearly" is not near "annual"); it only lets the hybrid path (vectors, fusion) run and
 * be timed offline. Figures made with it say nothing about recall with a real model such as
 * OpenAI's text-embedding-3-small, which needs an API key.
 */
import { tokenize } from '#lib/domain/knowledge/tokenize';

export const HASHING_MODEL = 'parley-hashing-stand-in';
export const HASHING_DIMENSIONS = 256;

const WORD_WEIGHT = 1;
const PAIR_WEIGHT = 0.5;
const TRIGRAM_WEIGHT = 0.25;

/** A vector of `dimensions` floats, L2-normalised (zero for a text with no terms). */
export function hashingEmbed(text: string, dimensions = HASHING_DIMENSIONS): Float32Array {
  const vector = new Float32Array(dimensions);
  const add = (feature: string, weight: number) => {
    const hash = fnv1a(feature);
    // One bit picks the sign, so colliding features cancel out on average instead of piling up.
    vector[hash % dimensions] = (vector[hash % dimensions] ?? 0) + (hash & 0x80000000 ? -weight : weight);
  };
  const terms = tokenize(text);
  terms.forEach((term, i) => {
    add(`w:${term}`, WORD_WEIGHT);
    const next = terms[i + 1];
    if (next) add(`p:${term} ${next}`, PAIR_WEIGHT);
    const padded = `#${term}#`;
    for (let c = 0; c + 3 <= padded.length; c++) add(`c:${padded.slice(c, c + 3)}`, TRIGRAM_WEIGHT);
  });
  let norm = 0;
  for (const value of vector) norm += value * value;
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < dimensions; i++) vector[i] = (vector[i] ?? 0) * scale;
  }
  return vector;
}

/** 32-bit FNV-1a over UTF-16 code units: fast, deterministic, well spread for short strings. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
