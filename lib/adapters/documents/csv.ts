/** CSV to blocks: one row block per record, each naming its columns so it reads on its own. */
import { parse } from 'csv-parse/sync';
import { UnreadableDocumentError } from '#lib/domain/errors';
import type { Block, ParsedDocument } from '#lib/domain/knowledge/types';
import { collapseWhitespace, decodeText, estimatePages, rowText } from '#lib/adapters/documents/text';

const DELIMITERS = [',', ';', '\t'] as const;

/**
 * Reads a CSV file whose first record holds the column names. The delimiter (comma, semicolon or
 * tab) is the one the header line uses most, since spreadsheets in many locales export semicolons.
 */
export function readCsv(bytes: Uint8Array): ParsedDocument {
  const text = decodeText(bytes);
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: delimiterOf(text),
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    });
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message}` : '';
    throw new UnreadableDocumentError(`the CSV file could not be parsed${detail}`, { cause: error });
  }
  const [header = [], ...rows] = records.map((record) => record.map(collapseWhitespace));
  const blocks: Block[] = rows
    .map((cells) => rowText(header, cells))
    .filter((text) => text !== '')
    .map((text) => ({ kind: 'row', text }));
  return { blocks, pages: estimatePages(blocks) };
}

function delimiterOf(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const count = (delimiter: string): number => firstLine.split(delimiter).length;
  return DELIMITERS.reduce((best, delimiter) => (count(delimiter) > count(best) ? delimiter : best));
}
