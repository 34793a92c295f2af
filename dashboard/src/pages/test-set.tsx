/**
 * One test set: its runs first (start one, open one, compare two), then its name and cases
 * (message, history, expectations, rubric) edited in one form and saved together, and cases added
 * from a CSV file.
 * Mistakes show next to their fields, found here first, else by the API.
 */
import { MAX_TEST_SET_NAME_CHARS } from '#lib/domain/limits/evaluations';
import { useEffect, useState } from 'preact/hooks';
import { get, getAll, segment } from '../api.ts';
import { CaseFields, DOCUMENTS_LIST_ID } from '../components/case-fields.tsx';
import { FieldError, type FieldErrors, FieldErrorsContext, fieldErrorsOf } from '../components/field-errors.tsx';
import { TestRuns } from '../components/test-runs.tsx';
import { UploadCases } from '../components/upload-cases.tsx';
import { ErrorMessage, Field, type Option } from '../components/ui.tsx';
import { useAction } from '../hooks.ts';
import { href, navigate } from '../router.ts';
import { useAnnounce } from '../status.tsx';
import {
  type CaseDraft,
  checkTestSetRequest,
  emptyCase,
  foldCaseErrors,
  sameCases,
  toCaseDraft,
  toTestSetRequest,
} from '../test-set-request.ts';
import { deleteTestSet, getTestSet, saveTestSet } from '../test-sets.ts';
import type { AddedCases, Ai, KnowledgeDocument, TestSet } from '../types.ts';

/** The documents of the AI's knowledge bases, which a case may expect the reply to cite. */
async function loadDocuments(aiId: string): Promise<Option[]> {
  const ai = await get<Ai>(`/v1/ais/${segment(aiId)}`);
  const lists = await Promise.all(
    ai.knowledge_base_ids.map((id) => getAll<KnowledgeDocument>(`/v1/knowledge-bases/${segment(id)}/documents`)),
  );
  return lists.flat().map((document) => ({ value: document.document_id, label: document.title }));
}

export function TestSetPage({ aiId, setId }: { aiId: string; setId: string }) {
  const [set, setSet] = useState<TestSet | null>(null);
  const [name, setName] = useState('');
  const [drafts, setDrafts] = useState<CaseDraft[]>([]);
  const [documents, setDocuments] = useState<Option[]>([]);
  const [checked, setChecked] = useState<FieldErrors>({});
  const [added, setAdded] = useState<string | null>(null);
  const load = useAction();
  const save = useAction();
  const announce = useAnnounce();

  const show = (loaded: TestSet) => {
    setSet(loaded);
    setName(loaded.name);
    setDrafts(loaded.cases.map(toCaseDraft));
  };

  useEffect(() => {
    void load.run(async () => show(await getTestSet(aiId, setId)));
    loadDocuments(aiId)
      .then(setDocuments)
      .catch(() => undefined);
  }, [aiId, setId, load.run]);

  // Cases the upload added join the editor after the ones on the page, whose edits stay.
  const onUploaded = ({ added }: AddedCases) => {
    setSet((stored) => stored && { ...stored, cases: [...stored.cases, ...added] });
    setDrafts([...drafts, ...added.map(toCaseDraft)]);
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const body = toTestSetRequest(name, drafts);
    const errors = checkTestSetRequest(body);
    setChecked(errors);
    if (Object.keys(errors).length > 0) {
      announce('Some fields need fixing: see the messages next to them.');
      return;
    }
    const saved = await save.run(() => saveTestSet(aiId, setId, body));
    if (!saved) return;
    show(saved);
    announce(`Saved ${saved.name}: ${saved.cases.length} case(s).`);
  };

  const onDelete = async () => {
    if (!confirm(`Delete ${set?.name} and its runs?`)) return;
    const deleted = await save.run(async () => {
      await deleteTestSet(aiId, setId);
      return true;
    });
    if (!deleted) return;
    announce(`Deleted ${set?.name}.`);
    navigate('ais', aiId, 'test-sets');
  };

  const addCase = () => {
    const draft = emptyCase();
    setAdded(draft.key);
    setDrafts([...drafts, draft]);
  };
  const changeCase = (index: number, next: CaseDraft) =>
    setDrafts(drafts.map((draft, at) => (at === index ? next : draft)));
  const fieldErrors = foldCaseErrors({ ...fieldErrorsOf(save.error), ...checked });
  const unsaved = set !== null && (name.trim() !== set.name || !sameCases(drafts, set.cases));

  return (
    <>
      <h1 tabIndex={-1}>{set?.name ?? 'Test set'}</h1>
      <p>
        <a href={href('ais', aiId, 'test-sets')}>All test sets of this AI</a>
      </p>
      <ErrorMessage error={load.error} />
      {set && (
        <>
          <TestRuns aiId={aiId} setId={setId} unsaved={unsaved} />
          <FieldErrorsContext.Provider value={fieldErrors}>
            <form class="card" onSubmit={onSubmit} noValidate>
              <Field
                label="Test set name"
                name="name"
                required
                maxLength={MAX_TEST_SET_NAME_CHARS}
                value={name}
                onInput={(event) => setName((event.currentTarget as HTMLInputElement).value)}
              />
              <datalist id={DOCUMENTS_LIST_ID}>
                {documents.map((document) => (
                  <option key={document.value} value={document.value}>
                    {document.label}
                  </option>
                ))}
              </datalist>
              <h2>Cases</h2>
              {drafts.length === 0 && <p>No case yet: add one, or upload a CSV file below.</p>}
              {drafts.map((draft, index) => (
                <CaseFields
                  key={draft.key}
                  index={index}
                  draft={draft}
                  onChange={(next) => changeCase(index, next)}
                  onRemove={() => setDrafts(drafts.filter((_, at) => at !== index))}
                  focusOnMount={draft.key === added}
                />
              ))}
              <FieldError id="cases" message={fieldErrors.cases} />
              <ErrorMessage error={save.error} />
              <div class="actions">
                <button type="button" class="secondary" onClick={addCase}>
                  Add a case
                </button>
                <button type="submit" disabled={save.pending}>
                  Save test set
                </button>
                <button type="button" class="danger" onClick={onDelete} disabled={save.pending}>
                  Delete test set
                </button>
              </div>
            </form>
          </FieldErrorsContext.Provider>
          <UploadCases aiId={aiId} setId={setId} onAdded={onUploaded} />
        </>
      )}
    </>
  );
}
