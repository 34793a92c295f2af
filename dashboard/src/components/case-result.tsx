/**
 * One case of a run: passed or failed, which expectations failed and why, the reply, and the
 * decisions behind it (citations, escalation, follow-up, the rubric's verdict).
 */
import { rubricText } from '../run-comparison.ts';
import type { CaseResult } from '../types.ts';

export function CaseResultView({ result, message }: { result: CaseResult; message: string | undefined }) {
  const outcome = result.passed ? 'passed' : 'failed';
  return (
    <li>
      <article class={`card result ${outcome}`} aria-label={`Case ${message ?? result.case_id}`}>
        <h3>
          {message ?? <code>{result.case_id}</code>} <span class={`badge ${outcome}`}>{outcome}</span>
        </h3>
        {result.failures.length > 0 && (
          <ul class="failures" aria-label="Failed expectations">
            {result.failures.map((failure) => (
              <li key={failure}>{failure}</li>
            ))}
          </ul>
        )}
        <p class="reply">{result.reply}</p>
        <dl class="decisions">
          <dt>Citations</dt>
          <dd>
            {result.citations.length === 0
              ? 'none'
              : result.citations.map((citation) => citation.title || citation.document_id).join(', ')}
          </dd>
          <dt>Escalation</dt>
          <dd>{result.needs_human ? `yes (${result.escalation})` : 'no'}</dd>
          <dt>Follow-up</dt>
          <dd>{result.follow_up_at ?? 'none'}</dd>
          <dt>Rubric</dt>
          <dd>{rubricText(result.rubric)}</dd>
        </dl>
      </article>
    </li>
  );
}
