/**
 * Synthetic knowledge bases of any size for timing retrieval: passages of 80–250 words drawn from
 * the labelled set's own vocabulary with Zipf-like frequencies (a few words everywhere, most words
 * rare), plus a long tail of made-up words (names, codes) so the vocabulary grows with the base as
 * a real one does. Vectors are random: their values do not matter to timing. Seeded, so every run
 * times the same bases.
 */
import { createChunkSet } from '#lib/domain/knowledge/chunk-set';
import type { Chunk, ChunkSet } from '#lib/domain/knowledge/types';
import { encodeVector } from '#lib/domain/knowledge/vectors';
import type { KnowledgeSet } from '#test/support/knowledge-set';
import { HASHING_MODEL } from './hashing-embedder.ts';

const CHUNKS_PER_DOCUMENT = 10;
const WORDS_PER_CHUNK = { min: 80, max: 250 };
/** Share of words taken from the made-up long tail rather than the labelled set's vocabulary. */
const RARE_WORD_SHARE = 0.05;
const RARE_WORDS = 50_000;

/** `count` passages in documents of ten, as createChunkSet stores them, with `dimensions`-dim vectors. */
export function synthesizeChunkSets(set: KnowledgeSet, count: number, dimensions: number, seed = 42): ChunkSet[] {
  const random = mulberry32(seed);
  const pick = zipfSampler(vocabularyOf(set), random);
  const rare = Array.from({ length: RARE_WORDS }, () => madeUpWord(random));
  const word = () => (random() < RARE_WORD_SHARE ? rare[Math.floor(random() * rare.length)]! : pick());
  const words = (n: number) => Array.from({ length: n }, word).join(' ');
  const vector = new Float32Array(dimensions);
  const sets: ChunkSet[] = [];
  for (let first = 0; first < count; first += CHUNKS_PER_DOCUMENT) {
    const documentId = `doc-${sets.length}`;
    const title = capitalize(words(3));
    const chunks: Chunk[] = [];
    const vectors: string[] = [];
    let heading = '';
    for (let position = 0; position < Math.min(CHUNKS_PER_DOCUMENT, count - first); position++) {
      if (position % 3 === 0) heading = capitalize(words(2 + Math.floor(random() * 3)));
      const length = WORDS_PER_CHUNK.min + Math.floor(random() * (WORDS_PER_CHUNK.max - WORDS_PER_CHUNK.min));
      chunks.push({ documentId, title, headingPath: [title, heading], position, text: prose(length, word) });
      for (let i = 0; i < dimensions; i++) vector[i] = random() * 2 - 1;
      vectors.push(encodeVector(vector));
    }
    sets.push(
      createChunkSet({
        documentId,
        uploadId: `${documentId}-1`,
        title,
        chunks,
        embedding: { model: HASHING_MODEL, dimensions, vectors },
      }),
    );
  }
  return sets;
}

/** The labelled documents' words, most frequent first. */
function vocabularyOf(set: KnowledgeSet): string[] {
  const counts = new Map<string, number>();
  for (const document of set.documents) {
    for (const block of document.parsed.blocks) {
      for (const [w] of block.text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([w]) => w);
}

/** Picks the word of rank r with probability ∝ 1 / (r + 1). */
function zipfSampler(vocabulary: string[], random: () => number): () => string {
  const cumulative = new Float64Array(vocabulary.length);
  let total = 0;
  vocabulary.forEach((_, rank) => {
    total += 1 / (rank + 1);
    cumulative[rank] = total;
  });
  return () => {
    const target = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary[lo]!;
  };
}

function madeUpWord(random: () => number): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const length = 5 + Math.floor(random() * 5);
  return Array.from({ length }, () => letters[Math.floor(random() * letters.length)]).join('');
}

/** `length` words as sentences of 8–20 words, so the text reads (and splits) like prose. */
function prose(length: number, word: () => string): string {
  const out: string[] = [];
  let sentence = 0;
  for (let i = 0; i < length; i++) {
    if (sentence === 0) sentence = 8 + ((i * 7) % 13);
    const w = word();
    out.push(--sentence === 0 || i === length - 1 ? `${w}.` : w);
    if (i === 0 || out[i - 1]?.endsWith('.')) out[i] = capitalize(out[i]!);
  }
  return out.join(' ');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A small, fast, seedable PRNG (Tommy Ettinger's Mulberry32). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
