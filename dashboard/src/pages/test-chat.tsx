/**
 * Testing responses: ask an AI as a prospect would and see its answer with the citations and
 * decisions behind it. Nothing is stored or sent; the transcript lives on this page only and goes
 * back to the API as `history`, so follow-up questions have their context.
 */
import { useEffect, useState } from 'preact/hooks';
import { getAll, post, segment } from '../api.ts';
import { ErrorMessage, Select, TextArea } from '../components/ui.tsx';
import { useAction } from '../hooks.ts';
import { href, navigate } from '../router.ts';
import { useAnnounce } from '../status.tsx';
import type { Ai, TestAnswer } from '../types.ts';

interface Turn {
  question: string;
  answer: TestAnswer;
}

export function TestChatPage({ aiId }: { aiId: string | null }) {
  const [ais, setAis] = useState<Ai[] | null>(null);
  const [turns, setTurns] = useState<Turn[]>([]);
  const load = useAction();
  const ask = useAction();
  const announce = useAnnounce();

  useEffect(() => {
    void load.run(async () => setAis(await getAll<Ai>('/v1/ais')));
  }, [load.run]);

  const selected = aiId ?? ais?.[0]?.id ?? null;

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (!selected) return;
    const form = event.currentTarget as HTMLFormElement;
    const question = String(new FormData(form).get('message') ?? '');
    const history = turns.flatMap((turn) => [
      { role: 'prospect', text: turn.question },
      { role: 'assistant', text: turn.answer.reply },
    ]);
    const answer = await ask.run(() =>
      post<TestAnswer>(`/v1/ais/${segment(selected)}/test`, { message: question, history }),
    );
    if (!answer) return;
    setTurns((previous) => [...previous, { question, answer }]);
    form.reset();
    announce(`Answered with ${answer.citations.length} citation(s).`);
  };

  return (
    <>
      <h1 tabIndex={-1}>Test chat</h1>
      <ErrorMessage error={load.error} />
      {ais && ais.length === 0 && (
        <p>
          No AI to test yet: <a href={href('ais', 'new')}>create one</a>.
        </p>
      )}
      {ais && ais.length > 0 && selected && (
        <>
          <Select
            label="AI"
            name="ai"
            value={selected}
            onChange={(event) => navigate('test', (event.currentTarget as HTMLSelectElement).value)}
            options={ais.map((ai) => ({ value: ai.id, label: ai.name }))}
          />
          <ol class="transcript" aria-label="Transcript">
            {turns.map((turn, index) => (
              <TurnView key={index} turn={turn} />
            ))}
          </ol>
          <form class="card" onSubmit={onSubmit}>
            <TextArea
              label="Message"
              name="message"
              required
              rows={3}
              hint="Write as a prospect would. Nothing is stored or sent."
            />
            <ErrorMessage error={ask.error} />
            <div class="actions">
              <button type="submit" disabled={ask.pending}>
                {ask.pending ? 'Asking…' : 'Ask'}
              </button>
              {turns.length > 0 && (
                <button type="button" class="secondary" onClick={() => setTurns([])}>
                  Start over
                </button>
              )}
            </div>
          </form>
        </>
      )}
    </>
  );
}

function TurnView({ turn: { question, answer } }: { turn: Turn }) {
  return (
    <li>
      <p class="bubble inbound">
        <span class="visually-hidden">Prospect: </span>
        {question}
      </p>
      <article class="bubble outbound" aria-label="Answer">
        <p class="reply">{answer.reply}</p>
        <h3>Citations</h3>
        {answer.citations.length === 0 ? (
          <p class="meta">None: the answer is not grounded in the knowledge base.</p>
        ) : (
          <ul class="citations">
            {answer.citations.map((citation) => (
              <li key={citation.document_id + citation.snippet}>
                <strong>{citation.title}</strong>: {citation.snippet}
              </li>
            ))}
          </ul>
        )}
        <h3>Decisions</h3>
        <dl class="decisions">
          <dt>Needs a person</dt>
          <dd>{answer.needs_human ? `yes (${answer.escalation})` : 'no'}</dd>
          {answer.reason && (
            <>
              <dt>Reason</dt>
              <dd>{answer.reason}</dd>
            </>
          )}
          <dt>Confidence</dt>
          <dd>{answer.confidence}</dd>
          <dt>Follow-up</dt>
          <dd>{answer.follow_up_at ?? 'none'}</dd>
          <dt>Language</dt>
          <dd>{answer.language ?? 'not detected'}</dd>
          <dt>Latency</dt>
          <dd>
            {answer.latency_ms} ms
            {answer.usage && `, ${answer.usage.input_tokens} + ${answer.usage.output_tokens} tokens`}
          </dd>
        </dl>
      </article>
    </li>
  );
}
