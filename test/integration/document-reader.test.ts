import { readFile } from 'node:fs/promises';
import { documentTypeOf, SUPPORTED_EXTENSIONS, sniffContentType } from '#lib/domain/knowledge/content-types';
import { LibraryDocumentReader } from '#lib/adapters/documents/document-reader';
import { UnreadableDocumentError } from '#lib/domain/errors';
import type { Block, DocumentContentType, ParsedDocument } from '#lib/domain/knowledge/types';

const DOCX: DocumentContentType = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const reader = new LibraryDocumentReader();

async function fixture(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(new URL(`../fixtures/documents/${name}`, import.meta.url)));
}

async function read(name: string, contentType: DocumentContentType): Promise<ParsedDocument> {
  return reader.read({ bytes: await fixture(name), contentType, filename: name });
}

function text(bytes: string): Uint8Array {
  return new TextEncoder().encode(bytes);
}

function textsOf(blocks: Block[], kind: Block['kind']): string[] {
  return blocks.filter((block) => block.kind === kind).map((block) => block.text);
}

function headingsOf(blocks: Block[]): Array<[number, string]> {
  return blocks.flatMap((block) => (block.kind === 'heading' ? [[block.level, block.text] as [number, string]] : []));
}

async function failureOf(promise: Promise<unknown>): Promise<UnreadableDocumentError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnreadableDocumentError);
  return error as UnreadableDocumentError;
}

