import { describe, expect, it } from '@jest/globals';
import { abandonRun, processRun } from '#lib/app/evaluations/process-run';
import { RUBRIC_NOT_JUDGED_OFFLINE, runCase } from '#lib/app/evaluations/run-case';
import { startRun } from '#lib/app/evaluations/runs';
import { ConflictError, NotFoundError, ValidationError } from '#lib/domain/errors';
import type { TestCase } from '#lib/domain/evaluations/types';
import {
  EVALUATION_CASE_RESERVE_MS,
  MAX_EVALUATION_ATTEMPTS,
  MAX_RUNNING_RUNS_PER_SET,
  RUN_STALE_AFTER_MS,
} from '#lib/domain/limits/evaluation-runs';
import { MalformedModelOutputError, ModelBusyError, type ModelReply, ModelUnavailableError } from '#lib/domain/reply';
import type { RubricRequest } from '#lib/ports/chat-model';
import { answerTo, type FakeDeps, makeFakeDeps } from '#test/support/fakes';
import { givenSalesAi, SALES_SETUP } from '#test/support/scenario';

const PLENTY_OF_TIME = () => 10 * 60_000;

function reply(overrides: Partial<ModelReply> = {}): ModelReply {
  return {
    text: 'You can return any kit within 45 days.',
    needsHuman: false,
    reason: null,
    followUpAt: null,
    language: 'en',
    confidence: 'high',
    escalation: 'none',
    citations: [],
    ...overrides,
  };
}

/** A sales AI with a set of `cases`; sleeping moves the fake clock, so waits take no real time. */
async function given(cases: TestCase[], settings: Parameters<typeof givenSalesAi>[1] = {}) {
  const deps: FakeDeps = makeFakeDeps();
  const { tenantId, ai } = await givenSalesAi(deps, settings);
  const slept: number[] = [];
  const runDeps = Object.assign(deps, {
    sleep: async (ms: number) => {
      slept.push(ms);
      deps.clock.advance(ms);
    },
    random: () => 0,
  });
  const at = deps.clock.now().toISOString();
  await deps.testSets.createTestSet({
    tenantId,
    aiId: ai.id,
    setId: 'set_1',
    name: 'Returns',
    cases,
    createdAt: at,
    updatedAt: at,
  });
  const ref = { tenantId, aiId: ai.id, setId: 'set_1' };
  return { deps: runDeps, ai, ref, slept };
}

const CASE: TestCase = { caseId: 'c1', message: 'Can I return a kit?', expect: { contains: ['45 days'] } };

