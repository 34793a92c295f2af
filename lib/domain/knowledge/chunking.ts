/**
 * Cuts a parsed document into passages that follow its structure. A passage never spans a heading
 * change without saying so: it belongs to one section, or it gathers small sections and writes
 * their headings into its text. Paragraphs stay whole when they fit; a long one is cut between
 * sentences. Table rows read on their own ("Column: value"), so they are grouped with no overlap;
 * prose passages of one section overlap a little, so a point made at a seam is whole in one.
 */
import { CHUNK_MIN_WORDS, CHUNK_OVERLAP_WORDS, CHUNK_TARGET_WORDS } from '#lib/domain/limits/knowledge';
import type { Block, Chunk, ParsedDocument } from '#lib/domain/knowledge/types';

/** A piece of a section that is kept whole: a paragraph (or one of its sentences), a list item, a row. */
interface Unit {
  kind: 'prose' | 'item' | 'row';
  text: string;
  words: number;
  /** The block it came from: sentences of one paragraph are joined back with a space. */
  block: number;
}

interface Part {
  path: string[];
  units: Unit[];
}

/** A passage being assembled: one part, or several small sections gathered. */
type Draft = Part[];

/** The passages of `doc`, in reading order, positions from 0. */
export function chunkDocument(doc: ParsedDocument, meta: { documentId: string; title: string }): Chunk[] {
  const drafts: Draft[] = [];
  for (const section of splitSections(doc.blocks)) {
    for (const units of packSection(section.units)) {
      const part = { path: section.path, units };
      const last = drafts.at(-1);
      const words = wordsOf([part]);
      const gather = last && wordsOf(last) < CHUNK_MIN_WORDS && wordsOf(last) + words <= CHUNK_TARGET_WORDS;
      if (gather && last.at(-1)?.path !== section.path) last.push(part);
      else drafts.push([part]);
    }
  }
  return drafts.map((draft, position) => ({
    documentId: meta.documentId,
    title: meta.title,
    ...render(draft),
    position,
  }));
}

/** Runs of blocks under one heading path, with that path; sections with no text are dropped. */
function splitSections(blocks: readonly Block[]): Part[] {
  const sections: Part[] = [];
  const headings: Array<{ level: number; text: string }> = [];
  let current: Part | undefined;
  blocks.forEach((block, index) => {
    const text = block.text.trim();
    if (block.kind === 'heading') {
      while ((headings.at(-1)?.level ?? 0) >= block.level) headings.pop();
      if (text) headings.push({ level: block.level, text });
      current = undefined;
      return;
    }
    if (!text) return;
    if (!current) {
      current = { path: headings.map((h) => h.text), units: [] };
      sections.push(current);
    }
    const kind = block.kind === 'paragraph' ? 'prose' : block.kind === 'list-item' ? 'item' : 'row';
    current.units.push(...toUnits(kind, text, index));
  });
  return sections;
}

/** A block as units: whole when it fits a passage, else cut between sentences (and words, for a run-on). */
function toUnits(kind: Unit['kind'], text: string, block: number): Unit[] {
  const words = countWords(text);
  if (words <= CHUNK_TARGET_WORDS) return [{ kind, text, words, block }];
  return splitSentences(text).flatMap((sentence) => {
    const sentenceWords = sentence.split(/\s+/);
    const pieces: Unit[] = [];
    for (let i = 0; i < sentenceWords.length; i += CHUNK_TARGET_WORDS) {
      const slice = sentenceWords.slice(i, i + CHUNK_TARGET_WORDS);
      pieces.push({ kind, text: slice.join(' '), words: slice.length, block });
    }
    return pieces;
  });
}

/** A section's units packed into passages of up to the target, prose overlapping between them. */
function packSection(units: readonly Unit[]): Unit[][] {
  const passages: Unit[][] = [];
  let current: Unit[] = [];
  let words = 0;
  for (const unit of units) {
    if (current.length > 0 && words + unit.words > CHUNK_TARGET_WORDS) {
      passages.push(current);
      current = overlapOf(current);
      words = current.reduce((sum, u) => sum + u.words, 0);
      if (words + unit.words > CHUNK_TARGET_WORDS) {
        current = [];
        words = 0;
      }
    }
    current.push(unit);
    words += unit.words;
  }
  if (current.length > 0) passages.push(current);
  return passages;
}

/** The tail of a passage that the next one repeats: whole prose units, or a long one's last sentences. */
function overlapOf(passage: readonly Unit[]): Unit[] {
  const tail: Unit[] = [];
  let words = 0;
  for (let i = passage.length - 1; i >= 0; i--) {
    const unit = passage[i];
    if (!unit || unit.kind === 'row') break;
    if (words + unit.words <= CHUNK_OVERLAP_WORDS) {
      tail.unshift(unit);
      words += unit.words;
      continue;
    }
    if (unit.kind === 'prose') tail.unshift(...lastSentences(unit, CHUNK_OVERLAP_WORDS - words));
    break;
  }
  return tail;
}

function lastSentences(unit: Unit, budget: number): Unit[] {
  const taken: Unit[] = [];
  let words = 0;
  for (const sentence of splitSentences(unit.text).reverse()) {
    const count = countWords(sentence);
    if (words + count > budget) break;
    taken.unshift({ ...unit, text: sentence, words: count });
    words += count;
  }
  return taken;
}

/** A draft as a chunk's heading path and text: headings below the shared path are written into the text. */
function render(draft: Draft): Pick<Chunk, 'headingPath' | 'text'> {
  const headingPath = draft.map((part) => part.path).reduce(commonPrefix);
  const texts = draft.map((part) => {
    const own = part.path.slice(headingPath.length);
    const body = joinUnits(part.units);
    return own.length > 0 ? `${own.join(' › ')}\n${body}` : body;
  });
  return { headingPath: [...headingPath], text: texts.join('\n\n') };
}

function joinUnits(units: readonly Unit[]): string {
  let text = '';
  units.forEach((unit, i) => {
    const previous = units[i - 1];
    const line = unit.kind === 'item' ? `- ${unit.text}` : unit.text;
    if (!previous) text = line;
    else if (previous.block === unit.block) text += ` ${unit.text}`;
    else if (previous.kind === unit.kind && unit.kind !== 'prose') text += `\n${line}`;
    else text += `\n\n${line}`;
  });
  return text;
}

function commonPrefix(a: string[], b: string[]): string[] {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return a.slice(0, n);
}

function wordsOf(draft: Draft): number {
  return draft.reduce((sum, part) => sum + part.units.reduce((s, u) => s + u.words, 0), 0);
}

/** Whitespace-separated words: a cheap, stable stand-in for tokens (about 1.3 tokens per English word). */
export function countWords(text: string): number {
  const matches = text.match(/\S+/g);
  return matches ? matches.length : 0;
}

/** Cuts after . ! ? or … when what follows starts like a sentence; "e.g. this" stays whole. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…]["')\]]*)\s+(?=["'([]?[\p{Lu}\p{N}])/u)
    .map((s) => s.trim())
    .filter(Boolean);
}
