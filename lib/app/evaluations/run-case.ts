/**
 * One case of a test-set run: answered exactly as the AI would answer it (draftAnswer), the
 * escalation and follow-up decided as finishReply decides them under the AI's settings, the
 * expectations checked and the rubric judged. Nothing is stored here, nothing is sent: the caller
 * records the result, and that is all a run writes.
 */
import { escalationOf } from '#lib/domain/escalation';
import { checkExpectations, rubricFailures } from '#lib/domain/evaluations/expectations';
import type { CaseResult, RubricOutcome, TestCase } from '#lib/domain/evaluations/types';
import { followUpAt, isStopRequest, resolveEmergencySettings } from '#lib/domain/follow-up-policy';
import { decideModelFaultWait, describeBudget, MODEL_FAULT_BUDGET_MS } from '#lib/domain/model-faults';
import { MalformedModelOutputError, ModelBusyError, ModelUnavailableError, type Turn } from '#lib/domain/reply';
import type { Ai } from '#lib/domain/types';
import type { Deps } from '#lib/app/deps';
import { followUpSettingsOf } from '#lib/app/conversation-timers';
import { type DraftAnswer, type DraftAnswerDeps, draftAnswer } from '#lib/app/draft-answer';
import type { SalesSetup } from '#lib/app/setup';

export type RunCaseDeps = DraftAnswerDeps &
  Pick<Deps, 'setup' | 'modelFaultBudgetMs'> & {
    /** Waits out a busy model; a timer when absent (tests pass one that moves their clock). */
    sleep?: (ms: number) => Promise<void>;
    /** A number in [0, 1) for the jitter of a wait; Math.random when absent. */
    random?: () => number;
  };

export interface RunCaseInput {
  ai: Ai;
  setup: SalesSetup | undefined;
  testCase: TestCase;
  /** How long this case may take at most (ms), waits for a busy model included: the function's time left. */
  timeLeftMs: number;
}

/** What the offline model's results say of a rubric. */
export const RUBRIC_NOT_JUDGED_OFFLINE =
  'not judged: the offline model cannot judge a rubric (configure OpenAI to have rubrics judged)';

/**
 * The case's result. A model that stays busy past the wait budget (or the time left), refuses the
 * key, or keeps writing malformed output fails the case with that reason rather than the run.
 */
export async function runCase(deps: RunCaseDeps, input: RunCaseInput): Promise<CaseResult> {
  const { ai, testCase } = input;
  const ranAt = deps.clock.now();
  const history = (testCase.history ?? []).map((turn) => ({
    role: turn.direction === 'inbound' ? ('prospect' as const) : ('assistant' as const),
    text: turn.text,
  }));
  const drafted = await draftWithWaits(deps, input, () =>
    draftAnswer(deps, { ai, setup: input.setup, message: testCase.message, history }),
  );
  if ('failure' in drafted) return unanswered(testCase, drafted.failure);
  const { reply, citations } = drafted;
  const emergency = resolveEmergencySettings(ai);
  // As the stored reply reads to finishReply: the model's reason only when it gave one.
  const { needsHuman, confidence, reason } = reply;
  const escalation = escalationOf(
    { needsHuman, escalation: reply.escalation, confidence, citations, ...(reason ? { reason } : {}) },
    emergency,
  );
  const followUp = await scheduledFollowUp(deps, { ai, drafted, ranAt, paused: !!escalation && emergency.pauseAi });
  const failures = checkExpectations(testCase.expect, {
    reply: reply.text,
    citations,
    escalation: escalation?.reason ?? null,
    modelEscalation: reply.escalation,
    followUpAt: followUp,
    ...(input.setup?.goal ? { goalUrl: input.setup.goal.goalUrl } : {}),
    ranAt,
  });
  const rubric = testCase.rubric
    ? await judge(deps, testCase.rubric, [...history, { role: 'prospect', text: testCase.message }], reply.text)
    : undefined;
  failures.push(...rubricFailures(rubric));
  return {
    caseId: testCase.caseId,
    passed: failures.length === 0,
    reply: reply.text,
    citations,
    needsHuman: reply.needsHuman,
    escalation: escalation?.reason ?? null,
    modelEscalation: reply.escalation,
    followUpAt: followUp,
    failures,
    ...(rubric ? { rubric } : {}),
  };
}