describe('LibraryDocumentReader', () => {
  describe('PDF', () => {
    it('reads the text of every page as paragraphs, with the title from the metadata', async () => {
      const document = await read('refund-policy.pdf', 'application/pdf');

      expect(document.title).toBe('Acme Refund Policy');
      expect(document.pages).toBe(2);
      expect(textsOf(document.blocks, 'paragraph')).toContain(
        'Refunds are issued within 14 days of receiving the returned item, to the original payment method. ' +
          'You will get an e-mail as soon as the refund has been sent.',
      );
      expect(textsOf(document.blocks, 'paragraph').at(-1)).toMatch(/^Gift cards and items marked as final sale/);
    });

    it('takes lines set larger than the body text as headings', async () => {
      const document = await read('refund-policy.pdf', 'application/pdf');

      expect(headingsOf(document.blocks)).toEqual([
        [1, 'Refund Policy'],
        [2, 'How to start a return'],
        [2, 'Exceptions'],
      ]);
    });

    it.each([
      ['password-protected.pdf', 'the PDF is password-protected'],
      ['encrypted-or-corrupt.pdf', 'the file is not a valid PDF'],
      ['scanned.pdf', 'the PDF has no text layer (scanned images?)'],
    ])('refuses %s: %s', async (name, reason) => {
      const error = await failureOf(read(name, 'application/pdf'));

      expect(error.message).toBe(reason);
    });
  });

  describe('Word', () => {
    it('keeps headings, paragraphs, list items and table rows', async () => {
      const document = await read('price-sheet.docx', DOCX);

      expect(document.title).toBe('Acme Price Sheet');
      expect(headingsOf(document.blocks)).toEqual([
        [1, 'Acme Price Sheet'],
        [2, 'Every plan includes'],
        [2, 'Plans'],
      ]);
      expect(textsOf(document.blocks, 'paragraph')).toEqual([
        'All plans include e-mail support and a 30-day free trial. Prices are in US dollars.',
      ]);
      expect(textsOf(document.blocks, 'list-item')).toEqual(['Unlimited conversations', 'Single sign-on with Okta']);
      expect(textsOf(document.blocks, 'row')).toEqual([
        'Plan: Starter; Price: $19/month; Seats: 3',
        'Plan: Team; Price: $49/month; Seats: 10',
        'Plan: Enterprise; Price: $199/month; Seats: Unlimited',
      ]);
    });

    it('refuses a file that is not a .docx, naming the old .doc format when it is one', async () => {
      const notZip = await failureOf(reader.read({ bytes: text('hello'), contentType: DOCX }));
      const oldDoc = await failureOf(
        reader.read({ bytes: new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), contentType: DOCX }),
      );

      expect(notZip.message).toBe('the file is not a valid Word document (.docx)');
      expect(oldDoc.message).toContain('old .doc');
    });
  });

  describe('HTML', () => {
    it('keeps the content of <main> and drops navigation, header, footer, forms, scripts and hidden elements', async () => {
      const document = await read('warranty.html', 'text/html');

      const all = document.blocks.map((block) => block.text).join('\n');
      expect(all).toContain('Every Acme kettle comes with a two-year warranty against manufacturing defects.');
      for (const boilerplate of [
        'Acme home',
        'About us',
        'Breadcrumbs',
        'analytics',
        'font-family',
        'Internal note',
        'SAVE50',
        'enable JavaScript',
        'Subscribe',
        'descaling',
        'Cookie settings',
      ]) {
        expect(all).not.toContain(boilerplate);
      }
    });

    it('reads headings, nested list items, table rows under their headers and quotes, entities decoded', async () => {
      const document = await read('warranty.html', 'text/html');

      expect(document.title).toBe('Warranty & Repairs | Acme');
      expect(headingsOf(document.blocks)).toEqual([
        [1, 'Warranty & Repairs'],
        [2, 'What is covered'],
        [2, 'Repair costs after the warranty'],
      ]);
      expect(textsOf(document.blocks, 'list-item')).toEqual([
        'Heating element failure',
        'Broken lid hinge',
        'Replacement lids ship free of charge',
      ]);
      expect(textsOf(document.blocks, 'row')).toEqual(['Part: Heating element; Cost: €25', 'Part: Lid; Cost: €9']);
      expect(textsOf(document.blocks, 'paragraph')).toContain('Repairs take about five working days.');
    });

    it('takes the first h1 as the title of a page without <title>, and reads loose text as paragraphs', async () => {
      const html = '<body><div>Intro text<br><br>Second part</div><h1>Store hours</h1><div>Open <b>daily</b></div>';

      const document = await reader.read({ bytes: text(html), contentType: 'text/html' });

      expect(document.title).toBe('Store hours');
      expect(textsOf(document.blocks, 'paragraph')).toEqual(['Intro text', 'Second part', 'Open daily']);
    });

    it('decodes a page that is not UTF-8 as Windows-1252', async () => {
      const euro = Buffer.from([0x80]); // € in Windows-1252, not valid UTF-8
      const latin1 = Buffer.concat([Buffer.from('<p>Café crème: ', 'latin1'), euro, Buffer.from('4</p>')]);

      const document = await reader.read({ bytes: latin1, contentType: 'text/html' });

      expect(textsOf(document.blocks, 'paragraph')).toEqual(['Café crème: €4']);
    });
  });

  describe('Markdown', () => {
    it('reads headings, list items, table rows, code and quotes as plain text', async () => {
      const document = await read('shipping.md', 'text/markdown');

      expect(document.title).toBe('Shipping');
      expect(headingsOf(document.blocks)).toEqual([
        [1, 'Shipping'],
        [2, 'Delivery times'],
        [2, 'Rates'],
      ]);
      expect(textsOf(document.blocks, 'list-item')).toEqual([
        'Netherlands and Belgium: next working day',
        'Rest of the EU: 2–4 working days',
        'Islands may take one extra day',
        'United Kingdom: 3–5 working days, customs included',
      ]);
      expect(textsOf(document.blocks, 'row')).toEqual([
        'Destination: Benelux; Rate: €4.95; Free above: €50',
        'Destination: EU; Rate: €9.95; Free above: €100',
      ]);
      expect(textsOf(document.blocks, 'paragraph')).toEqual([
        'We ship from our warehouse in Rotterdam. Orders placed before 2 pm CET leave the same day.',
        'Tracking links are sent by e-mail as soon as the parcel has left the warehouse. See the tracking page for details.',
        'Parcel IDs look like AC-1234-5678.',
        'Express delivery costs €14.95 & arrives before noon.',
      ]);
    });
  });

  describe('CSV', () => {
    it('reads each record as a row naming its columns, without a title', async () => {
      const document = await read('plans.csv', 'text/csv');

      expect(document.title).toBeUndefined();
      expect(document.blocks).toEqual([
        { kind: 'row', text: 'Plan: Starter; Monthly price: $19; Seats: 3; Support: E-mail' },
        { kind: 'row', text: 'Plan: Team; Monthly price: $49; Seats: 10; Support: E-mail, chat' },
        {
          kind: 'row',
          text: 'Plan: Enterprise; Monthly price: $199; Seats: Unlimited; Support: Dedicated manager, 1-hour response',
        },
      ]);
    });

    it('reads a semicolon-separated export with a byte order mark and leaves out empty cells', async () => {
      const csv = '\uFEFFProduct;Price;Note\r\nKettle;49,95;\r\nLid;9,00;spare part\r\n';

      const document = await reader.read({ bytes: text(csv), contentType: 'text/csv' });

      expect(textsOf(document.blocks, 'row')).toEqual([
        'Product: Kettle; Price: 49,95',
        'Product: Lid; Price: 9,00; Note: spare part',
      ]);
    });
  });

  describe('plain text', () => {
    it('reads paragraphs separated by blank lines', async () => {
      const document = await read('returns.txt', 'text/plain');

      expect(document.title).toBeUndefined();
      expect(document.pages).toBe(1);
      expect(textsOf(document.blocks, 'paragraph')).toEqual([
        'Returns',
        'You can return any unused item within 30 days of delivery. Items must be in their original packaging.',
        'Return shipping is free for customers in the Netherlands; everyone else pays the return postage.',
        'Questions? Write to returns@acme.example.',
      ]);
    });

    it('reads UTF-16 text that starts with a byte order mark', async () => {
      const bytes = Buffer.from('\uFEFFOpen on Sundays.\r\n\r\nClosed on holidays.', 'utf16le');

      const document = await reader.read({ bytes, contentType: 'text/plain' });

      expect(textsOf(document.blocks, 'paragraph')).toEqual(['Open on Sundays.', 'Closed on holidays.']);
    });

    it('estimates pages from the length of the text', async () => {
      const long = Array.from({ length: 40 }, () => 'Our support team answers within one working day. '.repeat(5)).join(
        '\n\n',
      );

      const document = await reader.read({ bytes: text(long), contentType: 'text/plain' });

      expect(document.pages).toBe(4);
    });
  });

  describe('unreadable input', () => {
    const binary = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256);

    it.each<DocumentContentType>(['text/plain', 'text/markdown', 'text/html', 'text/csv'])(
      'refuses binary data declared as %s',
      async (contentType) => {
        const error = await failureOf(reader.read({ bytes: binary, contentType }));

        expect(error.message).toBe('the file is not text (it looks like binary data)');
      },
    );

    it('refuses binary data declared as a PDF', async () => {
      const error = await failureOf(reader.read({ bytes: binary, contentType: 'application/pdf' }));

      expect(error.message).toBe('the file is not a valid PDF');
    });

    it.each<[DocumentContentType, string]>([
      ['text/plain', ' \n\n \t\n'],
      ['text/markdown', '---\n\n   \n'],
      ['text/html', '<html><head><title>Empty</title></head><body><nav>Home</nav><script>x()</script></body></html>'],
      ['text/csv', 'Plan,Price\n'],
    ])('refuses a %s document without text', async (contentType, content) => {
      const error = await failureOf(reader.read({ bytes: text(content), contentType }));

      expect(error.message).toBe('the document contains no text');
    });
  });
});

