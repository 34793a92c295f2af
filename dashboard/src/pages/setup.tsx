/**
 * Products, strategies and goals: the same list, create, edit and delete, driven by a description
 * of each resource's fields (setup-resources.ts).
 */
import { useState } from 'preact/hooks';
import { remove, segment } from '../api.ts';
import { SetupForm } from '../components/setup-form.tsx';
import { ErrorMessage, Pager, Section } from '../components/ui.tsx';
import { useAction, usePagedList } from '../hooks.ts';
import type { SetupItem as Item, SetupResource } from '../setup-resources.ts';
import { useAnnounce } from '../status.tsx';

export function SetupPage({ resource }: { resource: SetupResource }) {
  const list = usePagedList<Item>(resource.path);
  const [editing, setEditing] = useState<string | null>(null);
  const removal = useAction();
  const announce = useAnnounce();

  const onDelete = async (item: Item) => {
    if (!confirm(`Delete ${item.name}?`)) return;
    const deleted = await removal.run(async () => {
      await remove(`${resource.path}/${segment(item.id)}`);
      return true;
    });
    if (!deleted) return;
    announce(`Deleted ${item.name}.`);
    list.reload();
  };

  return (
    <>
      <h1 tabIndex={-1}>{resource.plural}</h1>
      <Section title={`New ${resource.singular}`}>
        <SetupForm
          resource={resource}
          item={null}
          onSaved={(saved) => {
            announce(`Created ${saved.name}.`);
            list.reload();
          }}
        />
      </Section>
      <ErrorMessage error={list.error ?? removal.error} />
      <ul class="list">
        {list.items.map((item) => (
          <li key={item.id} class="card">
            {editing === item.id ? (
              <SetupForm
                resource={resource}
                item={item}
                onCancel={() => setEditing(null)}
                onSaved={(saved) => {
                  announce(`Saved ${saved.name}.`);
                  list.upsert((candidate) => candidate.id === saved.id, saved);
                  setEditing(null);
                }}
              />
            ) : (
              <>
                <h2>{item.name}</h2>
                <p class="meta">
                  <code>{item.id}</code>
                </p>
                <div class="actions">
                  <button type="button" class="secondary" onClick={() => setEditing(item.id)}>
                    Edit <span class="visually-hidden">{item.name}</span>
                  </button>
                  <button type="button" class="danger" onClick={() => onDelete(item)} disabled={removal.pending}>
                    Delete <span class="visually-hidden">{item.name}</span>
                  </button>
                </div>
              </>
            )}
          </li>
        ))}
      </ul>
      {!list.loading && list.items.length === 0 && !list.error && <p>None yet.</p>}
      <Pager hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} />
    </>
  );
}
