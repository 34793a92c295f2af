/** Plain text to blocks: paragraphs separated by blank lines; no title, as plain text marks none. */
import type { Block, ParsedDocument } from '#lib/domain/knowledge/types';
import { decodeText, estimatePages, splitParagraphs } from '#lib/adapters/documents/text';

/** Reads a plain-text file as paragraphs. */
export function readPlainText(bytes: Uint8Array): ParsedDocument {
  const blocks: Block[] = splitParagraphs(decodeText(bytes)).map((text) => ({ kind: 'paragraph', text }));
  return { blocks, pages: estimatePages(blocks) };
}
