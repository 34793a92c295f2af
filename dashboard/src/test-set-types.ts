/**
 * Test runs as the API returns them (CONTRACT.md, "Test sets (evaluations)"), written by hand until
 * the run routes are in docs/openapi.json; then these become aliases of the generated types in
 * types.ts and this module goes.
 */
import type { Citation } from './types.ts';

export interface CaseResult {
  case_id: string;
  passed: boolean;
  reply: string;
  citations: Citation[];
  needs_human: boolean;
  escalation: string | null;
  follow_up_at: string | null;
  failures: string[];
  rubric?: { verdict: 'passed' | 'failed' | 'not_judged'; reason: string };
}

export interface TestRun {
  run_id: string;
  status: 'running' | 'done';
  total: number;
  passed: number;
  failed: number;
  regressions: string[];
  results: CaseResult[];
  started_at: string;
  finished_at?: string | null;
}

/** A run as the set's list shows it: its progress, maybe without its results. */
export type RunSummary = Omit<TestRun, 'results' | 'regressions'> & Partial<Pick<TestRun, 'results' | 'regressions'>>;
