/**
 * A document's passages as search terms, stored with them (ChunkSet.terms) so a cold load
 * tokenizes nothing. A passage's terms are its text's plus its document title's and headings'
 * (weighted up, a simple BM25F), because a question often names what a page is about rather than
 * the words of the paragraph that answers it.
 */
import { decodeBase64, encodeBase64 } from '#lib/domain/knowledge/base64';
import { ANALYZER_VERSION, tokenize } from '#lib/domain/knowledge/tokenize';
import type { Chunk, ChunkSetTerms } from '#lib/domain/knowledge/types';

/**
 * How many times a term counts when it is in the document title, or in a heading above the
 * passage. Whole numbers: frequencies are stored as integers. Changing them means changing
 * ANALYZER_VERSION.
 */
export const TITLE_WEIGHT = 2;
export const HEADING_WEIGHT = 2;

/** The inverted index of one document's passages, packed for storage. */
export function analyzeChunks(title: string, chunks: readonly Pick<Chunk, 'headingPath' | 'text'>[]): ChunkSetTerms {
  const ids = new Map<string, number>();
  const postings: number[][] = [];
  const titleTerms = tokenize(title);
  const ownTitle = title.trim().toLowerCase();
  const lengths = chunks.map((chunk, index) => {
    const counts = new Map<string, number>();
    const add = (terms: string[], weight: number) => {
      for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + weight);
    };
    add(titleTerms, TITLE_WEIGHT);
    // A first heading that repeats the title (a Markdown "# Title") would count the title twice.
    add(tokenize(chunk.headingPath.filter((h) => h.trim().toLowerCase() !== ownTitle).join('\n')), HEADING_WEIGHT);
    add(tokenize(chunk.text), 1);
    let length = 0;
    for (const [term, frequency] of counts) {
      let id = ids.get(term);
      if (id === undefined) {
        id = postings.push([]) - 1;
        ids.set(term, id);
      }
      postings[id]?.push(index, frequency);
      length += frequency;
    }
    return length;
  });
  const bytes: number[] = [];
  for (const list of postings) {
    writeVarint(bytes, list.length / 2);
    let previous = 0;
    for (let i = 0; i < list.length; i += 2) {
      writeVarint(bytes, list[i]! - previous);
      writeVarint(bytes, list[i + 1]!);
      previous = list[i]!;
    }
  }
  return {
    analyzer: ANALYZER_VERSION,
    terms: [...ids.keys()].join(' '),
    postings: encodeBase64(Uint8Array.from(bytes)),
    lengths,
  };
}

/** Stored terms unpacked: for local term t, its postings are [start(t), start(t) + counts[t]) of the flat arrays. */
export interface UnpackedTerms {
  terms: string[];
  counts: Uint32Array;
  /** Passage indices within the set. */
  passages: Uint32Array;
  frequencies: Uint32Array;
  lengths: readonly number[];
}

/**
 * Unpacks stored terms, checking them as it goes: undefined if another analyzer made them or they
 * do not describe `chunkCount` passages, so the caller analyses the passages afresh instead.
 */
export function unpackTerms(stored: ChunkSetTerms | undefined, chunkCount: number): UnpackedTerms | undefined {
  if (stored?.analyzer !== ANALYZER_VERSION || stored.lengths?.length !== chunkCount) return undefined;
  // Scoring relies on lengths ≥ 0 and frequencies ≥ 1: every contribution is then positive.
  if (!stored.lengths.every((length) => Number.isFinite(length) && length >= 0)) return undefined;
  const bytes = typeof stored.postings === 'string' ? decodeBase64(stored.postings) : undefined;
  if (!bytes || typeof stored.terms !== 'string') return undefined;
  const terms = stored.terms === '' ? [] : stored.terms.split(' ');
  const counts = new Uint32Array(terms.length);
  // Every posting takes at least two bytes, which bounds how many there can be.
  const passages = new Uint32Array(bytes.length >> 1);
  const frequencies = new Uint32Array(bytes.length >> 1);
  const reader = new VarintReader(bytes);
  let n = 0;
  for (let t = 0; t < terms.length; t++) {
    const count = reader.next();
    if (count <= 0 || n + count > passages.length) return undefined;
    counts[t] = count;
    let passage = 0;
    for (let i = 0; i < count; i++) {
      const delta = reader.next();
      const frequency = reader.next();
      passage += delta;
      if (delta < (i === 0 ? 0 : 1) || passage >= chunkCount || frequency <= 0) return undefined;
      passages[n] = passage;
      frequencies[n++] = frequency;
    }
  }
  if (!reader.done) return undefined;
  return { terms, counts, passages, frequencies, lengths: stored.lengths };
}

/** Reads unsigned LEB128 varints of up to 35 bits; -1 for one that is cut off or longer. */
class VarintReader {
  private at = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.at === this.bytes.length;
  }

  next(): number {
    const bytes = this.bytes;
    let value = 0;
    for (let shift = 0; shift <= 28 && this.at < bytes.length; shift += 7) {
      const byte = bytes[this.at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    return -1;
  }
}

/** Unsigned LEB128: seven bits a byte, low bits first, the high bit set on all but the last byte. */
function writeVarint(bytes: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
}
