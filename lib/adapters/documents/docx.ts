/** Word (.docx) to blocks: mammoth turns styles into HTML headings, lists and tables; the HTML reader does the rest. */
import mammoth from 'mammoth';
import { UnreadableDocumentError } from '#lib/domain/errors';
import type { ParsedDocument } from '#lib/domain/knowledge/types';
import { htmlToDocument } from '#lib/adapters/documents/html';

/** An OLE compound file: a legacy .doc, or a .docx wrapped by Word's password protection. */
const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0];

// Images are left out rather than inlined as base64: they carry no text and would bloat the HTML.
const skipImages = mammoth.images.imgElement(async () => ({ src: '' }));

/** Reads a .docx file; the title is its first level-1 heading. */
export async function readDocx(bytes: Uint8Array): Promise<ParsedDocument> {
  if (OLE_SIGNATURE.every((byte, i) => bytes[i] === byte)) {
    throw new UnreadableDocumentError(
      'the file is an old .doc or a password-protected Word document; save it as an unprotected .docx',
    );
  }
  let html: string;
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    html = (await mammoth.convertToHtml({ buffer }, { convertImage: skipImages })).value;
  } catch (error) {
    throw new UnreadableDocumentError('the file is not a valid Word document (.docx)', { cause: error });
  }
  return htmlToDocument(html);
}
