/**
 * One run of a test set: its progress while it runs (read again every second, as the queue works
 * through the cases), then each case's result, failures first, and the regressions it names
 * against the run before it.
 */
import { useEffect, useState } from 'preact/hooks';
import { CaseResultView } from '../components/case-result.tsx';
import { ErrorMessage, Section, When } from '../components/ui.tsx';
import { useAction } from '../hooks.ts';
import { href } from '../router.ts';
import { runSummary } from '../run-comparison.ts';
import { useAnnounce } from '../status.tsx';
import type { TestRun, TestSet } from '../types.ts';
import { getRun, getTestSet } from '../test-sets.ts';
import { usePolling } from '../use-polling.ts';

/** A case takes about a second on the offline model: the progress moves at each read. */
const POLL_INTERVAL_MS = 1_000;

/** The set's messages by case id, so results and comparisons show what was asked. */
export function useCaseMessages(aiId: string, setId: string): { set: TestSet | null; messages: Map<string, string> } {
  const [set, setSet] = useState<TestSet | null>(null);
  useEffect(() => {
    getTestSet(aiId, setId)
      .then(setSet)
      .catch(() => undefined);
  }, [aiId, setId]);
  return { set, messages: new Map(set?.cases.map((c) => [c.case_id, c.message])) };
}

export function TestRunPage({ aiId, setId, runId }: { aiId: string; setId: string; runId: string }) {
  const [run, setRun] = useState<TestRun | null>(null);
  const { set, messages } = useCaseMessages(aiId, setId);
  const load = useAction();
  const announce = useAnnounce();

  const refresh = () => load.run(async () => setRun(await getRun(aiId, setId, runId)));
  useEffect(() => void refresh(), [aiId, setId, runId]);
  usePolling(refresh, POLL_INTERVAL_MS, run?.status === 'running');
  useEffect(() => {
    if (run?.status === 'done') announce(`Run finished: ${runSummary(run)}.`);
  }, [run?.status]);

  const results = [...(run?.results ?? [])].sort((a, b) => Number(a.passed) - Number(b.passed));
  const answered = run ? run.passed + run.failed : 0;
  return (
    <>
      <h1 tabIndex={-1}>Run of {set?.name ?? 'a test set'}</h1>
      <p>
        <a href={href('ais', aiId, 'test-sets', setId)}>Back to the test set</a>
      </p>
      <ErrorMessage error={load.error} />
      {run && (
        <>
          <div class="card">
            <p>
              <strong>{runSummary(run)}</strong>, {run.failed} failed · started <When at={run.started_at} />
              {run.finished_at && (
                <>
                  {' '}
                  · finished <When at={run.finished_at} />
                </>
              )}
            </p>
            {run.status === 'running' && (
              <div class="field">
                <label for="run-progress">Progress</label>
                <progress id="run-progress" max={run.total || 1} value={answered}>
                  {answered} of {run.total}
                </progress>
              </div>
            )}
          </div>
          {run.regressions.length > 0 && (
            <Section title="Regressions">
              <p>These cases passed in the run before this one and fail now:</p>
              <ul>
                {run.regressions.map((caseId) => (
                  <li key={caseId}>{messages.get(caseId) ?? caseId}</li>
                ))}
              </ul>
            </Section>
          )}
          <Section title="Results">
            {results.length === 0 && <p>No case answered yet.</p>}
            <ol class="results">
              {results.map((result) => (
                <CaseResultView key={result.case_id} result={result} message={messages.get(result.case_id)} />
              ))}
            </ol>
          </Section>
        </>
      )}
    </>
  );
}
