/**
 * Which reader a document goes to, from what its sender declared: the media type first, the file
 * extension when the type says too little (browsers send `application/octet-stream`, or
 * `text/plain` for a .md file, or Excel's type for a .csv).
 */
import type { DocumentContentType } from '#lib/domain/knowledge/types';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Media types (and their common aliases) read as each supported type. */
const MEDIA_TYPES: Readonly<Record<string, DocumentContentType>> = {
  'text/plain': 'text/plain',
  'text/markdown': 'text/markdown',
  'text/x-markdown': 'text/markdown',
  'text/html': 'text/html',
  'application/xhtml+xml': 'text/html',
  'text/csv': 'text/csv',
  'application/csv': 'text/csv',
  'text/x-csv': 'text/csv',
  'application/pdf': 'application/pdf',
  'application/x-pdf': 'application/pdf',
  [DOCX]: DOCX,
};

const EXTENSIONS: Readonly<Record<string, DocumentContentType>> = {
  '.pdf': 'application/pdf',
  '.docx': DOCX,
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.csv': 'text/csv',
};

/** The file extensions Parley reads, for error messages. */
export const SUPPORTED_EXTENSIONS: readonly string[] = Object.keys(EXTENSIONS);

/**
 * The type a document is read as, or undefined when Parley cannot read it (a 415). A declared media
 * type is taken when it is one Parley knows (parameters such as charset ignored), except that
 * `text/plain` gives way to a more specific extension; any other declared type defers to the
 * extension, since the reader checks the content anyway.
 */
export function documentTypeOf(input: { filename?: string; contentType?: string }): DocumentContentType | undefined {
  const declared = input.contentType === undefined ? undefined : MEDIA_TYPES[mediaTypeOf(input.contentType)];
  const byExtension = input.filename === undefined ? undefined : EXTENSIONS[extensionOf(input.filename)];
  if (declared === 'text/plain') return byExtension ?? declared;
  return declared ?? byExtension;
}

/**
 * The media type of fetched or uploaded bytes that came without a useful one (none, or
 * `application/octet-stream`): a PDF, a Word file or an HTML page is recognised by how it starts.
 * A useful declared type is returned as is, without parameters.
 */
export function sniffContentType(bytes: Uint8Array, declared?: string): string {
  const media = declared === undefined ? '' : mediaTypeOf(declared);
  if (media !== '' && media !== 'application/octet-stream') return media;
  // UTF-8 (a byte order mark dropped) reads the ASCII signatures and any page alike.
  const head = new TextDecoder().decode(bytes.subarray(0, 1024));
  if (head.startsWith('%PDF-')) return 'application/pdf';
  // A .docx is a zip with a word/document.xml entry; entry names are stored uncompressed.
  if (head.startsWith('PK\u0003\u0004') && containsAscii(bytes, 'word/document.xml')) return DOCX;
  if (/^\s*(<!--.*?-->\s*)*<(!doctype html|html|head|body)[\s>]/is.test(head)) return 'text/html';
  return media === '' ? 'application/octet-stream' : media;
}

/** `Text/HTML; charset=utf-8` → `text/html`. */
export function mediaTypeOf(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

function containsAscii(bytes: Uint8Array, needle: string): boolean {
  const codes = Array.from(needle, (c) => c.charCodeAt(0));
  const [first = 0] = codes;
  for (let i = bytes.indexOf(first); i >= 0; i = bytes.indexOf(first, i + 1)) {
    if (codes.every((code, j) => bytes[i + j] === code)) return true;
  }
  return false;
}

function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot < 0 ? '' : filename.slice(dot).toLowerCase();
}
