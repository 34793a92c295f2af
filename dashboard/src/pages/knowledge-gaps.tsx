/**
 * Questions the knowledge did not answer well (escalated, answered without grounding, rated down),
 * newest first, each with a form to write the missing answer: it becomes a correction that later
 * answers use, and the gap closes.
 */
import { useState } from 'preact/hooks';
import { MAX_CORRECTION_CHARS } from '#lib/domain/limits/messages';
import { ErrorMessage, Pager, TextArea, text, When } from '../components/ui.tsx';
import { useAction, usePagedList } from '../hooks.ts';
import { answerKnowledgeGap } from '../knowledge-gap-answer.ts';
import { href } from '../router.ts';
import { useAnnounce } from '../status.tsx';
import type { KnowledgeGap } from '../types.ts';

const REASONS: Record<KnowledgeGap['reason'], string> = {
  escalated: 'escalated to a person',
  ungrounded: 'answered without knowledge',
  rated_down: 'rated down',
};

function GapAnswerForm({ gap, onAnswered }: { gap: KnowledgeGap; onAnswered: () => void }) {
  const { pending, error, run } = useAction();
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const answer = text(new FormData(event.currentTarget as HTMLFormElement), 'answer');
    if (!answer) return;
    const answered = await run(async () => {
      await answerKnowledgeGap(gap.id, answer);
      return true;
    });
    if (answered) onAnswered();
  };
  return (
    <form onSubmit={onSubmit}>
      <TextArea
        label="Answer"
        name="answer"
        required
        maxLength={MAX_CORRECTION_CHARS}
        hint="What the AI should have said. Later answers to this question use it."
      />
      <ErrorMessage error={error} />
      <button type="submit" disabled={pending}>
        Save answer
      </button>
    </form>
  );
}

export function KnowledgeGapsPage() {
  const gaps = usePagedList<KnowledgeGap>('/v1/knowledge-gaps');
  const [answering, setAnswering] = useState<string | null>(null);
  const announce = useAnnounce();

  const onAnswered = () => {
    setAnswering(null);
    gaps.reload();
    announce('Answer saved: the gap is closed.');
  };

  return (
    <>
      <h1 tabIndex={-1}>Knowledge gaps</h1>
      <p>What prospects asked that the knowledge did not answer well: what to write next.</p>
      <ErrorMessage error={gaps.error} />
      {!gaps.loading && gaps.items.length === 0 && !gaps.error && <p>No gaps: the knowledge answered everything.</p>}
      <ul class="list">
        {gaps.items.map((gap) => (
          <li key={gap.id} class="card">
            <blockquote>{gap.question}</blockquote>
            <p class="meta">
              {REASONS[gap.reason]} · <When at={gap.created_at} /> ·{' '}
              <a href={href('conversations', gap.conversation_id)}>{gap.conversation_id}</a>
            </p>
            {answering === gap.id ? (
              <GapAnswerForm gap={gap} onAnswered={onAnswered} />
            ) : (
              <button type="button" class="secondary" onClick={() => setAnswering(gap.id)}>
                Write the answer <span class="visually-hidden">to {gap.question}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
      <Pager hasMore={gaps.hasMore} loading={gaps.loading} onMore={gaps.loadMore} />
    </>
  );
}
