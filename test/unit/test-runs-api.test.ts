import { describe, expect, it } from '@jest/globals';
import { processRun } from '#lib/app/evaluations/process-run';
import type { TestCase } from '#lib/domain/evaluations/types';
import { makeFakeDeps } from '#test/support/fakes';
import { httpClient } from '#test/support/http';
import { givenTenantWithAi, TEST_API_KEY } from '#test/support/scenario';

const CASES: TestCase[] = [
  { caseId: 'returns', message: 'Can I return a kit?', expect: { contains: ['return a kit'] } },
  {
    caseId: 'canada',
    message: 'Do you ship to Canada?',
    expect: { contains: ['10 business days'] },
    rubric: 'Polite.',
  },
];

async function given(cases = CASES) {
  const deps = makeFakeDeps();
  const { tenantId, ai } = await givenTenantWithAi(deps);
  const at = deps.clock.now().toISOString();
  await deps.testSets.createTestSet({
    tenantId,
    aiId: ai.id,
    setId: 'set_1',
    name: 'Support',
    cases,
    createdAt: at,
    updatedAt: at,
  });
  const runs = `/v1/ais/${ai.id}/test-sets/set_1/runs`;
  /** What the evaluator does with the queued jobs. */
  const evaluate = async () => {
    for (const job of deps.evaluationQueue.jobs.splice(0))
      await processRun(deps, { ...job, attempt: 1 }, () => 600_000);
  };
  return { deps, ai, runs, evaluate, call: httpClient(deps, TEST_API_KEY) };
}

describe('POST /v1/ais/{id}/test-sets/{set_id}/runs', () => {
  it('starts a run as a queued job and answers 202 with its id, before any case is answered', async () => {
    const { deps, runs, call } = await given();

    const response = await call('POST', runs);

    expect(response.status).toBe(202);
    expect(response.body).toEqual({ run_id: expect.stringMatching(/^run_/), status: 'running' });
    expect(deps.evaluationQueue.jobs).toHaveLength(1);
    expect(deps.chatModel.requests).toEqual([]);
  });

  it('answers 409 while a run of the set is running', async () => {
    const { runs, call } = await given();
    const first = await call('POST', runs);

    const second = await call('POST', runs);

    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'conflict', message: expect.stringContaining(first.body.run_id) });
  });

  it('answers 404 for a missing set or AI, and 400 for a set without cases', async () => {
    const { ai, call } = await given([]);

    expect((await call('POST', `/v1/ais/${ai.id}/test-sets/set_nope/runs`)).status).toBe(404);
    expect((await call('POST', '/v1/ais/ai_nope/test-sets/set_1/runs')).status).toBe(404);
    const empty = await call('POST', `/v1/ais/${ai.id}/test-sets/set_1/runs`);
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain('no cases');
  });
});

describe('GET /v1/ais/{id}/test-sets/{set_id}/runs/{run_id}', () => {
  it('shows a running run with no results yet, then the finished run with each result', async () => {
    const { deps, runs, call, evaluate } = await given();
    const { run_id } = (await call('POST', runs)).body;

    const running = await call('GET', `${runs}/${run_id}`);
    await evaluate();
    const done = await call('GET', `${runs}/${run_id}`);

    expect(running.body).toMatchObject({ run_id, status: 'running', total: 2, passed: 0, failed: 0, results: [] });
    expect(running.body.finished_at).toBeNull();
    expect(done.status).toBe(200);
    expect(done.body).toEqual({
      run_id,
      set_id: 'set_1',
      status: 'done',
      total: 2,
      passed: 1,
      failed: 1,
      regressions: [],
      started_at: expect.any(String),
      finished_at: deps.clock.now().toISOString(),
      results: [
        {
          case_id: 'returns',
          passed: true,
          reply: 'Answer to: Can I return a kit?',
          citations: [],
          needs_human: false,
          escalation: null,
          model_escalation: 'none',
          follow_up_at: null,
          failures: [],
          rubric: null,
        },
        {
          case_id: 'canada',
          passed: false,
          reply: 'Answer to: Do you ship to Canada?',
          citations: [],
          needs_human: false,
          escalation: null,
          model_escalation: 'none',
          follow_up_at: null,
          failures: ['expected the reply to contain “10 business days”'],
          rubric: { verdict: 'not_judged', reason: expect.stringContaining('offline model') },
        },
      ],
    });
  });

  it('answers 404 for a run that does not exist', async () => {
    const { runs, call } = await given();

    const response = await call('GET', `${runs}/run_nope`);

    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });
});

describe('GET /v1/ais/{id}/test-sets/{set_id}/runs', () => {
  it('lists the runs newest first, without results, paged', async () => {
    const { runs, call, evaluate } = await given();
    const first = (await call('POST', runs)).body.run_id;
    await evaluate();
    const second = (await call('POST', runs)).body.run_id;

    const page1 = await call('GET', `${runs}?limit=1`);
    const page2 = await call('GET', `${runs}?limit=1&cursor=${encodeURIComponent(page1.body.next_cursor)}`);

    expect(page1.status).toBe(200);
    expect(page1.body.data).toEqual([expect.objectContaining({ run_id: second, status: 'running' })]);
    expect(page1.body.data[0]).not.toHaveProperty('results');
    expect(page2.body.data).toEqual([expect.objectContaining({ run_id: first, status: 'done', passed: 1, failed: 1 })]);
  });

  it('answers 404 for a set that does not exist', async () => {
    const { ai, call } = await given();

    expect((await call('GET', `/v1/ais/${ai.id}/test-sets/set_nope/runs`)).status).toBe(404);
  });
});
