/** Knowledge bases: the list, a page at a time, and a form to make one. */
import { post } from '../api.ts';
import { ErrorMessage, Field, Pager, Section, text } from '../components/ui.tsx';
import { useAction, usePagedList } from '../hooks.ts';
import { href, navigate } from '../router.ts';
import type { KnowledgeBase } from '../types.ts';

export function KnowledgeBasesPage() {
  const list = usePagedList<KnowledgeBase>('/v1/knowledge-bases');
  const create = useAction();

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const name = text(new FormData(event.currentTarget as HTMLFormElement), 'name');
    const created = await create.run(() => post<KnowledgeBase>('/v1/knowledge-bases', { name }));
    if (created) navigate('knowledge', created.id);
  };

  return (
    <>
      <h1 tabIndex={-1}>Knowledge</h1>
      <Section title="New knowledge base">
        <form onSubmit={onSubmit}>
          <Field label="Knowledge base name" name="name" required maxLength={200} />
          <ErrorMessage error={create.error} />
          <button type="submit" disabled={create.pending}>
            Create knowledge base
          </button>
        </form>
      </Section>
      <ErrorMessage error={list.error} />
      <ul class="list">
        {list.items.map((base) => (
          <li key={base.id} class="card">
            <h2>
              <a href={href('knowledge', base.id)}>{base.name}</a>
            </h2>
            <p class="meta">
              {base.document_count} document(s) · <code>{base.id}</code>
            </p>
          </li>
        ))}
      </ul>
      {!list.loading && list.items.length === 0 && !list.error && <p>No knowledge base yet.</p>}
      <Pager hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} />
    </>
  );
}