describe('runCase', () => {
  it('answers the case as the AI would and passes it when every expectation holds', async () => {
    const { deps, ai } = await given([]);
    deps.chatModel.nextReply(() => reply());

    const result = await runCase(deps, { ai, setup: undefined, testCase: CASE, timeLeftMs: 60_000 });

    expect(result).toEqual({
      caseId: 'c1',
      passed: true,
      reply: 'You can return any kit within 45 days.',
      citations: [],
      needsHuman: false,
      escalation: null,
      modelEscalation: 'none',
      followUpAt: null,
      failures: [],
    });
    expect(deps.chatModel.requests[0]?.pending.map((t) => t.text)).toEqual(['Can I return a kit?']);
  });

  it('gives the model the case’s history as earlier turns', async () => {
    const { deps, ai } = await given([]);
    const testCase: TestCase = {
      ...CASE,
      history: [
        { direction: 'inbound', text: 'Hi' },
        { direction: 'outbound', text: 'Hello! How can I help?' },
      ],
    };

    await runCase(deps, { ai, setup: undefined, testCase, timeLeftMs: 60_000 });

    expect(deps.chatModel.requests[0]?.history.map((t) => [t.role, t.text])).toEqual([
      ['prospect', 'Hi'],
      ['assistant', 'Hello! How can I help?'],
    ]);
  });

  it('decides the escalation under the AI’s emergency settings, and reads an abstention from the model', async () => {
    const { deps, ai } = await given([], {
      emergency: { enabled: true, triggers: ['complaint'], pauseAi: false },
    });
    deps.chatModel.nextReply(() => reply({ text: 'I do not know.', escalation: 'unanswerable', confidence: 'low' }));
    const testCase: TestCase = {
      caseId: 'c1',
      message: 'Do you ship to Canada?',
      expect: { abstains: true, escalates: true },
    };

    const result = await runCase(deps, { ai, setup: undefined, testCase, timeLeftMs: 60_000 });

    // `ungrounded` is not among this AI's triggers: it abstains without calling anyone.
    expect(result).toMatchObject({ escalation: null, modelEscalation: 'unanswerable', passed: false });
    expect(result.failures).toEqual(['expected the answer to escalate to a person, but it did not']);
  });

  it('reports the follow-up the answer would arm, counted from the run', async () => {
    const { deps, ai } = await given([]);
    const tomorrow = new Date(deps.clock.now().getTime() + 24 * 3_600_000).toISOString();
    deps.chatModel.nextReply(() => reply({ followUpAt: tomorrow }));
    const testCase: TestCase = {
      caseId: 'c1',
      message: 'Call me tomorrow',
      expect: { followUpBetween: { after: 'PT12H', before: 'PT36H' } },
    };

    const result = await runCase(deps, { ai, setup: undefined, testCase, timeLeftMs: 60_000 });

    expect(result).toMatchObject({ passed: true, followUpAt: tomorrow });
  });

  it('arms no follow-up when the AI’s follow-ups are off', async () => {
    const { deps, ai } = await given([], {
      followUp: { enabled: false, dropoffAfterHours: 24, maxNudges: 1, timezone: 'UTC' },
    });
    const tomorrow = new Date(deps.clock.now().getTime() + 24 * 3_600_000).toISOString();
    deps.chatModel.nextReply(() => reply({ followUpAt: tomorrow }));

    const result = await runCase(deps, { ai, setup: undefined, testCase: CASE, timeLeftMs: 60_000 });

    expect(result.followUpAt).toBeNull();
  });

  it('checks the goal URL against the AI’s sales goal', async () => {
    const { deps, ai } = await given([]);
    deps.chatModel.nextReply(() => reply({ text: 'Book here' }));
    const setup = { goal: { ...SALES_SETUP.goal } } as Parameters<typeof runCase>[1]['setup'];
    const testCase: TestCase = { caseId: 'c1', message: 'I want a demo', expect: { offersGoalUrl: true } };

    const result = await runCase(deps, { ai, setup, testCase, timeLeftMs: 60_000 });

    expect(result.failures).toEqual([
      `expected the reply to offer the goal URL ${SALES_SETUP.goal.goalUrl}, but it does not`,
    ]);
  });

  it('reports a rubric as not judged on a model that cannot judge, without failing the case', async () => {
    const { deps, ai } = await given([]);
    deps.chatModel.nextReply(() => reply());

    const result = await runCase(deps, {
      ai,
      setup: undefined,
      testCase: { ...CASE, rubric: 'Polite.' },
      timeLeftMs: 60_000,
    });

    expect(result).toMatchObject({
      passed: true,
      rubric: { verdict: 'not_judged', reason: RUBRIC_NOT_JUDGED_OFFLINE },
    });
  });

  it('fails the case on a failed rubric, with the judge’s reason, and shows the judge the conversation', async () => {
    const { deps, ai } = await given([]);
    deps.chatModel.nextReply(() => reply());
    const judged: RubricRequest[] = [];
    Object.assign(deps.chatModel, {
      judgeRubric: async (request: RubricRequest) => {
        judged.push(request);
        return { passed: false, reason: 'It never offers a refund.' };
      },
    });

    const result = await runCase(deps, {
      ai,
      setup: undefined,
      testCase: { ...CASE, rubric: 'Offers a refund.' },
      timeLeftMs: 60_000,
    });

    expect(result).toMatchObject({
      passed: false,
      rubric: { verdict: 'failed', reason: 'It never offers a refund.' },
      failures: ['the rubric was not met: It never offers a refund.'],
    });
    expect(judged[0]).toMatchObject({
      rubric: 'Offers a refund.',
      conversation: [{ role: 'prospect', text: 'Can I return a kit?' }],
      reply: 'You can return any kit within 45 days.',
    });
  });

  it('waits out a busy model, honouring its Retry-After, and then answers', async () => {
    const { deps, ai, slept } = await given([]);
    deps.chatModel.failNext(new ModelBusyError('HTTP 429', { retryAfterMs: 5_000 })).nextReply(() => reply());

    const result = await runCase(deps, { ai, setup: undefined, testCase: CASE, timeLeftMs: 60_000 });

    expect(slept).toEqual([5_000]);
    expect(result.passed).toBe(true);
  });

  it('fails the case, saying why, when the model stays busy for the time it has', async () => {
    const { deps, ai } = await given([]);
    deps.chatModel.generateReply = async () => {
      throw new ModelBusyError('HTTP 503');
    };

    const result = await runCase(deps, { ai, setup: undefined, testCase: CASE, timeLeftMs: 30_000 });

    expect(result).toMatchObject({
      passed: false,
      reply: '',
      failures: ['the chat model stayed busy for 30 s; the case was not answered'],
    });
  });

  it('fails the case when the model is unavailable or its output stays malformed', async () => {
    const { deps, ai } = await given([]);
    deps.chatModel.failNext(new ModelUnavailableError('the OpenAI key is not set'));
    deps.chatModel.failNext(new MalformedModelOutputError('not JSON'));

    const unavailable = await runCase(deps, { ai, setup: undefined, testCase: CASE, timeLeftMs: 60_000 });
    const malformed = await runCase(deps, { ai, setup: undefined, testCase: CASE, timeLeftMs: 60_000 });

    expect(unavailable.failures).toEqual([
      'the chat model is unavailable (the OpenAI key is not set); the case was not answered',
    ]);
    expect(malformed.failures).toEqual([
      "the chat model's output stayed malformed (not JSON); the case was not answered",
    ]);
  });
});