/** A result for a case the model could not answer, with the reason as its one failure. */
export function unanswered(testCase: Pick<TestCase, 'caseId'>, failure: string): CaseResult {
  return {
    caseId: testCase.caseId,
    passed: false,
    reply: '',
    citations: [],
    needsHuman: false,
    escalation: null,
    modelEscalation: 'none',
    followUpAt: null,
    failures: [failure],
  };
}

/**
 * The draft, waiting out a busy model (doubling waits, its `Retry-After` honoured) within the wait
 * budget and the time left; else the sentence that fails the case.
 */
async function draftWithWaits(
  deps: RunCaseDeps,
  input: RunCaseInput,
  draft: () => Promise<DraftAnswer>,
): Promise<DraftAnswer | { failure: string }> {
  const started = deps.clock.now().getTime();
  const budgetMs = Math.min(deps.modelFaultBudgetMs ?? MODEL_FAULT_BUDGET_MS, input.timeLeftMs);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (;;) {
    try {
      return await draft();
    } catch (error) {
      if (error instanceof ModelUnavailableError) {
        return { failure: `the chat model is unavailable (${error.message}); the case was not answered` };
      }
      if (error instanceof MalformedModelOutputError) {
        return { failure: `the chat model's output stayed malformed (${error.message}); the case was not answered` };
      }
      if (!(error instanceof ModelBusyError)) throw error;
      const decision = decideModelFaultWait({
        since: started,
        now: deps.clock.now().getTime(),
        ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
        random: (deps.random ?? Math.random)(),
        budgetMs,
      });
      if (!decision.wait) {
        return { failure: `the chat model stayed busy for ${describeBudget(budgetMs)}; the case was not answered` };
      }
      await sleep(decision.seconds * 1000);
    }
  }
}

/**
 * The follow-up the answer would arm, as finishReply arms it: the time the model read, if follow-ups
 * are on and it lies ahead within their limit; none when the prospect opted out or a person takes over.
 */
async function scheduledFollowUp(
  deps: Pick<Deps, 'setup'>,
  input: { ai: Ai; drafted: DraftAnswer; ranAt: Date; paused: boolean },
): Promise<string | null> {
  const requested = input.drafted.reply.followUpAt;
  const prospectText = input.drafted.request.pending.map((turn: Turn) => turn.text);
  if (!requested || input.paused || prospectText.some(isStopRequest)) return null;
  const at = new Date(requested);
  if (Number.isNaN(at.getTime())) return null;
  const settings = await followUpSettingsOf(deps, input.ai);
  return followUpAt(at, input.ranAt, settings)?.toISOString() ?? null;
}

/**
 * The rubric's verdict from the configured model; not judged when the model cannot judge (the
 * offline model) or could not this time (the reason says why; the case is neither passed nor failed by it).
 */
async function judge(
  deps: Pick<Deps, 'chatModel' | 'clock'>,
  rubric: string,
  conversation: { role: 'prospect' | 'assistant'; text: string }[],
  reply: string,
): Promise<RubricOutcome> {
  if (!deps.chatModel.judgeRubric) return { verdict: 'not_judged', reason: RUBRIC_NOT_JUDGED_OFFLINE };
  const at = deps.clock.now().toISOString();
  try {
    const verdict = await deps.chatModel.judgeRubric({
      rubric,
      conversation: conversation.map((turn) => ({ ...turn, at })),
      reply,
    });
    return { verdict: verdict.passed ? 'passed' : 'failed', reason: verdict.reason };
  } catch (error) {
    if (
      error instanceof ModelBusyError ||
      error instanceof ModelUnavailableError ||
      error instanceof MalformedModelOutputError
    ) {
      return { verdict: 'not_judged', reason: `not judged: the chat model could not judge it (${error.message})` };
    }
    throw error;
  }
}
