import type { z } from 'zod';
import { getTestRun, listTestRuns, startRun } from '#lib/app/evaluations/runs';
import { presentPage } from '#functions/http/presenters/page-presenter';
import { presentTestRun, presentTestRunSummary } from '#functions/http/presenters/test-run-presenters';
import { defineRoute } from '#functions/http/route';
import { listQuery, pageOf, toPageRequest } from '#functions/http/common-schemas';
import {
  startRunResponse,
  testRunIdParams,
  testRunParams,
  testRunResponse,
  testRunSummaryResponse,
} from '#functions/http/test-run-schemas';

const tags = ['Test sets'];
const RUNS = '/v1/ais/{id}/test-sets/{set_id}/runs';
const notFound = { description: 'No AI, test set or run with these ids in your account.' };

/** The set a request names, from its path. */
function setOf(tenantId: string, p: Record<string, string>) {
  return { tenantId, aiId: p.id ?? '', setId: p.set_id ?? '' };
}

export const testRunRoutes = [
  defineRoute({
    method: 'POST',
    path: RUNS,
    summary:
      "Run a test set with the AI's current setup and knowledge. The cases are answered by a background job: poll the run for its progress. Nothing is stored in conversations, and nothing is sent to a webhook.",
    tags,
    auth: true,
    params: testRunParams,
    responses: {
      202: { description: 'The run started.', schema: startRunResponse },
      400: { description: 'The set has no cases.' },
      404: notFound,
      409: { description: 'A run of this set is still running.' },
    },
    async handle(deps, { tenantId, params: p }) {
      const run = await startRun(deps, setOf(tenantId, p));
      return { statusCode: 202, body: { run_id: run.runId, status: run.status } };
    },
  }),
  defineRoute<undefined, z.output<typeof listQuery>>({
    method: 'GET',
    path: RUNS,
    summary: "List a test set's runs, newest first, without their results.",
    tags,
    auth: true,
    params: testRunParams,
    query: listQuery,
    responses: { 200: { description: 'A page of runs.', schema: pageOf(testRunSummaryResponse) }, 404: notFound },
    async handle(deps, { tenantId, params: p, query }) {
      const page = await listTestRuns(deps, setOf(tenantId, p), toPageRequest(query));
      return { statusCode: 200, body: presentPage(page, presentTestRunSummary) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: `${RUNS}/{run_id}`,
    summary: 'A run: its progress (total, passed and failed so far), its regressions, and each case’s result so far.',
    tags,
    auth: true,
    params: testRunIdParams,
    responses: { 200: { description: 'The run.', schema: testRunResponse }, 404: notFound },
    async handle(deps, { tenantId, params: p }) {
      const run = await getTestRun(deps, { ...setOf(tenantId, p), runId: p.run_id ?? '' });
      return { statusCode: 200, body: presentTestRun(run) };
    },
  }),
];
