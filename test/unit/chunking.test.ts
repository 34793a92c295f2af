import { chunkDocument, countWords, splitSentences } from '#lib/domain/knowledge/chunking';
import type { Block, ParsedDocument } from '#lib/domain/knowledge/types';
import { CHUNK_MIN_WORDS, CHUNK_OVERLAP_WORDS, CHUNK_TARGET_WORDS } from '#lib/domain/limits/knowledge';

const meta = { documentId: 'doc-1', title: 'Refund policy' };
const doc = (...blocks: Block[]): ParsedDocument => ({ blocks, pages: 1 });
const heading = (level: number, text: string): Block => ({ kind: 'heading', level, text });
const paragraph = (text: string): Block => ({ kind: 'paragraph', text });

/** Ten words, numbered so every sentence of a test is different. */
const sentence = (n: number) => `Sentence ${n} tells the reader one more thing worth knowing.`;
/** A paragraph of `count` ten-word sentences numbered from `from`. */
const sentences = (count: number, from = 0) => Array.from({ length: count }, (_, i) => sentence(from + i)).join(' ');

describe('chunkDocument', () => {
  it('gives each passage the document, its title, its headings and its position', () => {
    const chunks = chunkDocument(
      doc(heading(1, 'Refund policy'), heading(2, 'Annual plans'), paragraph(sentences(3))),
      meta,
    );

    expect(chunks).toEqual([
      {
        documentId: 'doc-1',
        title: 'Refund policy',
        headingPath: ['Refund policy', 'Annual plans'],
        position: 0,
        text: sentences(3),
      },
    ]);
  });

  it('gives nothing for a document without text', () => {
    expect(chunkDocument(doc(heading(1, 'Empty'), paragraph('   ')), meta)).toEqual([]);
  });

  it('leaves the heading path empty for text before the first heading', () => {
    const [chunk] = chunkDocument(doc(paragraph('Welcome.'), heading(2, 'Later'), paragraph('More.')), meta);

    expect(chunk?.headingPath).toEqual([]);
  });

  it('starts a new passage at a heading once the current one is big enough', () => {
    const chunks = chunkDocument(
      doc(heading(2, 'Monthly'), paragraph(sentences(10)), heading(2, 'Annual'), paragraph(sentences(10, 10))),
      meta,
    );

    expect(chunks.map((c) => [c.headingPath, c.position])).toEqual([
      [['Monthly'], 0],
      [['Annual'], 1],
    ]);
    expect(chunks[1]?.text).toBe(sentences(10, 10));
  });

  it('gathers small sections into one passage, writing their headings into the text', () => {
    const chunks = chunkDocument(
      doc(
        heading(1, 'FAQ'),
        heading(2, 'Trial'),
        paragraph('Fourteen days, no card.'),
        heading(2, 'Refunds'),
        paragraph('Within thirty days.'),
      ),
      meta,
    );

    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.headingPath).toEqual(['FAQ']);
    expect(chunks[0]?.text).toBe('Trial\nFourteen days, no card.\n\nRefunds\nWithin thirty days.');
  });

  it('keeps paragraphs whole, cutting between them', () => {
    const paragraphs = Array.from({ length: 6 }, (_, i) => sentences(6, i * 6));
    const chunks = chunkDocument(doc(heading(2, 'Policy'), ...paragraphs.map(paragraph)), meta);
    // A passage may open with the tail of the one before (the overlap); what follows is whole paragraphs.
    const wholeParts = chunks.flatMap((chunk) => chunk.text.split('\n\n').slice(1));

    expect(chunks.length).toBeGreaterThan(1);
    for (const part of wholeParts) expect(paragraphs).toContain(part);
    for (const p of paragraphs) expect(chunks.some((chunk) => chunk.text.includes(p))).toBe(true);
    for (const chunk of chunks) expect(countWords(chunk.text)).toBeLessThanOrEqual(CHUNK_TARGET_WORDS);
  });

  it('cuts a long paragraph between sentences and repeats the seam in the next passage', () => {
    const chunks = chunkDocument(doc(paragraph(sentences(60))), meta);

    expect(chunks.length).toBeGreaterThan(2);
    for (const [i, chunk] of chunks.entries()) {
      expect(countWords(chunk.text)).toBeLessThanOrEqual(CHUNK_TARGET_WORDS);
      expect(chunk.text).toMatch(/^Sentence \d+ .*knowing\.$/);
      if (i === 0) continue;
      const previous = splitSentences(chunks[i - 1]?.text ?? '');
      const repeated = splitSentences(chunk.text).filter((s) => previous.includes(s));
      expect(repeated.at(-1)).toBe(previous.at(-1));
      expect(chunk.text.startsWith(repeated.join(' '))).toBe(true);
    }
    const seen = new Set(chunks.flatMap((c) => splitSentences(c.text)));
    expect(seen.size).toBe(60);
  });

  it('overlaps passages by at most the overlap', () => {
    const chunks = chunkDocument(doc(paragraph(sentences(60))), meta);
    const overlaps = chunks.slice(1).map((chunk, i) => {
      const before = new Set(splitSentences(chunks[i]?.text ?? ''));
      return splitSentences(chunk.text).filter((s) => before.has(s));
    });

    for (const shared of overlaps) {
      expect(shared.length).toBeGreaterThan(0);
      expect(countWords(shared.join(' '))).toBeLessThanOrEqual(CHUNK_OVERLAP_WORDS);
    }
  });

  it('groups table rows without repeating any', () => {
    const rows: Block[] = Array.from({ length: 80 }, (_, i) => ({
      kind: 'row',
      text: `Plan: Plan ${i}; Price: $${i} per agent per month`,
    }));
    const chunks = chunkDocument(doc(heading(2, 'Prices'), ...rows), meta);
    const lines = chunks.flatMap((c) => c.text.split('\n'));

    expect(chunks.length).toBeGreaterThan(1);
    expect(lines).toEqual(rows.map((row) => row.text));
  });

  it('writes list items as a list', () => {
    const items: Block[] = ['Visa', 'Mastercard'].map((text) => ({ kind: 'list-item', text }));
    const [chunk] = chunkDocument(doc(paragraph('We accept:'), ...items), meta);

    expect(chunk?.text).toBe('We accept:\n\n- Visa\n- Mastercard');
  });

  it('cuts a run-on sentence longer than a passage by words', () => {
    const words = Array.from({ length: CHUNK_TARGET_WORDS * 2 + 10 }, (_, i) => `w${i}`);
    const chunks = chunkDocument(doc(paragraph(words.join(' '))), meta);

    expect(chunks.map((c) => countWords(c.text))).toEqual([CHUNK_TARGET_WORDS, CHUNK_TARGET_WORDS, 10]);
  });

  it('does not gather a section into a passage already past the minimum', () => {
    const chunks = chunkDocument(
      doc(heading(2, 'Long'), paragraph(sentences(CHUNK_MIN_WORDS / 10)), heading(2, 'Short'), paragraph('Tiny.')),
      meta,
    );

    expect(chunks.map((c) => c.headingPath)).toEqual([['Long'], ['Short']]);
  });
});

describe('splitSentences', () => {
  it('cuts after a full stop, question or exclamation mark followed by a capital', () => {
    expect(splitSentences('Yes. Can I? Sure! 14 days.')).toEqual(['Yes.', 'Can I?', 'Sure!', '14 days.']);
  });

  it('leaves abbreviations followed by lowercase alone', () => {
    expect(splitSentences('Use a card, e.g. a Visa card. Done.')).toEqual(['Use a card, e.g. a Visa card.', 'Done.']);
  });
});
