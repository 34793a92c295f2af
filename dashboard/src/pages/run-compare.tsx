/**
 * Two runs of a test set side by side: each case before and after, regressions (passed before,
 * failing now) first and marked in words as well as colour, and the regressions the later run
 * names against the run just before it.
 */
import { useEffect, useState } from 'preact/hooks';
import { ErrorMessage, Section, When } from '../components/ui.tsx';
import { useAction } from '../hooks.ts';
import { href } from '../router.ts';
import { type Change, compareRuns, runSummary } from '../run-comparison.ts';
import type { CaseResult, TestRun } from '../types.ts';
import { getRun } from '../test-sets.ts';
import { useCaseMessages } from './test-run.tsx';

const CHANGE_TEXT: Record<Change, string> = {
  regressed: 'regression',
  fixed: 'fixed',
  same: 'unchanged',
  added: 'new case',
  removed: 'not in the later run',
};

function Outcome({ result }: { result: CaseResult | undefined }) {
  if (!result) return <span class="meta">not run</span>;
  return (
    <>
      <span class={`badge ${result.passed ? 'passed' : 'failed'}`}>{result.passed ? 'passed' : 'failed'}</span>
      {result.failures.map((failure) => (
        <p class="meta" key={failure}>
          {failure}
        </p>
      ))}
    </>
  );
}

export function RunComparePage({
  aiId,
  setId,
  beforeId,
  afterId,
}: {
  aiId: string;
  setId: string;
  beforeId: string;
  afterId: string;
}) {
  const [runs, setRuns] = useState<[TestRun, TestRun] | null>(null);
  const { set, messages } = useCaseMessages(aiId, setId);
  const load = useAction();

  useEffect(() => {
    void load.run(async () =>
      setRuns(await Promise.all([getRun(aiId, setId, beforeId), getRun(aiId, setId, afterId)])),
    );
  }, [aiId, setId, beforeId, afterId, load.run]);

  const runLink = (run: TestRun) => (
    <a href={href('ais', aiId, 'test-sets', setId, 'runs', run.run_id)}>
      <When at={run.started_at} />
    </a>
  );
  const compared = runs ? compareRuns(...runs) : [];
  const regressions = compared.filter((row) => row.change === 'regressed').length;

  return (
    <>
      <h1 tabIndex={-1}>Compare runs of {set?.name ?? 'a test set'}</h1>
      <p>
        <a href={href('ais', aiId, 'test-sets', setId)}>Back to the test set</a>
      </p>
      <ErrorMessage error={load.error} />
      {runs && (
        <>
          <p class="card">
            Before: {runLink(runs[0])}, {runSummary(runs[0])}. After: {runLink(runs[1])}, {runSummary(runs[1])}.{' '}
            <strong>{regressions === 0 ? 'No regression.' : `${regressions} regression(s) between these runs.`}</strong>
          </p>
          <div class="table-scroll">
            <table class="compare">
              <caption>Each case before and after</caption>
              <thead>
                <tr>
                  <th scope="col">Case</th>
                  <th scope="col">Before</th>
                  <th scope="col">After</th>
                  <th scope="col">Change</th>
                </tr>
              </thead>
              <tbody>
                {compared.map((row) => (
                  <tr key={row.caseId} class={row.change}>
                    <th scope="row">{messages.get(row.caseId) ?? row.caseId}</th>
                    <td>
                      <Outcome result={row.before} />
                    </td>
                    <td>
                      <Outcome result={row.after} />
                    </td>
                    <td>{CHANGE_TEXT[row.change]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Section title="Regressions the later run names">
            <p class="hint">Against the run just before it, which may not be the one compared here.</p>
            {runs[1].regressions.length === 0 ? (
              <p>None.</p>
            ) : (
              <ul>
                {runs[1].regressions.map((caseId) => (
                  <li key={caseId}>{messages.get(caseId) ?? caseId}</li>
                ))}
              </ul>
            )}
          </Section>
        </>
      )}
    </>
  );
}
