/** An AI's test sets: the list, a page at a time, and a form to start one. */
import { MAX_TEST_SET_NAME_CHARS } from '#lib/domain/limits/evaluations';
import { useEffect, useState } from 'preact/hooks';
import { get, segment } from '../api.ts';
import { FieldErrorsContext, fieldErrorsOf } from '../components/field-errors.tsx';
import { ErrorMessage, Field, Pager, Section, text, When } from '../components/ui.tsx';
import { useAction, usePagedList } from '../hooks.ts';
import { href, navigate } from '../router.ts';
import { createTestSet, testSetsPath } from '../test-sets.ts';
import type { Ai, TestSetSummary } from '../types.ts';

/** The AI's name for a page's heading; the id until it is read (or when it cannot be). */
export function useAiName(aiId: string): string {
  const [name, setName] = useState(aiId);
  useEffect(() => {
    get<Ai>(`/v1/ais/${segment(aiId)}`)
      .then((ai) => setName(ai.name))
      .catch(() => undefined);
  }, [aiId]);
  return name;
}

export function TestSetsPage({ aiId }: { aiId: string }) {
  const aiName = useAiName(aiId);
  const list = usePagedList<TestSetSummary>(testSetsPath(aiId));
  const create = useAction();

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const name = text(new FormData(event.currentTarget as HTMLFormElement), 'name') ?? '';
    const created = await create.run(() => createTestSet(aiId, { name, cases: [] }));
    if (created) navigate('ais', aiId, 'test-sets', created.set_id);
  };

  return (
    <>
      <h1 tabIndex={-1}>Test sets of {aiName}</h1>
      <p>
        Cases of prospects' messages with what the reply must show, checked by code on every run.{' '}
        <a href={href('ais', aiId)}>Back to {aiName}</a>
      </p>
      <Section title="New test set">
        <FieldErrorsContext.Provider value={fieldErrorsOf(create.error)}>
          <form onSubmit={onSubmit}>
            <Field label="Test set name" name="name" path="name" required maxLength={MAX_TEST_SET_NAME_CHARS} />
            <ErrorMessage error={create.error} />
            <button type="submit" disabled={create.pending}>
              Create test set
            </button>
          </form>
        </FieldErrorsContext.Provider>
      </Section>
      <ErrorMessage error={list.error} />
      <ul class="list">
        {list.items.map((set) => (
          <li key={set.set_id} class="card">
            <h2>
              <a href={href('ais', aiId, 'test-sets', set.set_id)}>{set.name}</a>
            </h2>
            <p class="meta">
              {set.case_count} case(s) · changed <When at={set.updated_at} />
            </p>
          </li>
        ))}
      </ul>
      {!list.loading && list.items.length === 0 && !list.error && <p>No test set yet.</p>}
      <Pager hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} />
    </>
  );
}
