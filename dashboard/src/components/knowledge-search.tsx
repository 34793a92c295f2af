/** Searching one knowledge base as an AI would: the best passages first, with their documents. */
import { useState } from 'preact/hooks';
import { DEFAULT_SEARCH_TOP_K, MAX_SEARCH_QUERY_CHARS } from '#lib/domain/limits/knowledge';
import { post } from '../api.ts';
import { useAction } from '../hooks.ts';
import type { SearchResult } from '../types.ts';
import { ErrorMessage, Field, Section, text } from './ui.tsx';

/** Scores are comparable within one search only: shown to two places, as a ranking aid. */
const formatScore = (score: number) => score.toFixed(2);

export function KnowledgeSearch({ basePath }: { basePath: string }) {
  const [results, setResults] = useState<SearchResult[] | null>(null);
  const { pending, error, run } = useAction();

  const onSearch = async (event: Event) => {
    event.preventDefault();
    const query = text(new FormData(event.currentTarget as HTMLFormElement), 'query');
    if (!query) return;
    const found = await run(() =>
      post<{ data: SearchResult[] }>(`${basePath}/search`, { query, top_k: DEFAULT_SEARCH_TOP_K }),
    );
    if (found) setResults(found.data);
  };

  return (
    <Section title="Search">
      <form onSubmit={onSearch}>
        <Field
          label="Search this knowledge base"
          name="query"
          type="search"
          required
          maxLength={MAX_SEARCH_QUERY_CHARS}
          hint="Finds the passages an AI would answer this question from."
        />
        <ErrorMessage error={error} />
        <button type="submit" disabled={pending}>
          Search
        </button>
      </form>
      {results?.length === 0 && <p>Nothing matches.</p>}
      {results && results.length > 0 && (
        <ol class="list" aria-label="Search results">
          {results.map((result) => (
            <li key={`${result.document_id}:${result.text.slice(0, 40)}`} class="card">
              <p>
                <strong>{result.title}</strong>
                {result.heading_path.length > 0 && ` › ${result.heading_path.join(' › ')}`}{' '}
                <span class="meta">score {formatScore(result.score)}</span>
              </p>
              <p>{result.text}</p>
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}
