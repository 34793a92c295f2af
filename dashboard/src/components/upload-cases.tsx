/**
 * Cases from a CSV file: its text goes to `POST …/cases` as `text/csv`, and the API's errors name
 * the row and column that are wrong. The header and an example row are shown, so a file can be
 * written from this page alone.
 */
import { useAction } from '../hooks.ts';
import { useAnnounce } from '../status.tsx';
import { addCasesFromCsv } from '../test-sets.ts';
import { ErrorMessage, Field, Section } from './ui.tsx';
import type { AddedCases } from '../types.ts';

const CSV_HEADER = 'message,contains,not_contains,cites_document_id,offers_goal_url,escalates,abstains';
const CSV_EXAMPLE = 'Can I return a kit?,45 days|full refund,,,,false,false';

export function UploadCases({
  aiId,
  setId,
  onAdded,
}: {
  aiId: string;
  setId: string;
  onAdded: (added: AddedCases) => void;
}) {
  const { pending, error, run } = useAction();
  const announce = useAnnounce();

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const file = new FormData(form).get('file');
    if (!(file instanceof File) || file.size === 0) return;
    const added = await run(async () => addCasesFromCsv(aiId, setId, await file.text()));
    if (!added) return;
    form.reset();
    announce(`Added ${added.added.length} case(s) from ${file.name}: the set has ${added.case_count}.`);
    onAdded(added);
  };

  return (
    <Section title="Upload cases">
      <p class="hint">
        The first line is the header <code>{CSV_HEADER}</code>; list cells separate phrases with <code>|</code>; empty
        cells are not checked. For example: <code>{CSV_EXAMPLE}</code>
      </p>
      <form onSubmit={onSubmit}>
        <Field label="CSV file" name="file" type="file" required accept=".csv,text/csv" />
        <ErrorMessage error={error} />
        <button type="submit" disabled={pending}>
          {pending ? 'Adding…' : 'Add cases'}
        </button>
      </form>
    </Section>
  );
}
