/**
 * Recording a message a person sent the prospect outside Parley (from their own inbox, a call
 * summary…), so the AI's context stays true: `POST /v2/outgoing-messages`.
 */
import { MAX_MESSAGE_CHARS } from '#lib/domain/limits/messages';
import { post } from '../api.ts';
import { text } from '../form-values.ts';
import { useAction } from '../hooks.ts';
import { useAnnounce } from '../status.tsx';
import { FieldErrorsContext, fieldErrorsOf } from './field-errors.tsx';
import { ErrorMessage, Section, TextArea } from './ui.tsx';

export function RecordHumanMessage({
  aiId,
  conversationId,
  onRecorded,
}: {
  aiId: string;
  conversationId: string;
  onRecorded: () => void;
}) {
  const { pending, error, run } = useAction();
  const announce = useAnnounce();

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const message = text(new FormData(form), 'message');
    if (!message) return;
    const recorded = await run(async () => {
      await post('/v2/outgoing-messages', { ai_id: aiId, conversation_id: conversationId, message });
      return true;
    });
    if (!recorded) return;
    form.reset();
    announce('Recorded what you sent.');
    onRecorded();
  };

  return (
    <Section title="Record a message you sent">
      <FieldErrorsContext.Provider value={fieldErrorsOf(error)}>
        <form onSubmit={onSubmit}>
          <TextArea
            label="Message you sent"
            name="message"
            required
            maxLength={MAX_MESSAGE_CHARS}
            hint="What a person told the prospect outside Parley, so the AI knows."
          />
          <ErrorMessage error={error} />
          <button type="submit" disabled={pending}>
            Record message
          </button>
        </form>
      </FieldErrorsContext.Provider>
    </Section>
  );
}
