/**
 * Create or edit an AI: its type, brief, webhooks, sales setup, knowledge bases, follow-ups and
 * emergencies. The webhook secret is shown once, right after creating (or rotating), as the API
 * returns it only then. Mistakes show next to their fields, found here first, else by the API.
 */
import { useEffect, useState } from 'preact/hooks';
import { get, getAll, patch, post, remove, segment } from '../api.ts';
import { checkAiRequest, MAX_REPLY_DELAY_SECONDS, toAiRequest } from '../ai-request.ts';
import { EmergencyFields, FollowUpFields } from '../components/ai-settings-fields.tsx';
import { type FieldErrors, FieldErrorsContext, fieldErrorsOf } from '../components/field-errors.tsx';
import { RotateSecret } from '../components/rotate-secret.tsx';
import { SecretShownOnce } from '../components/secret-shown-once.tsx';
import { CheckboxGroup, ErrorMessage, Field, type Option, Select, TextArea } from '../components/ui.tsx';
import { useAction } from '../hooks.ts';
import { href, navigate } from '../router.ts';
import { useAnnounce } from '../status.tsx';
import type { Ai, CreatedAi, KnowledgeBase } from '../types.ts';

interface Choices {
  products: Option[];
  strategies: Option[];
  goals: Option[];
  knowledgeBases: Option[];
}

const NONE: Option = { value: '', label: 'None' };
const toOptions = (items: { id: string; name: string }[]) =>
  items.map((item) => ({ value: item.id, label: item.name }));

async function loadChoices(): Promise<Choices> {
  const [products, strategies, goals, knowledgeBases] = await Promise.all([
    getAll<{ id: string; name: string }>('/v1/products'),
    getAll<{ id: string; name: string }>('/v1/strategies'),
    getAll<{ id: string; name: string }>('/v1/goals'),
    getAll<KnowledgeBase>('/v1/knowledge-bases'),
  ]);
  return {
    products: toOptions(products),
    strategies: toOptions(strategies),
    goals: toOptions(goals),
    knowledgeBases: toOptions(knowledgeBases),
  };
}

