/** Test cases off the wire: JSON cases and expectations → domain drafts, and CSV rows → the same. */
import type { z } from 'zod';
import type { CaseDraft } from '#lib/app/evaluations/test-sets';
import { ValidationError } from '#lib/domain/errors';
import {
  type CaseCsvColumn,
  type CsvRow,
  readBooleanCell,
  readCasesCsv,
  splitListCell,
} from '#lib/domain/evaluations/csv';
import type { CaseExpectations } from '#lib/domain/evaluations/types';
import { compact } from '#functions/http/presenters/compact';
import { caseInput, type expectInput } from '#functions/http/test-set-schemas';

/** Wire expectations (snake_case) → domain expectations. */
export function toExpectations(wire: z.output<typeof expectInput> | undefined): CaseExpectations {
  if (wire === undefined) return {};
  return compact({
    contains: wire.contains,
    notContains: wire.not_contains,
    citesDocumentId: wire.cites_document_id,
    offersGoalUrl: wire.offers_goal_url,
    escalates: wire.escalates,
    escalationReason: wire.escalation_reason,
    abstains: wire.abstains,
    followUpBetween: wire.follow_up_between,
  });
}

/** A wire case → a domain draft (its id assigned later when left out). */
export function toCaseDraft(wire: z.output<typeof caseInput>): CaseDraft {
  return compact({
    caseId: wire.case_id,
    message: wire.message,
    history: wire.history,
    expect: toExpectations(wire.expect),
    rubric: wire.rubric,
  });
}

/**
 * The cases of a CSV upload, each row checked as a JSON case would be; a bad cell is named by its
 * row (1 = the first after the header) and column.
 */
export function casesFromCsv(text: string): CaseDraft[] {
  return readCasesCsv(text).map((row) => {
    const parsed = caseInput.safeParse(toWireCase(row));
    if (!parsed.success) {
      throw new ValidationError(`invalid CSV: row ${row.row}`, {
        details: parsed.error.issues.map((issue) => {
          const column = columnOf(issue.path);
          return { path: `rows.${row.row}.${column}`, message: `row ${row.row}, column ${column}: ${issue.message}` };
        }),
      });
    }
    return toCaseDraft(parsed.data);
  });
}

function toWireCase({ row, cells }: CsvRow) {
  return {
    message: cells.message ?? '',
    expect: compact({
      contains: splitListCell(cells.contains),
      not_contains: splitListCell(cells.not_contains),
      cites_document_id: cells.cites_document_id,
      offers_goal_url: readBooleanCell(cells.offers_goal_url, row, 'offers_goal_url'),
      escalates: readBooleanCell(cells.escalates, row, 'escalates'),
      abstains: readBooleanCell(cells.abstains, row, 'abstains'),
    }),
  };
}

/** The CSV column a zod issue's path points into (`['expect', 'contains', 2]` → contains). */
function columnOf(path: readonly PropertyKey[]): CaseCsvColumn {
  return (path[0] === 'expect' ? path[1] : path[0]) as CaseCsvColumn;
}
