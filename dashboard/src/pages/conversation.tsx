/**
 * One conversation: its messages with their citations, the follow-ups scheduled, hand off and
 * resume, feedback on each answer (a rating, and a correction that later answers use), a message a
 * person sent the prospect outside Parley, a prospect's message copied into a test set as a case,
 * and the prospect's data: export and delete. The page reads the conversation again every few
 * seconds while it is open.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get, post, segment } from '../api.ts';
import { AddToTestSet } from '../components/add-to-test-set.tsx';
import { ConversationDataActions } from '../components/conversation-data-actions.tsx';
import { RecordHumanMessage } from '../components/record-human-message.tsx';
import { ErrorMessage, Section, TextArea, When } from '../components/ui.tsx';
import { useAction } from '../hooks.ts';
import { useAnnounce } from '../status.tsx';
import type { Conversation, Message } from '../types.ts';
import { usePolling } from '../use-polling.ts';

/** While the page is open, the conversation is read again this often: answers and timers show up. */
const REFRESH_INTERVAL_MS = 3_000;

export function ConversationPage({ id }: { id: string }) {
  const path = `/v2/conversations/${segment(id)}`;
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const [gone, setGone] = useState(false);
  const load = useAction();
  const handoff = useAction();
  const announce = useAnnounce();
  // One read at a time: a poll that comes due while another read is out waits for the next turn.
  const reading = useRef<Promise<unknown> | null>(null);

  const refresh = () => {
    reading.current ??= load
      .run(async () => {
        try {
          setConversation(await get<Conversation>(path));
        } catch (failure) {
          if (!(failure instanceof ApiError && failure.status === 404)) throw failure;
          setGone(true);
          setConversation(null);
        }
      })
      .finally(() => {
        reading.current = null;
      });
    return reading.current;
  };
  useEffect(() => void refresh(), [path]);
  usePolling(refresh, REFRESH_INTERVAL_MS, !gone);

  const onHandoff = async (action: 'handoff' | 'resume') => {
    const updated = await handoff.run(() => post<Conversation>(`${path}/${action}`));
    if (!updated) return;
    setConversation(updated);
    announce(action === 'handoff' ? 'Handed off: the AI stops answering.' : 'Resumed: the AI answers again.');
  };

  return (
    <>
      <h1 tabIndex={-1}>Conversation {id}</h1>
      {gone && (
        <p class="error" role="alert">
          There is no conversation {id}: it was deleted, it expired, or it never existed.
        </p>
      )}
      <ErrorMessage error={load.error} />
      {conversation && (
        <>
          <div class="card">
            <p>
              Status: <strong>{conversation.status.replace('_', ' ')}</strong> · AI <code>{conversation.ai_id}</code>
              {conversation.channel && ` · ${conversation.channel}`}
              {conversation.needs_human && <span class="badge needs-human">needs a person</span>}
            </p>
            <p class="meta">{contactLine(conversation.contact)}</p>
            <ErrorMessage error={handoff.error} />
            <div class="actions">
              {conversation.status === 'handed_off' ? (
                <button type="button" onClick={() => onHandoff('resume')} disabled={handoff.pending}>
                  Resume the AI
                </button>
              ) : (
                <button type="button" onClick={() => onHandoff('handoff')} disabled={handoff.pending}>
                  Hand off to a person
                </button>
              )}
              <button type="button" class="secondary" onClick={refresh} disabled={load.pending}>
                Refresh
              </button>
            </div>
            <ConversationDataActions id={id} onDeleted={() => setGone(true)} />
          </div>
          <Section title="Scheduled">
            {conversation.scheduled.length === 0 ? (
              <p>Nothing scheduled.</p>
            ) : (
              <ul>
                {conversation.scheduled.map((timer) => (
                  <li key={timer.kind + timer.at}>
                    {timer.kind === 'dropoff' ? 'Drop-off nudge' : 'Follow-up'} at <When at={timer.at} />
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <Section title="Messages">
            <ol class="transcript">
              {conversation.messages.map((message) => (
                <MessageView key={message.message_id} aiId={conversation.ai_id} conversationId={id} message={message} />
              ))}
            </ol>
          </Section>
          <RecordHumanMessage aiId={conversation.ai_id} conversationId={id} onRecorded={refresh} />
        </>
      )}
    </>
  );
}

function contactLine(contact: Conversation['contact']): string {
  const name = [contact.first_name, contact.last_name].filter(Boolean).join(' ');
  return [name, contact.email, contact.phone].filter(Boolean).join(' · ') || 'No contact details';
}

function MessageView({ aiId, conversationId, message }: { aiId: string; conversationId: string; message: Message }) {
  return (
    <li>
      <article class={`bubble ${message.direction}`} aria-label={`${message.kind} message`}>
        <p class="meta">
          {message.kind}
          {message.status && ` · ${message.status}`}
          {message.confidence && ` · ${message.confidence} confidence`} · <When at={message.created_at} />
        </p>
        <p class="reply">{message.text}</p>
        {message.citations && message.citations.length > 0 && (
          <ul class="citations" aria-label="Citations">
            {message.citations.map((citation) => (
              <li key={citation.document_id + citation.snippet}>
                <strong>{citation.title}</strong>: {citation.snippet}
              </li>
            ))}
          </ul>
        )}
        {message.direction === 'outbound' && message.kind !== 'human' && (
          <Feedback conversationId={conversationId} messageId={message.message_id} />
        )}
        {message.direction === 'inbound' && (
          <AddToTestSet aiId={aiId} conversationId={conversationId} messageId={message.message_id} />
        )}
      </article>
    </li>
  );
}

function Feedback({ conversationId, messageId }: { conversationId: string; messageId: string }) {
  const [correcting, setCorrecting] = useState(false);
  const { pending, error, run } = useAction();
  const announce = useAnnounce();
  const path = `/v1/conversations/${segment(conversationId)}/messages/${segment(messageId)}/feedback`;

  const send = async (body: { rating: 'up' | 'down'; correction?: string }) => {
    const saved = await run(() => post(path, body));
    if (!saved) return;
    setCorrecting(false);
    announce(body.correction ? 'Correction saved: later answers will use it.' : `Rated ${body.rating}.`);
  };

  const onCorrect = (event: Event) => {
    event.preventDefault();
    const correction = String(new FormData(event.currentTarget as HTMLFormElement).get('correction') ?? '');
    void send({ rating: 'down', correction });
  };

  return (
    <div class="feedback">
      <div class="actions">
        <button type="button" class="secondary" onClick={() => send({ rating: 'up' })} disabled={pending}>
          Good answer
        </button>
        <button type="button" class="secondary" onClick={() => send({ rating: 'down' })} disabled={pending}>
          Bad answer
        </button>
        <button type="button" class="secondary" aria-expanded={correcting} onClick={() => setCorrecting(!correcting)}>
          Write a correction
        </button>
      </div>
      {correcting && (
        <form onSubmit={onCorrect}>
          <TextArea
            label="Correction"
            name="correction"
            required
            maxLength={5000}
            hint="What the answer should have said. Later answers to the same question use it."
          />
          <button type="submit" disabled={pending}>
            Save correction
          </button>
        </form>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}
