/**
 * Products, strategies and goals: the same list, create, edit and delete, driven by a description
 * of each resource's fields.
 */
import { useState } from 'preact/hooks';
import { patch, post, remove, segment } from '../api.ts';
import { ErrorMessage, Field, Pager, Section, TextArea, text } from '../components/ui.tsx';
import { useAction, usePagedList } from '../hooks.ts';
import { useAnnounce } from '../status.tsx';

interface SetupField {
  name: string;
  label: string;
  kind: 'text' | 'textarea' | 'url';
  required: boolean;
}

export interface SetupResource {
  section: string;
  path: string;
  singular: string;
  plural: string;
  fields: readonly SetupField[];
}

export const SETUP_RESOURCES: readonly SetupResource[] = [
  {
    section: 'products',
    path: '/v1/products',
    singular: 'product',
    plural: 'Products',
    fields: [
      { name: 'name', label: 'Name', kind: 'text', required: true },
      { name: 'description', label: 'Description', kind: 'textarea', required: true },
      { name: 'price', label: 'Price', kind: 'text', required: false },
    ],
  },
  {
    section: 'strategies',
    path: '/v1/strategies',
    singular: 'strategy',
    plural: 'Strategies',
    fields: [
      { name: 'name', label: 'Name', kind: 'text', required: true },
      { name: 'instructions', label: 'Instructions', kind: 'textarea', required: true },
      { name: 'tone', label: 'Tone', kind: 'text', required: false },
    ],
  },
  {
    section: 'goals',
    path: '/v1/goals',
    singular: 'goal',
    plural: 'Goals',
    fields: [
      { name: 'name', label: 'Name', kind: 'text', required: true },
      { name: 'description', label: 'Description', kind: 'textarea', required: true },
      { name: 'goal_url', label: 'Goal URL', kind: 'url', required: true },
    ],
  },
];

type Item = { id: string; name: string } & Record<string, unknown>;

function SetupForm({
  resource,
  item,
  onSaved,
  onCancel,
}: {
  resource: SetupResource;
  item: Item | null;
  onSaved: (saved: Item) => void;
  onCancel?: () => void;
}) {
  const { pending, error, run } = useAction();
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    // Editing sends null for an emptied optional field: the API clears it.
    const body = Object.fromEntries(
      resource.fields.map((field) => [
        field.name,
        text(form, field.name) ?? (item && !field.required ? null : undefined),
      ]),
    );
    const saved = await run(() =>
      item ? patch<Item>(`${resource.path}/${segment(item.id)}`, body) : post<Item>(resource.path, body),
    );
    if (!saved) return;
    (event.target as HTMLFormElement).reset();
    onSaved(saved);
  };
  return (
    <form onSubmit={onSubmit}>
      {resource.fields.map((field) => {
        const props = {
          key: field.name,
          label: field.label,
          name: field.name,
          required: field.required,
          defaultValue: (item?.[field.name] as string | undefined) ?? '',
        };
        return field.kind === 'textarea' ? <TextArea {...props} /> : <Field {...props} type={field.kind} />;
      })}
      <ErrorMessage error={error} />
      <div class="actions">
        <button type="submit" disabled={pending}>
          {item ? 'Save changes' : `Create ${resource.singular}`}
        </button>
        {onCancel && (
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

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