describe('startRun', () => {
  it('snapshots the set’s cases, stores the run as running and queues its job', async () => {
    const { deps, ref } = await given([CASE]);

    const run = await startRun(deps, ref);

    expect(run).toMatchObject({ ...ref, status: 'running', total: 1, passed: 0, failed: 0 });
    expect(deps.evaluationQueue.jobs).toEqual([{ ...ref, runId: run.runId }]);
    await expect(deps.testSets.getRunCases(ref.tenantId, ref.aiId, ref.setId, run.runId)).resolves.toEqual([CASE]);
  });

  it(`refuses a start while ${MAX_RUNNING_RUNS_PER_SET} run of the set is running`, async () => {
    const { deps, ref } = await given([CASE]);
    const first = await startRun(deps, ref);

    await expect(startRun(deps, ref)).rejects.toThrow(
      new ConflictError(
        `run ${first.runId} of this test set is still running; wait for it to finish before starting another`,
      ),
    );
  });

  it('finishes a run still running after RUN_STALE_AFTER_MS, its cases failed, and starts the new one', async () => {
    const { deps, ref } = await given([CASE]);
    const stale = await startRun(deps, ref);
    deps.clock.advance(RUN_STALE_AFTER_MS);

    await startRun(deps, ref);

    const finished = await deps.testSets.getRun(ref.tenantId, ref.aiId, ref.setId, stale.runId);
    expect(finished).toMatchObject({ status: 'done', passed: 0, failed: 1 });
    expect(finished?.results[0]?.failures).toEqual([
      'the run stopped before this case: it was still running after 6 h',
    ]);
  });

  it('refuses a set without cases, and a missing set or AI', async () => {
    const { deps, ref } = await given([]);

    await expect(startRun(deps, ref)).rejects.toThrow(ValidationError);
    await expect(startRun(deps, { ...ref, setId: 'set_missing' })).rejects.toThrow(NotFoundError);
    await expect(startRun(deps, { ...ref, aiId: 'ai_missing' })).rejects.toThrow(NotFoundError);
  });

  it('finishes the run when its job cannot be queued, so the set is not blocked', async () => {
    const { deps, ref } = await given([CASE]);
    deps.evaluationQueue.failNext(new Error('SQS is down'));

    await expect(startRun(deps, ref)).rejects.toThrow('SQS is down');

    const [run] = (await deps.testSets.listRuns(ref.tenantId, ref.aiId, ref.setId, { limit: 10 })).items;
    expect(run).toMatchObject({ status: 'done', failed: 1 });
    await expect(startRun(deps, ref)).resolves.toMatchObject({ status: 'running' });
  });
});

