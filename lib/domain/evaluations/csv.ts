/**
 * CSV as test cases are uploaded in (RFC 4180: comma-separated, fields optionally in double quotes
 * with `""` for a quote inside, CRLF or LF line ends, an optional byte-order mark), read into one
 * record per row keyed by the header's column names.
 */
import { ValidationError } from '#lib/domain/errors';

/** The columns a cases CSV may have; `message` is required. */
export const CASE_CSV_COLUMNS = [
  'message',
  'contains',
  'not_contains',
  'cites_document_id',
  'offers_goal_url',
  'escalates',
  'abstains',
] as const;

export type CaseCsvColumn = (typeof CASE_CSV_COLUMNS)[number];

/** One data row: its number (1 for the first row after the header) and its non-empty cells. */
export interface CsvRow {
  row: number;
  cells: Partial<Record<CaseCsvColumn, string>>;
}

/** The data rows of a cases CSV; throws ValidationError naming the row, line or column at fault. */
export function readCasesCsv(text: string): CsvRow[] {
  const lines = parseCsv(text.replace(/^\uFEFF/, ''));
  const [header, ...data] = lines.filter((fields) => fields.some((field) => field.trim() !== ''));
  if (header === undefined) throw csvError('csv', 'is empty: the first line must be the header');
  const columns = header.map((name) => name.trim().toLowerCase());
  columns.forEach((name, index) => {
    if (!(CASE_CSV_COLUMNS as readonly string[]).includes(name)) {
      throw csvError(`csv.header.${index + 1}`, `unknown column "${name}": use ${CASE_CSV_COLUMNS.join(', ')}`);
    }
    if (columns.indexOf(name) !== index) throw csvError(`csv.header.${index + 1}`, `column "${name}" appears twice`);
  });
  if (!columns.includes('message')) throw csvError('csv.header', 'must have a message column');
  if (data.length === 0) throw csvError('csv', 'has a header but no rows');
  return data.map((fields, index) => {
    const row = index + 1;
    if (fields.length > columns.length) {
      throw csvError(`rows.${row}`, `row ${row} has ${fields.length} cells; the header has ${columns.length} columns`);
    }
    const cells: CsvRow['cells'] = {};
    fields.forEach((field, column) => {
      if (field.trim() !== '') cells[columns[column] as CaseCsvColumn] = field.trim();
    });
    return { row, cells };
  });
}

/** A `|`-separated list cell as its items, blanks dropped. */
export function splitListCell(cell: string | undefined): string[] | undefined {
  if (cell === undefined) return undefined;
  const items = cell
    .split('|')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items.length === 0 ? undefined : items;
}

/** A yes/no cell: true/false (also yes/no, 1/0), or undefined when empty; throws naming the cell. */
export function readBooleanCell(cell: string | undefined, row: number, column: CaseCsvColumn): boolean | undefined {
  if (cell === undefined) return undefined;
  const value = cell.toLowerCase();
  if (['true', 'yes', '1'].includes(value)) return true;
  if (['false', 'no', '0'].includes(value)) return false;
  throw csvError(`rows.${row}.${column}`, `row ${row}, column ${column}: must be true, false or empty, not "${cell}"`);
}

/** Every line's fields; a quoted field may hold commas, quotes (`""`) and line breaks. */
function parseCsv(text: string): string[][] {
  const lines: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        field += char;
      }
    } else if (char === '"' && field === '') quoted = true;
    else if (char === '"')
      throw csvError('csv', `line ${line}: a quote inside an unquoted cell (quote the whole cell)`);
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      lines.push(fields);
      fields = [];
      field = '';
      line++;
    } else field += char;
  }
  if (quoted) throw csvError('csv', `line ${line}: a quoted cell is never closed`);
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    lines.push(fields);
  }
  return lines;
}

function csvError(path: string, message: string): ValidationError {
  return new ValidationError(`invalid CSV: ${message}`, { details: [{ path, message }] });
}