export function AiForm({ id }: { id: string | null }) {
  const [ai, setAi] = useState<Ai | null>(null);
  const [choices, setChoices] = useState<Choices | null>(null);
  const [secret, setSecret] = useState<{ id: string; secret: string } | null>(null);
  const [checked, setChecked] = useState<FieldErrors>({});
  const load = useAction();
  const save = useAction();
  const announce = useAnnounce();

  useEffect(() => {
    void load.run(async () => {
      const [loadedAi, loadedChoices] = await Promise.all([
        id ? get<Ai>(`/v1/ais/${segment(id)}`) : Promise.resolve(null),
        loadChoices(),
      ]);
      setAi(loadedAi);
      setChoices(loadedChoices);
    });
  }, [id, load.run]);

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const body = toAiRequest(new FormData(event.currentTarget as HTMLFormElement), id !== null);
    const errors = checkAiRequest(body);
    setChecked(errors);
    if (Object.keys(errors).length > 0) {
      announce('Some fields need fixing: see the messages next to them.');
      return;
    }
    const saved = await save.run(() =>
      id ? patch<Ai>(`/v1/ais/${segment(id)}`, body) : post<CreatedAi>('/v1/ais', body),
    );
    if (!saved) return;
    announce(`Saved ${saved.name}.`);
    if ('webhook_secret' in saved && typeof saved.webhook_secret === 'string')
      setSecret({ id: saved.id, secret: saved.webhook_secret });
    else navigate('ais');
  };

  const onDelete = async () => {
    if (!id || !confirm(`Delete ${ai?.name}? Its conversations stay readable.`)) return;
    const deleted = await save.run(async () => {
      await remove(`/v1/ais/${segment(id)}`);
      return true;
    });
    if (!deleted) return;
    announce(`Deleted ${ai?.name}.`);
    navigate('ais');
  };

  if (secret) return <CreatedSecret {...secret} />;
  const title = id ? `Edit ${ai?.name ?? 'AI'}` : 'New AI';
  return (
    <>
      <h1 tabIndex={-1}>{title}</h1>
      {id && ai && (
        <p class="actions">
          <a href={href('test', id)}>Test chat</a>
          <a href={href('ais', id, 'test-sets')}>Test sets</a>
        </p>
      )}
      <ErrorMessage error={load.error} />
      {choices && (!id || ai) && (
        <FieldErrorsContext.Provider value={{ ...fieldErrorsOf(save.error), ...checked }}>
          <form class="card" onSubmit={onSubmit} noValidate>
            <Field label="Name" name="name" required maxLength={200} defaultValue={ai?.name} />
            <Select
              label="Type"
              name="type"
              defaultValue={ai?.type ?? 'support'}
              options={[
                { value: 'support', label: 'Support' },
                { value: 'sales', label: 'Sales' },
              ]}
            />
            <TextArea label="Instructions" name="instructions" defaultValue={ai?.instructions} />
            <Field
              label="Language"
              name="language"
              hint="Leave empty to answer in the prospect's language."
              defaultValue={ai?.language}
            />
            <fieldset class="field">
              <legend>Webhooks</legend>
              <Field
                label="Answer URL"
                name="answer_url"
                path="webhooks.answer_url"
                type="url"
                required
                defaultValue={ai?.webhooks.answer_url}
              />
              <Field
                label="Follow-up URL"
                name="follow_up_url"
                path="webhooks.follow_up_url"
                type="url"
                hint="Empty: follow-ups go to the answer URL."
                defaultValue={ai?.webhooks.follow_up_url}
              />
              <Field
                label="Emergency URL"
                name="emergency_url"
                path="webhooks.emergency_url"
                type="url"
                hint="Where Parley calls a person."
                defaultValue={ai?.webhooks.emergency_url}
              />
            </fieldset>
            <Select
              label="Product"
              name="product_id"
              defaultValue={ai?.product_id ?? ''}
              options={[NONE, ...choices.products]}
            />
            <Select
              label="Strategy"
              name="strategy_id"
              defaultValue={ai?.strategy_id ?? ''}
              options={[NONE, ...choices.strategies]}
            />
            <Select label="Goal" name="goal_id" defaultValue={ai?.goal_id ?? ''} options={[NONE, ...choices.goals]} />
            <CheckboxGroup
              legend="Knowledge bases"
              name="knowledge_base_ids"
              options={choices.knowledgeBases}
              checked={ai?.knowledge_base_ids ?? []}
            />
            <Select
              label="Output format"
              name="output_format"
              defaultValue={ai?.output_format ?? 'text'}
              options={[
                { value: 'text', label: 'Plain text' },
                { value: 'html', label: 'HTML' },
              ]}
            />
            <Field
              label="Reply delay (seconds)"
              name="reply_delay_seconds"
              type="number"
              min={0}
              max={MAX_REPLY_DELAY_SECONDS}
              hint="Holds each answer back this long, so it does not arrive robotically fast."
              defaultValue={String(ai?.reply_delay_seconds ?? 0)}
            />
            <FollowUpFields settings={ai?.follow_up} owner="ai" />
            <EmergencyFields ai={ai} />
            <ErrorMessage error={save.error} />
            <div class="actions">
              <button type="submit" disabled={save.pending}>
                {id ? 'Save changes' : 'Create AI'}
              </button>
              {id && (
                <button type="button" class="danger" onClick={onDelete} disabled={save.pending}>
                  Delete AI
                </button>
              )}
            </div>
          </form>
        </FieldErrorsContext.Provider>
      )}
      {id && ai && <RotateSecret aiId={id} aiName={ai.name} />}
    </>
  );
}

function CreatedSecret({ id, secret }: { id: string; secret: string }) {
  return (
    <>
      <h1 tabIndex={-1}>AI created</h1>
      <div class="card">
        <SecretShownOnce secret={secret}>
          Keep this webhook secret: it verifies the signatures of the webhooks Parley sends. It is shown only now.
        </SecretShownOnce>
        <p class="actions">
          <a class="button" href={href('test', id)}>
            Test this AI
          </a>
          <a href={href('ais')}>Back to AIs</a>
        </p>
      </div>
    </>
  );
}
