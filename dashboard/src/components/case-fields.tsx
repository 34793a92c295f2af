/**
 * One case of a test set in the editor: the prospect's message, the conversation before it, and
 * the expectations code checks on the reply, each named by its API path so the API's errors show
 * next to it. A group of its own ("Case 2"), so each field's label is unique within its case.
 */
import { useEffect, useRef } from 'preact/hooks';
import { EMERGENCY_TRIGGERS, OPERATOR_FAULTS } from '#lib/domain/escalation';
import { MAX_CASE_MESSAGE_CHARS, MAX_RUBRIC_CHARS } from '#lib/domain/limits/evaluations';
import type { CaseDraft, Check } from '../test-set-request.ts';
import { Field, type Option, Select, TextArea } from './ui.tsx';

const CHECK_OPTIONS: readonly Option[] = [
  { value: '', label: 'Not checked' },
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
];

const REASON_OPTIONS: readonly Option[] = [
  { value: '', label: 'Any reason' },
  ...[...EMERGENCY_TRIGGERS, ...OPERATOR_FAULTS].map((reason) => ({
    value: reason,
    label: reason.replaceAll('_', ' '),
  })),
];

/** The id of the page's list of the AI's documents, which the "cites" field suggests. */
export const DOCUMENTS_LIST_ID = 'ai-documents';

export function CaseFields({
  index,
  draft,
  onChange,
  onRemove,
  focusOnMount = false,
}: {
  index: number;
  draft: CaseDraft;
  onChange: (next: CaseDraft) => void;
  onRemove: () => void;
  /** A case just added takes the focus, so a keyboard user writes its message next. */
  focusOnMount?: boolean;
}) {
  const group = useRef<HTMLFieldSetElement>(null);
  useEffect(() => {
    if (focusOnMount) group.current?.querySelector('textarea')?.focus();
  }, []);
  const path = `cases.${index}`;
  const expect = `${path}.expect`;
  const bind = (field: keyof CaseDraft) => ({
    value: draft[field] as string,
    onInput: (event: Event) =>
      onChange({ ...draft, [field]: (event.currentTarget as HTMLInputElement | HTMLTextAreaElement).value }),
  });
  const check = (field: 'offersGoalUrl' | 'escalates' | 'abstains', label: string, api: string) => (
    <Select
      label={label}
      name={`${expect}.${api}`}
      options={CHECK_OPTIONS}
      value={draft[field]}
      onChange={(event) => onChange({ ...draft, [field]: (event.currentTarget as HTMLSelectElement).value as Check })}
    />
  );

  return (
    <fieldset class="field case" ref={group}>
      <legend>Case {index + 1}</legend>
      <TextArea
        label="Message"
        name={`${path}.message`}
        rows={2}
        required
        maxLength={MAX_CASE_MESSAGE_CHARS}
        {...bind('message')}
      />
      <TextArea
        label="History"
        name={`${path}.history`}
        rows={2}
        hint="Earlier turns, oldest first, one per line: “Prospect: …” or “AI: …”. Optional."
        {...bind('history')}
      />
      <div class="case-grid">
        <TextArea
          label="Reply contains"
          name={`${expect}.contains`}
          rows={2}
          hint="One phrase per line; case does not matter."
          {...bind('contains')}
        />
        <TextArea
          label="Reply does not contain"
          name={`${expect}.not_contains`}
          rows={2}
          hint="One phrase per line."
          {...bind('notContains')}
        />
        <Field
          label="Cites document"
          name={`${expect}.cites_document_id`}
          list={DOCUMENTS_LIST_ID}
          hint="A document or correction id; pick one of the AI's documents."
          {...bind('citesDocumentId')}
        />
        {check('offersGoalUrl', 'Offers the goal URL', 'offers_goal_url')}
        {check('escalates', 'Escalates to a person', 'escalates')}
        <Select
          label="Escalation reason"
          name={`${expect}.escalation_reason`}
          options={REASON_OPTIONS}
          value={draft.escalationReason}
          onChange={(event) =>
            onChange({
              ...draft,
              escalationReason: (event.currentTarget as HTMLSelectElement).value as CaseDraft['escalationReason'],
            })
          }
        />
        {check('abstains', 'Abstains (says it does not know)', 'abstains')}
        <Field
          label="Follow-up after"
          name={`${expect}.follow_up_between.after`}
          hint="A duration from the run, e.g. PT12H (12 hours), P1D."
          {...bind('followUpAfter')}
        />
        <Field
          label="Follow-up before"
          name={`${expect}.follow_up_between.before`}
          hint="e.g. PT36H: with PT12H above, “tomorrow”."
          {...bind('followUpBefore')}
        />
      </div>
      <TextArea
        label="Rubric"
        name={`${path}.rubric`}
        rows={2}
        maxLength={MAX_RUBRIC_CHARS}
        hint="Optional: a sentence the configured model judges the reply against. The offline model never judges it."
        {...bind('rubric')}
      />
      <button type="button" class="link" onClick={onRemove}>
        Remove case {index + 1}
      </button>
    </fieldset>
  );
}
