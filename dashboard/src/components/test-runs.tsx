/**
 * A set's runs on its page: start one (it answers every case with the AI's current setup and
 * knowledge, behind a queue, and its page shows the progress), open one, or pick two to compare.
 */
import { useState } from 'preact/hooks';
import { useAction, usePagedList } from '../hooks.ts';
import { href, navigate } from '../router.ts';
import { runSummary } from '../run-comparison.ts';
import type { RunSummary } from '../types.ts';
import { runsPath, startRun } from '../test-sets.ts';
import { ErrorMessage, formatWhen, Pager, Section, Select, When } from './ui.tsx';

export function TestRuns({ aiId, setId, unsaved }: { aiId: string; setId: string; unsaved: boolean }) {
  const runs = usePagedList<RunSummary>(runsPath(aiId, setId));
  const start = useAction();

  const onRun = async () => {
    const started = await start.run(() => startRun(aiId, setId));
    if (started) navigate('ais', aiId, 'test-sets', setId, 'runs', started.run_id);
  };

  return (
    <Section title="Runs">
      <p class="hint">
        A run answers every saved case with the AI's current setup and knowledge. It stores no conversation and sends no
        webhook.
      </p>
      {unsaved && <p class="warning">This page has unsaved changes: a run uses the saved set.</p>}
      <ErrorMessage error={start.error ?? runs.error} />
      <button type="button" onClick={onRun} disabled={start.pending}>
        Run the test set
      </button>
      {runs.items.length >= 2 && <CompareRuns aiId={aiId} setId={setId} runs={runs.items} />}
      <ul class="list" aria-label="Runs, newest first">
        {runs.items.map((run) => (
          <li key={run.run_id}>
            <a href={href('ais', aiId, 'test-sets', setId, 'runs', run.run_id)}>
              Run of <When at={run.started_at} />
            </a>{' '}
            <span class={`badge ${run.status === 'running' ? 'pending' : run.failed > 0 ? 'failed' : 'ready'}`}>
              {runSummary(run)}
            </span>
            {(run.regressions?.length ?? 0) > 0 && (
              <span class="warning"> · {run.regressions?.length} regression(s)</span>
            )}
          </li>
        ))}
      </ul>
      {!runs.loading && runs.items.length === 0 && !runs.error && <p>Not run yet.</p>}
      <Pager hasMore={runs.hasMore} loading={runs.loading} onMore={runs.loadMore} />
    </Section>
  );
}

/** Two runs to compare, the newest against the one before it unless picked otherwise. */
function CompareRuns({ aiId, setId, runs }: { aiId: string; setId: string; runs: RunSummary[] }) {
  const [before, setBefore] = useState(runs[1]?.run_id ?? '');
  const [after, setAfter] = useState(runs[0]?.run_id ?? '');
  const options = runs.map((run) => ({
    value: run.run_id,
    label: `${formatWhen(run.started_at)}: ${runSummary(run)}`,
  }));
  const pick = (set: (value: string) => void) => (event: Event) =>
    set((event.currentTarget as HTMLSelectElement).value);

  const onSubmit = (event: Event) => {
    event.preventDefault();
    navigate('ais', aiId, 'test-sets', setId, 'compare', before, after);
  };

  return (
    <form class="inline compare" onSubmit={onSubmit}>
      <Select label="Before" name="before" options={options} value={before} onChange={pick(setBefore)} />
      <Select label="After" name="after" options={options} value={after} onChange={pick(setAfter)} />
      <button type="submit" disabled={before === after}>
        Compare runs
      </button>
    </form>
  );
}
