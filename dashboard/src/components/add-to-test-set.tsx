/**
 * "Add to a test set" on a prospect's message: copies it, with the turns before it, into one of
 * the AI's test sets as a case (`POST …/cases` with `{conversation_id, message_id, expect}`). The
 * copy holds the prospect's text, so erasing the conversation removes it too.
 */
import { useState } from 'preact/hooks';
import { getAll } from '../api.ts';
import { text } from '../form-values.ts';
import { useAction } from '../hooks.ts';
import { href } from '../router.ts';
import { useAnnounce } from '../status.tsx';
import { addCaseFromMessage, testSetsPath } from '../test-sets.ts';
import { FieldErrorsContext, fieldErrorsOf } from './field-errors.tsx';
import { ErrorMessage, Select, TextArea } from './ui.tsx';
import type { TestSetSummary } from '../types.ts';

export function AddToTestSet({
  aiId,
  conversationId,
  messageId,
}: {
  aiId: string;
  conversationId: string;
  messageId: string;
}) {
  const [sets, setSets] = useState<TestSetSummary[] | null>(null);
  const [added, setAdded] = useState<TestSetSummary | null>(null);
  const load = useAction();
  const add = useAction();
  const announce = useAnnounce();

  const onOpen = () => {
    if (sets) setSets(null);
    else void load.run(async () => setSets(await getAll<TestSetSummary>(testSetsPath(aiId))));
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const setId = String(form.get('set_id') ?? '');
    const contains = (text(form, 'contains') ?? '').split('\n').map((line) => line.trim());
    const expect = contains.some(Boolean) ? { contains: contains.filter(Boolean) } : {};
    const saved = await add.run(() =>
      addCaseFromMessage(aiId, setId, { conversation_id: conversationId, message_id: messageId, expect }),
    );
    if (!saved) return;
    const set = sets?.find((one) => one.set_id === setId);
    setSets(null);
    setAdded(set ?? null);
    announce(`Added to ${set?.name ?? 'the test set'}: it has ${saved.case_count} case(s).`);
  };

  return (
    <div class="add-to-set">
      <button type="button" class="secondary" aria-expanded={sets !== null} onClick={onOpen} disabled={load.pending}>
        Add to a test set
      </button>
      {added && !sets && (
        <p class="meta">
          Added to <a href={href('ais', aiId, 'test-sets', added.set_id)}>{added.name}</a>: set its expectations there.
        </p>
      )}
      <ErrorMessage error={load.error} />
      {sets && sets.length === 0 && (
        <p>
          This AI has no test set yet: <a href={href('ais', aiId, 'test-sets')}>create one</a>.
        </p>
      )}
      {sets && sets.length > 0 && (
        <FieldErrorsContext.Provider value={fieldErrorsOf(add.error)}>
          <form onSubmit={onSubmit}>
            <Select
              label="Test set"
              name="set_id"
              options={sets.map((set) => ({ value: set.set_id, label: set.name }))}
            />
            <TextArea
              label="Reply contains"
              name="contains"
              path="expect.contains"
              rows={2}
              hint="Optional: phrases the reply must contain, one per line. More expectations on the set's page."
            />
            <ErrorMessage error={add.error} />
            <button type="submit" disabled={add.pending}>
              Add case
            </button>
          </form>
        </FieldErrorsContext.Provider>
      )}
    </div>
  );
}
