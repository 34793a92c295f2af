/**
 * `parley eval <ai> --set <set_id>`: runs a test set, shows its progress, prints each case's result
 * (failures with their reasons, regressions marked) and fails (exit 1) on any failure or
 * regression, so a business can gate a change in its own CI.
 */
import type { ApiClient } from '#bin/cli/api-client';
import { bar, json, type Output } from '#bin/cli/output';

/** A run that failed a case or regressed: main prints the message and exits 1. */
export class EvalFailedError extends Error {}

export interface EvalOptions {
  aiId: string;
  setId: string;
  json: boolean;
  /** How often the run is polled (ms). */
  intervalMs: number;
  /** Gives up waiting after this long (ms). */
  timeoutMs: number;
}

interface CaseResultWire {
  case_id: string;
  passed: boolean;
  reply: string;
  failures: string[];
  rubric: { verdict: string; reason: string } | null;
}

interface RunWire {
  run_id: string;
  status: 'running' | 'done';
  total: number;
  passed: number;
  failed: number;
  regressions: string[];
  results: CaseResultWire[];
}

/** Starts the run, waits for it to finish, prints it; throws EvalFailedError if anything failed. */
export async function runEval(api: ApiClient, options: EvalOptions, out: Output): Promise<void> {
  const runs = `/v1/ais/${encodeURIComponent(options.aiId)}/test-sets/${encodeURIComponent(options.setId)}/runs`;
  const started: { run_id: string } = await api.request('POST', runs);
  const deadline = Date.now() + options.timeoutMs;
  let run: RunWire = await api.request('GET', `${runs}/${encodeURIComponent(started.run_id)}`);
  while (run.status !== 'done') {
    out.progress(`run ${run.run_id} ${bar(run.results.length, run.total)} ${run.results.length}/${run.total}`);
    if (Date.now() > deadline) {
      throw new EvalFailedError(`run ${run.run_id} did not finish within ${options.timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    run = await api.request('GET', `${runs}/${encodeURIComponent(started.run_id)}`);
  }
  out.endProgress();
  out.print(options.json ? json(run) : describeRun(run));
  if (run.failed > 0 || run.regressions.length > 0) {
    const regressed = run.regressions.length ? `, ${run.regressions.length} regressed` : '';
    throw new EvalFailedError(`run ${run.run_id}: ${run.failed} of ${run.total} cases failed${regressed}`);
  }
}

/** Each case on a line (PASS, FAIL, or FAIL with REGRESSION), its failures beneath, then the totals. */
export function describeRun(run: RunWire): string {
  const regressions = new Set(run.regressions);
  const lines = [`run ${run.run_id}`];
  for (const result of run.results) {
    const mark = result.passed ? 'PASS' : regressions.has(result.case_id) ? 'FAIL (regression)' : 'FAIL';
    lines.push(`${mark}  ${result.case_id}`);
    for (const failure of result.failures) lines.push(`      - ${failure}`);
    if (result.rubric?.verdict === 'not_judged') lines.push(`      rubric ${result.rubric.reason}`);
  }
  const regressed = regressions.size ? `, ${regressions.size} regressed (${[...regressions].join(', ')})` : '';
  lines.push(`${run.passed} passed, ${run.failed} failed of ${run.total}${regressed}`);
  return `${lines.join('\n')}\n`;
}
