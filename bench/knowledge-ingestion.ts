/**
 * Ingestion throughput without embedding calls: pages per second through what the ingester does
 * to a document (read it with the production readers, cut it into passages, compute the search
 * terms, serialise the chunk set), per format. The PDF and DOCX inputs are generated here, tens of
 * pages each, so the figures are about documents of a realistic size rather than the tiny test
 * fixtures. A page of a non-PDF format is counted as the readers estimate it (3,000 characters).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { LibraryDocumentReader } from '#lib/adapters/documents/document-reader';
import { chunkDocument } from '#lib/domain/knowledge/chunking';
import { createChunkSet } from '#lib/domain/knowledge/chunk-set';
import type { DocumentContentType } from '#lib/domain/knowledge/types';
import { KNOWLEDGE_SET_DIR } from '#test/support/knowledge-set';
import { currentLoad, describeMachine, formatTable, type Machine, round1, writeReport } from './report.ts';

export const SETTINGS = Object.freeze({ pdfPages: 60, docxPages: 40, runs: 3 });

const OUTPUT_FILE = '.bench/knowledge-ingestion.json';
const FIXTURES = join(import.meta.dirname, '../test/fixtures/documents');

interface Input {
  format: string;
  contentType: DocumentContentType;
  files: { name: string; bytes: Uint8Array }[];
}

interface FormatFigures {
  format: string;
  documents: number;
  pages: number;
  passages: number;
  /** Best of the runs: the least disturbed by the machine's other work. */
  ms: number;
  pagesPerSecond: number;
}

export interface KnowledgeIngestionReport {
  benchmark: 'knowledge-ingestion';
  date: string;
  machine: Machine;
  settings: typeof SETTINGS;
  formats: FormatFigures[];
  problems: string[];
}

/** A few sentences of help-centre prose, varied by `n` so pages are not identical. */
function prose(n: number): string {
  return (
    `Section ${n}. Customers on the Team plan can invite up to ${10 + (n % 7)} colleagues. ` +
    `Invoices are sent on day ${1 + (n % 28)} of each month and can be paid by card or bank transfer. ` +
    'Refunds are issued within 14 days to the original payment method. Support answers within one working day.'
  );
}

async function makePdf(pages: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < pages; p++) {
    const page = pdf.addPage([612, 792]);
    page.drawText(`Chapter ${p + 1}`, { x: 72, y: 720, size: 16, font });
    for (let line = 0; line < 38; line++) {
      const text = prose(p * 40 + line).slice(0, 95);
      page.drawText(text, { x: 72, y: 690 - line * 16, size: 10, font });
    }
  }
  return pdf.save();
}

async function makeDocx(pages: number): Promise<Uint8Array> {
  const children: Paragraph[] = [];
  for (let p = 0; p < pages; p++) {
    children.push(new Paragraph({ heading: HeadingLevel.HEADING_2, text: `Chapter ${p + 1}` }));
    for (let i = 0; i < 6; i++) children.push(new Paragraph({ text: `${prose(p * 6 + i)} ${prose(p * 6 + i + 1)}` }));
  }
  return new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children }] })));
}

async function loadInputs(): Promise<Input[]> {
  const fixture = async (name: string) => ({ name, bytes: new Uint8Array(await readFile(join(FIXTURES, name))) });
  const setDir = join(KNOWLEDGE_SET_DIR, 'documents');
  const markdown = await Promise.all(
    (await readdir(setDir))
      .filter((name) => name.endsWith('.md'))
      .map(async (name) => ({ name, bytes: new Uint8Array(await readFile(join(setDir, name))) })),
  );
  const html = (await fixture('warranty.html')).bytes;
  const bigHtml = new TextEncoder().encode(
    `<html><body><main>${Array.from({ length: 400 }, (_, i) => `<h2>Topic ${i}</h2><p>${prose(i)}</p>`).join('')}</main></body></html>`,
  );
  const csvRows = Array.from({ length: 2_000 }, (_, i) => `Plan ${i},$${i % 300},${i % 50},E-mail`).join('\n');
  return [
    {
      format: 'pdf',
      contentType: 'application/pdf',
      files: [{ name: 'book.pdf', bytes: await makePdf(SETTINGS.pdfPages) }],
    },
    {
      format: 'docx',
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      files: [{ name: 'handbook.docx', bytes: await makeDocx(SETTINGS.docxPages) }],
    },
    {
      format: 'html',
      contentType: 'text/html',
      files: [
        { name: 'warranty.html', bytes: html },
        { name: 'topics.html', bytes: bigHtml },
      ],
    },
    { format: 'markdown', contentType: 'text/markdown', files: markdown },
    {
      format: 'csv',
      contentType: 'text/csv',
      files: [{ name: 'plans.csv', bytes: new TextEncoder().encode(`Plan,Price,Seats,Support\n${csvRows}`) }],
    },
    { format: 'txt', contentType: 'text/plain', files: [await fixture('returns.txt')] },
  ];
}

async function ingestAll(reader: LibraryDocumentReader, input: Input) {
  let pages = 0;
  let passages = 0;
  for (const file of input.files) {
    const parsed = await reader.read({ bytes: file.bytes, contentType: input.contentType, filename: file.name });
    const title = parsed.title ?? file.name;
    const chunks = chunkDocument(parsed, { documentId: file.name, title });
    JSON.stringify(createChunkSet({ documentId: file.name, uploadId: 'upl_bench', title, chunks }));
    pages += parsed.pages;
    passages += chunks.length;
  }
  return { pages, passages };
}

export async function runKnowledgeIngestionBenchmark(): Promise<{ problems: string[] }> {
  const loadBefore = currentLoad();
  const reader = new LibraryDocumentReader();
  const inputs = await loadInputs();
  const formats: FormatFigures[] = [];
  for (const input of inputs) {
    await ingestAll(reader, input);
    let best = Number.POSITIVE_INFINITY;
    let counted = { pages: 0, passages: 0 };
    for (let run = 0; run < SETTINGS.runs; run++) {
      const started = performance.now();
      counted = await ingestAll(reader, input);
      best = Math.min(best, performance.now() - started);
    }
    formats.push({
      format: input.format,
      documents: input.files.length,
      ...counted,
      ms: round1(best),
      pagesPerSecond: round1((counted.pages / best) * 1000),
    });
  }
  const report: KnowledgeIngestionReport = {
    benchmark: 'knowledge-ingestion',
    date: new Date().toISOString(),
    machine: describeMachine(loadBefore),
    settings: SETTINGS,
    formats,
    problems: formats.filter((f) => f.passages === 0).map((f) => `${f.format}: no passages`),
  };
  process.stdout.write(
    `Ingestion without embeddings (read → chunk → terms → JSON), best of ${SETTINGS.runs} runs\n` +
      formatTable([
        ['format', 'documents', 'pages', 'passages', 'ms', 'pages/s'],
        ...formats.map((f) => [
          f.format,
          `${f.documents}`,
          `${f.pages}`,
          `${f.passages}`,
          `${f.ms}`,
          `${f.pagesPerSecond}`,
        ]),
      ]),
  );
  await writeReport(OUTPUT_FILE, report);
  return { problems: report.problems };
}
