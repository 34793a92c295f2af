/**
 * PDF to blocks with unpdf (PDF.js built for servers). A PDF has no paragraphs or headings, only
 * positioned text, so both are inferred from the layout: a wider gap between lines starts a
 * paragraph, and a short line in a clearly larger font than the body is a heading.
 */
import { extractTextItems, getDocumentProxy, getMeta } from 'unpdf';
import { UnreadableDocumentError } from '#lib/domain/errors';
import type { Block, ParsedDocument } from '#lib/domain/knowledge/types';
import { collapseWhitespace } from '#lib/adapters/documents/text';

/** A gap between baselines beyond this many font sizes starts a new paragraph (lines sit ~1.2 apart). */
const PARAGRAPH_GAP = 1.8;
/** A line this much larger than the body text may be a heading… */
const HEADING_SCALE = 1.2;
/** …if it is this short. */
const MAX_HEADING_CHARS = 150;
/** PDF.js's quietest setting: errors only, no "Warning: …" lines on the console. */
const VERBOSITY_ERRORS = 0;

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;
type TextItem = Awaited<ReturnType<typeof extractTextItems>>['items'][number][number];

interface Line {
  text: string;
  /** Baseline, in PDF units from the bottom of the page. */
  y: number;
  size: number;
}

/** Reads a PDF: text page by page, the title from its metadata, pages as the PDF counts them. */
export async function readPdf(bytes: Uint8Array): Promise<ParsedDocument> {
  const pdf = await open(bytes);
  try {
    const { info } = await getMeta(pdf);
    const { items } = await extractTextItems(pdf);
    const pages = items.map(linesOf);
    const blocks = blocksOf(pages);
    if (blocks.length === 0) throw new UnreadableDocumentError('the PDF has no text layer (scanned images?)');
    const title = typeof info.Title === 'string' ? collapseWhitespace(info.Title) : '';
    return { ...(title && { title }), blocks, pages: pdf.numPages };
  } finally {
    await pdf.destroy();
  }
}

async function open(bytes: Uint8Array): Promise<PdfDocument> {
  try {
    // A copy: PDF.js takes ownership of (detaches) the buffer it is given.
    return await getDocumentProxy(new Uint8Array(bytes), { verbosity: VERBOSITY_ERRORS });
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const reason = name === 'PasswordException' ? 'the PDF is password-protected' : 'the file is not a valid PDF';
    throw new UnreadableDocumentError(reason, { cause: error });
  }
}

/** Text items joined into lines: a line ends where PDF.js marks one or the baseline moves. */
function linesOf(items: readonly TextItem[]): Line[] {
  const lines: Line[] = [];
  let current: Line | undefined;
  for (const item of items) {
    if (current && Math.abs(item.y - current.y) > Math.max(item.fontSize, current.size) / 2) current = undefined;
    if (!current) {
      current = { text: '', y: item.y, size: 0 };
      lines.push(current);
    }
    current.text += item.str;
    if (item.str.trim() !== '') current.size = Math.max(current.size, item.fontSize);
    if (item.hasEOL) current = undefined;
  }
  return lines.map((line) => ({ ...line, text: collapseWhitespace(line.text) })).filter((line) => line.text !== '');
}

function blocksOf(pages: readonly Line[][]): Block[] {
  const body = bodySize(pages.flat());
  const headingSizes = [...new Set(pages.flat().map((l) => l.size))]
    .filter((size) => size >= body * HEADING_SCALE)
    .sort((a, b) => b - a);
  const isHeading = (line: Line): boolean => line.size >= body * HEADING_SCALE && line.text.length <= MAX_HEADING_CHARS;
  const blocks: Block[] = [];
  for (const lines of pages) {
    let previous: Line | undefined;
    let paragraph: string[] = [];
    const endParagraph = (): void => {
      if (paragraph.length > 0) blocks.push({ kind: 'paragraph', text: joinLines(paragraph) });
      paragraph = [];
    };
    for (const line of lines) {
      if (isHeading(line)) {
        endParagraph();
        const last = blocks.at(-1);
        // A heading set over two lines is one heading.
        if (previous && isHeading(previous) && previous.size === line.size && isNextLine(previous, line)) {
          if (last?.kind === 'heading') last.text = `${last.text} ${line.text}`;
        } else {
          const level = Math.min(6, headingSizes.indexOf(line.size) + 1);
          blocks.push({ kind: 'heading', level, text: line.text });
        }
      } else {
        if (previous && (isHeading(previous) || !isNextLine(previous, line))) endParagraph();
        paragraph.push(line.text);
      }
      previous = line;
    }
    endParagraph();
  }
  return blocks;
}

/** Whether `line` follows `previous` in the same run of text: just below it, not after a gap or in another column. */
function isNextLine(previous: Line, line: Line): boolean {
  const gap = previous.y - line.y;
  return gap > 0 && gap <= line.size * PARAGRAPH_GAP;
}

/** The font size most of the text is set in. */
function bodySize(lines: readonly Line[]): number {
  const chars = new Map<number, number>();
  for (const line of lines) chars.set(line.size, (chars.get(line.size) ?? 0) + line.text.length);
  return [...chars].reduce((best, entry) => (entry[1] > best[1] ? entry : best), [0, 0])[0];
}

/** Lines into one paragraph, rejoining words hyphenated across a line break ("refund-" + "able"). */
function joinLines(lines: readonly string[]): string {
  return lines.reduce((text, line) =>
    /\p{Ll}-$/u.test(text) && /^\p{Ll}/u.test(line) ? text.slice(0, -1) + line : `${text} ${line}`,
  );
}
