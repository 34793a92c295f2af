/**
 * The create and edit form of a product, strategy or goal, made from its fields' description.
 * Errors show next to their fields: the follow-up checks the AI form makes, else the API's 400.
 */
import { useEffect, useState } from 'preact/hooks';
import { checkFollowUp, toFollowUpRequest } from '../ai-request.ts';
import { getAll, patch, post, segment } from '../api.ts';
import { useAction } from '../hooks.ts';
import type { SetupField, SetupItem, SetupResource } from '../setup-resources.ts';
import type { Ai, KnowledgeBase } from '../types.ts';
import { FollowUpFields } from './ai-settings-fields.tsx';
import { type FieldErrors, FieldErrorsContext, fieldErrorsOf } from './field-errors.tsx';
import { CheckboxGroup, ErrorMessage, Field, type Option, TextArea, text } from './ui.tsx';

/** The knowledge bases to pick from, when the resource names some; null until read. */
function useKnowledgeBaseOptions(needed: boolean) {
  const [options, setOptions] = useState<Option[] | null>(needed ? null : []);
  const load = useAction();
  useEffect(() => {
    if (!needed) return;
    void load.run(async () => {
      const bases = await getAll<KnowledgeBase>('/v1/knowledge-bases');
      setOptions(bases.map((base) => ({ value: base.id, label: base.name })));
    });
  }, [needed, load.run]);
  return { options, error: load.error };
}

/** A field's value in the request body. Editing sends null for an emptied optional field: the API clears it. */
function fieldValue(field: SetupField, form: FormData, editing: boolean): unknown {
  if (field.kind === 'knowledge_bases') return form.getAll(field.name).map(String);
  if (field.kind === 'follow_up') return toFollowUpRequest(form, editing);
  return text(form, field.name) ?? (editing && !field.required ? null : undefined);
}

export function SetupForm({
  resource,
  item,
  onSaved,
  onCancel,
}: {
  resource: SetupResource;
  item: SetupItem | null;
  onSaved: (saved: SetupItem) => void;
  onCancel?: () => void;
}) {
  const { pending, error, run } = useAction();
  const [checked, setChecked] = useState<FieldErrors>({});
  const { options: knowledgeBases, error: loadError } = useKnowledgeBaseOptions(
    resource.fields.some((field) => field.kind === 'knowledge_bases'),
  );

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const body = Object.fromEntries(
      resource.fields.map((field) => [field.name, fieldValue(field, form, item !== null)]),
    );
    const errors: Record<string, string> = {};
    if (body.follow_up) checkFollowUp(body.follow_up as Parameters<typeof checkFollowUp>[0], errors);
    setChecked(errors);
    if (Object.keys(errors).length > 0) return;
    const saved = await run(() =>
      item ? patch<SetupItem>(`${resource.path}/${segment(item.id)}`, body) : post<SetupItem>(resource.path, body),
    );
    if (!saved) return;
    (event.target as HTMLFormElement).reset();
    onSaved(saved);
  };

  const render = (field: SetupField) => {
    if (field.kind === 'knowledge_bases')
      return (
        <CheckboxGroup
          key={field.name}
          legend={field.label}
          name={field.name}
          options={knowledgeBases ?? []}
          checked={(item?.[field.name] as string[] | undefined) ?? []}
        />
      );
    if (field.kind === 'follow_up')
      return <FollowUpFields key={field.name} settings={item?.[field.name] as Ai['follow_up']} owner="strategy" />;
    const props = {
      key: field.name,
      label: field.label,
      name: field.name,
      required: field.required,
      defaultValue: (item?.[field.name] as string | undefined) ?? '',
    };
    return field.kind === 'textarea' ? <TextArea {...props} /> : <Field {...props} type={field.kind} />;
  };

  if (!knowledgeBases) return loadError ? <ErrorMessage error={loadError} /> : <p>Loading…</p>;
  return (
    <FieldErrorsContext.Provider value={{ ...fieldErrorsOf(error), ...checked }}>
      <form onSubmit={onSubmit}>
        {resource.fields.map(render)}
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
    </FieldErrorsContext.Provider>
  );
}