describe('processRun', () => {
  const cases: TestCase[] = [
    { caseId: 'a', message: 'first', expect: { contains: ['first'] } },
    { caseId: 'b', message: 'second', expect: { contains: ['second'] } },
    { caseId: 'c', message: 'third', expect: { contains: ['nowhere'] } },
  ];

  it('answers every case in order, records each result and finishes the run', async () => {
    const { deps, ref } = await given(cases);
    const { runId } = await startRun(deps, ref);

    const outcome = await processRun(deps, { ...ref, runId, attempt: 1 }, PLENTY_OF_TIME);

    expect(outcome).toBe('finished');
    const run = await deps.testSets.getRun(ref.tenantId, ref.aiId, ref.setId, runId);
    expect(run).toMatchObject({ status: 'done', total: 3, passed: 2, failed: 1, regressions: [] });
    expect(run?.results.map((r) => [r.caseId, r.passed])).toEqual([
      ['a', true],
      ['b', true],
      ['c', false],
    ]);
    expect(run?.finishedAt).toBe(deps.clock.now().toISOString());
  });

  it('stores no conversation, queues no answer and sends nothing', async () => {
    const { deps, ref } = await given(cases);
    const { runId } = await startRun(deps, ref);

    await processRun(deps, { ...ref, runId, attempt: 1 }, PLENTY_OF_TIME);

    const conversations = await deps.conversations.listConversationsUpdatedBefore(ref.tenantId, '9999-12-31', 10);
    expect(conversations).toEqual([]);
    await expect(deps.pendingWork.listPending('9999-12-31', 10)).resolves.toEqual([]);
    expect(deps.generationQueue.jobs).toEqual([]);
    expect(deps.deliveryQueue.jobs).toEqual([]);
    expect(deps.webhookSender.sent).toEqual([]);
    expect(deps.events.published).toEqual([]);
  });

  it('names the cases that passed in the previous finished run and fail now', async () => {
    const { deps, ref } = await given(cases);
    const first = await startRun(deps, ref);
    await processRun(deps, { ...ref, runId: first.runId, attempt: 1 }, PLENTY_OF_TIME);
    const second = await startRun(deps, ref);
    deps.chatModel.nextReply(() => reply({ text: 'something else' }));

    await processRun(deps, { ...ref, runId: second.runId, attempt: 1 }, PLENTY_OF_TIME);

    const run = await deps.testSets.getRun(ref.tenantId, ref.aiId, ref.setId, second.runId);
    expect(run?.regressions).toEqual(['a']);
  });

  it('resumes a redelivered job where it stopped, answering no case twice', async () => {
    const { deps, ref } = await given(cases);
    const { runId } = await startRun(deps, ref);
    deps.chatModel.nextReply(answerTo).nextReply(() => {
      throw new Error('the function crashed');
    });
    await expect(processRun(deps, { ...ref, runId, attempt: 1 }, PLENTY_OF_TIME)).rejects.toThrow('crashed');

    await processRun(deps, { ...ref, runId, attempt: 2 }, PLENTY_OF_TIME);

    const asked = deps.chatModel.requests.map((r) => r.pending[0]?.text);
    expect(asked).toEqual(['first', 'second', 'second', 'third']);
    const run = await deps.testSets.getRun(ref.tenantId, ref.aiId, ref.setId, runId);
    expect(run).toMatchObject({ status: 'done', passed: 2, failed: 1 });
  });

  it('queues the rest of the run as a new job when the function’s time runs short', async () => {
    const { deps, ref } = await given(cases);
    const { runId } = await startRun(deps, ref);
    deps.evaluationQueue.jobs.length = 0;
    const timeLeft = [EVALUATION_CASE_RESERVE_MS + 1_000, EVALUATION_CASE_RESERVE_MS];

    const outcome = await processRun(deps, { ...ref, runId, attempt: 1 }, () => timeLeft.shift() ?? 0);

    expect(outcome).toBe('continued');
    expect(deps.evaluationQueue.jobs).toEqual([{ ...ref, runId }]);
    const run = await deps.testSets.getRun(ref.tenantId, ref.aiId, ref.setId, runId);
    expect(run).toMatchObject({ status: 'running', passed: 1 });
  });

  it(`on the job's attempt ${MAX_EVALUATION_ATTEMPTS} finishes the run with the unrun cases failed, saying why`, async () => {
    const { deps, ref } = await given(cases);
    const { runId } = await startRun(deps, ref);
    await deps.testSets.recordCaseResult(ref.tenantId, ref.aiId, ref.setId, runId, {
      caseId: 'a',
      passed: true,
      reply: 'first',
      citations: [],
      needsHuman: false,
      escalation: null,
      modelEscalation: 'none',
      followUpAt: null,
      failures: [],
    });

    const outcome = await processRun(deps, { ...ref, runId, attempt: MAX_EVALUATION_ATTEMPTS }, PLENTY_OF_TIME);

    expect(outcome).toBe('finished');
    expect(deps.chatModel.requests).toEqual([]);
    const run = await deps.testSets.getRun(ref.tenantId, ref.aiId, ref.setId, runId);
    expect(run).toMatchObject({ status: 'done', passed: 1, failed: 2 });
    expect(run?.results[1]?.failures).toEqual([
      `the run stopped before this case: its job failed ${MAX_EVALUATION_ATTEMPTS - 1} times`,
    ]);
  });

  it('finishes the run, its cases failed, when its AI was deleted; a finished run is left alone', async () => {
    const { deps, ref } = await given(cases);
    const { runId } = await startRun(deps, ref);
    await deps.ais.deleteAi(ref.tenantId, ref.aiId);

    await expect(processRun(deps, { ...ref, runId, attempt: 1 }, PLENTY_OF_TIME)).resolves.toBe('finished');
    await expect(processRun(deps, { ...ref, runId, attempt: 1 }, PLENTY_OF_TIME)).resolves.toBe('nothing_to_do');
    await expect(abandonRun(deps, { ...ref, runId }, 'again')).resolves.toBe(false);
    const run = await deps.testSets.getRun(ref.tenantId, ref.aiId, ref.setId, runId);
    expect(run?.results[0]?.failures).toEqual(['the run stopped before this case: its AI was deleted']);
  });
});
