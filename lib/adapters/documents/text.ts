/** What every format's parser shares: decoding bytes to text, whitespace, table rows, page estimates. */
import { UnreadableDocumentError } from '#lib/domain/errors';
import type { Block } from '#lib/domain/knowledge/types';

/** Roughly one printed page of prose: how a document without pages of its own is counted. */
const CHARS_PER_PAGE = 3_000;
/** Enough of the start of a file to tell text from binary. */
const SNIFF_BYTES = 8 * 1024;
/** Text has next to no control characters; any binary format has plenty. */
const MAX_CONTROL_RATIO = 0.02;

/**
 * The text of a file: UTF-8 (a byte order mark dropped), UTF-16 when it starts with a byte order
 * mark, and Windows-1252 when the bytes are not valid UTF-8, which is what spreadsheet exports and
 * old pages usually are. Throws UnreadableDocumentError for binary content.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  if (looksBinary(bytes)) throw new UnreadableDocumentError('the file is not text (it looks like binary data)');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

/** Windows-1252's characters for bytes 0x80–0x9F; the five it leaves undefined stay as they are. */
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/**
 * Windows-1252 by hand: Node 20's TextDecoder reads `windows-1252` as ISO-8859-1, which has
 * control characters where Windows-1252 has €, curly quotes and dashes.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80] ?? c);
}

function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, SNIFF_BYTES);
  let control = 0;
  for (const byte of sample) {
    // Tab, line feed, form feed and carriage return are text; the rest below space are not.
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) control++;
  }
  return control > sample.length * MAX_CONTROL_RATIO;
}

/** Runs of whitespace (non-breaking spaces included) as one space, trimmed. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The paragraphs of plain text: separated by blank lines, each on one line. */
export function splitParagraphs(text: string): string[] {
  return text
    .split(/\n[^\S\n]*\n/)
    .map(collapseWhitespace)
    .filter((paragraph) => paragraph !== '');
}

/**
 * A table row that reads on its own: "Plan: Team; Price: $49/month". Empty cells are left out; a
 * cell without a header stands alone.
 */
export function rowText(headers: readonly string[], cells: readonly string[]): string {
  return cells
    .map((cell, i) => {
      const header = headers[i] ?? '';
      if (cell === '') return '';
      return header === '' || header === cell ? cell : `${header}: ${cell}`;
    })
    .filter((part) => part !== '')
    .join('; ');
}

/** Pages for a document that has none of its own, from the length of its text; at least one. */
export function estimatePages(blocks: readonly Block[]): number {
  const chars = blocks.reduce((sum, block) => sum + block.text.length, 0);
  return Math.max(1, Math.ceil(chars / CHARS_PER_PAGE));
}
