/** DocumentReader on open-source parsers: one small module per format, dispatched by media type. */
import { UnreadableDocumentError } from '#lib/domain/errors';
import type { DocumentContentType, ParsedDocument } from '#lib/domain/knowledge/types';
import type { DocumentReader } from '#lib/ports/knowledge';
import { readCsv } from '#lib/adapters/documents/csv';
import { readDocx } from '#lib/adapters/documents/docx';
import { readHtml } from '#lib/adapters/documents/html';
import { readMarkdown } from '#lib/adapters/documents/markdown';
import { readPdf } from '#lib/adapters/documents/pdf';
import { readPlainText } from '#lib/adapters/documents/plain-text';

const READERS: Record<DocumentContentType, (bytes: Uint8Array) => ParsedDocument | Promise<ParsedDocument>> = {
  'text/plain': readPlainText,
  'text/markdown': readMarkdown,
  'text/html': readHtml,
  'text/csv': readCsv,
  'application/pdf': readPdf,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': readDocx,
};

/**
 * Reads PDF (unpdf), Word .docx (mammoth), HTML (htmlparser2), Markdown (marked), CSV (csv-parse)
 * and plain text into blocks. Throws UnreadableDocumentError, with a reason the business can act
 * on, for a file that is corrupt, encrypted, binary or without any text.
 */
export class LibraryDocumentReader implements DocumentReader {
  async read(input: {
    bytes: Uint8Array;
    contentType: DocumentContentType;
    filename?: string;
  }): Promise<ParsedDocument> {
    const document = await READERS[input.contentType](input.bytes);
    if (document.blocks.length === 0) throw new UnreadableDocumentError('the document contains no text');
    return document;
  }
}