describe('documentTypeOf', () => {
  it.each<[{ filename?: string; contentType?: string }, DocumentContentType | undefined]>([
    [{ contentType: 'application/pdf' }, 'application/pdf'],
    [{ contentType: 'Text/HTML; charset=utf-8' }, 'text/html'],
    [{ contentType: 'application/xhtml+xml' }, 'text/html'],
    [{ contentType: 'text/x-markdown' }, 'text/markdown'],
    [{ contentType: 'application/csv' }, 'text/csv'],
    [{ contentType: 'text/x-csv' }, 'text/csv'],
    [{ contentType: DOCX, filename: 'prices' }, DOCX],
    [{ contentType: 'application/octet-stream', filename: 'Price Sheet.DOCX' }, DOCX],
    [{ contentType: 'application/vnd.ms-excel', filename: 'plans.csv' }, 'text/csv'],
    [{ contentType: 'text/plain', filename: 'faq.md' }, 'text/markdown'],
    [{ contentType: 'text/plain', filename: 'notes' }, 'text/plain'],
    [{ contentType: 'text/markdown', filename: 'faq.txt' }, 'text/markdown'],
    [{ filename: 'guide.markdown' }, 'text/markdown'],
    [{ filename: 'index.htm' }, 'text/html'],
    [{ filename: 'readme.txt' }, 'text/plain'],
    [{ filename: 'manual.pdf' }, 'application/pdf'],
    [{ contentType: 'image/png', filename: 'logo.png' }, undefined],
    [{ contentType: 'application/msword', filename: 'old.doc' }, undefined],
    [{ contentType: 'application/octet-stream' }, undefined],
    [{}, undefined],
  ])('resolves %j to %p', (input, expected) => {
    expect(documentTypeOf(input)).toBe(expected);
  });

  it('lists the supported extensions for error messages', () => {
    expect(SUPPORTED_EXTENSIONS).toEqual(['.pdf', '.docx', '.txt', '.md', '.markdown', '.html', '.htm', '.csv']);
  });
});

describe('sniffContentType', () => {
  it('keeps a useful declared media type, without its parameters', () => {
    expect(sniffContentType(text('%PDF-1.7'), 'text/plain; charset=utf-8')).toBe('text/plain');
  });

  it.each([
    ['%PDF-1.7\n', 'application/pdf'],
    ['\uFEFF  <!DOCTYPE html><html>', 'text/html'],
    ['<!-- generated --><html lang="en">', 'text/html'],
    ['just some text', 'application/octet-stream'],
  ])('recognises %p served as application/octet-stream', (content, expected) => {
    expect(sniffContentType(text(content), 'application/octet-stream')).toBe(expected);
  });

  it('recognises a Word document by its zip entries', async () => {
    expect(sniffContentType(await fixture('price-sheet.docx'))).toBe(DOCX);
  });
});
