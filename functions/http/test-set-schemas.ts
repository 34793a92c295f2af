/** Wire shapes of test sets and their cases (see common-schemas.ts; runs are in their own module). */
import * as z from 'zod';
import { isDuration, parseDurationMs } from '#lib/domain/evaluations/durations';
import { EMERGENCY_TRIGGERS, OPERATOR_FAULTS } from '#lib/domain/escalation';
import {
  MAX_CASE_HISTORY_CHARS,
  MAX_CASE_HISTORY_TURNS,
  MAX_CASE_ID_CHARS,
  MAX_CASE_MESSAGE_CHARS,
  MAX_CASE_PHRASE_CHARS,
  MAX_CASE_PHRASES,
  MAX_CASES_PER_SET,
  MAX_RUBRIC_CHARS,
  MAX_TEST_SET_NAME_CHARS,
} from '#lib/domain/limits/evaluations';
import { idParam, timestamp } from '#functions/http/common-schemas';

export const DURATION_MESSAGE = 'must be an ISO 8601 duration like PT12H';

const duration = z
  .string()
  .max(40)
  .refine(isDuration, DURATION_MESSAGE)
  .describe('An ISO 8601 duration (weeks, days, hours, minutes, seconds), e.g. PT12H or P1D.');

const phrases = z.array(z.string().trim().min(1).max(MAX_CASE_PHRASE_CHARS)).max(MAX_CASE_PHRASES).optional();

export const expectInput = z
  .object({
    contains: phrases.describe('Phrases the reply must contain (case-insensitive).'),
    not_contains: phrases.describe('Phrases the reply must not contain (case-insensitive).'),
    cites_document_id: idParam.optional().describe('A document (or correction) the reply must cite.'),
    offers_goal_url: z.boolean().optional().describe("Whether the reply offers the sales goal's URL."),
    escalates: z.boolean().optional().describe('Whether the answer calls a person in under the AI’s settings.'),
    escalation_reason: z
      .enum([...EMERGENCY_TRIGGERS, ...OPERATOR_FAULTS])
      .optional()
      .describe('The reason it must escalate for.'),
    abstains: z.boolean().optional().describe('Whether the AI must say its knowledge does not cover the question.'),
    follow_up_between: z
      .object({ after: duration, before: duration })
      .strict()
      .refine((window) => !isDuration(window.after) || !isDuration(window.before) || laterThan(window), {
        path: ['before'],
        message: 'must be longer than after',
      })
      .optional()
      .describe('A follow-up must be scheduled within this window, counted from the moment the case runs.'),
  })
  .strict();

const turnInput = z
  .object({
    direction: z.enum(['inbound', 'outbound']).describe('inbound: the prospect; outbound: the AI or a person.'),
    text: z.string().trim().min(1).max(MAX_CASE_MESSAGE_CHARS),
  })
  .strict();

export const caseIdInput = z
  .string()
  .min(1)
  .max(MAX_CASE_ID_CHARS)
  .regex(/^[A-Za-z0-9_-]+$/, 'may hold letters, digits, _ and - only');

export const caseInput = z
  .object({
    case_id: caseIdInput.optional().describe('Assigned when left out; unique within the set.'),
    message: z.string().trim().min(1).max(MAX_CASE_MESSAGE_CHARS).describe("The prospect's message."),
    history: z
      .array(turnInput)
      .max(MAX_CASE_HISTORY_TURNS)
      .refine((turns) => totalChars(turns) <= MAX_CASE_HISTORY_CHARS, {
        message: `must hold at most ${MAX_CASE_HISTORY_CHARS} characters in all`,
      })
      .optional()
      .describe('Earlier turns of the conversation, oldest first.'),
    expect: expectInput.optional().describe('What the reply must show; each expectation given is checked by code.'),
    rubric: z
      .string()
      .trim()
      .min(1)
      .max(MAX_RUBRIC_CHARS)
      .optional()
      .describe('One or two sentences the configured model judges the reply against (not judged offline).'),
  })
  .strict();

const cases = z.array(caseInput).max(MAX_CASES_PER_SET).superRefine(uniqueCaseIds);
const name = z.string().trim().min(1).max(MAX_TEST_SET_NAME_CHARS);

export const createTestSetBody = z.object({ name, cases: cases.default([]) }).strict();

export const updateTestSetBody = z
  .object({
    name: name.optional(),
    cases: cases.optional().describe('Replaces every case; a case keeping its case_id keeps where it was copied from.'),
  })
  .strict();

/** Cases from CSV (`text/csv`, or `{csv}` in JSON), or one case copied from a conversation's message. */
export const addCasesBody = z
  .object({
    csv: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Cases as CSV, header `message,contains,not_contains,cites_document_id,offers_goal_url,escalates,abstains`; ' +
          'list cells separated by `|`. Or send the CSV itself with Content-Type text/csv.',
      ),
    conversation_id: z.string().min(1).max(200).optional().describe('Copy a message of this conversation…'),
    message_id: idParam.optional().describe("…this one, a prospect's (inbound) message, with the turns before it."),
    expect: expectInput.optional(),
    rubric: caseInput.shape.rubric,
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.csv !== undefined) {
      for (const field of ['conversation_id', 'message_id', 'expect', 'rubric'] as const) {
        if (body[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'does not go with csv' });
      }
      return;
    }
    for (const field of ['conversation_id', 'message_id'] as const) {
      if (body[field] === undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'required (or send the cases as csv)' });
      }
    }
  });

const expectResponse = z.object({
  contains: z.array(z.string()).optional(),
  not_contains: z.array(z.string()).optional(),
  cites_document_id: z.string().optional(),
  offers_goal_url: z.boolean().optional(),
  escalates: z.boolean().optional(),
  escalation_reason: z.string().optional(),
  abstains: z.boolean().optional(),
  follow_up_between: z.object({ after: z.string(), before: z.string() }).optional(),
});

export const caseResponse = z.object({
  case_id: z.string(),
  message: z.string(),
  history: z.array(z.object({ direction: z.enum(['inbound', 'outbound']), text: z.string() })).optional(),
  expect: expectResponse,
  rubric: z.string().optional(),
  source: z
    .object({ conversation_id: z.string(), message_id: z.string() })
    .optional()
    .describe('The conversation message it was copied from: erasing that conversation removes the case.'),
});

export const testSetResponse = z.object({
  set_id: z.string(),
  ai_id: z.string(),
  name: z.string(),
  cases: z.array(caseResponse),
  created_at: timestamp,
  updated_at: timestamp,
});

export const testSetSummaryResponse = testSetResponse.omit({ cases: true }).extend({ case_count: z.number().int() });

export const addedCasesResponse = z.object({
  added: z.array(caseResponse).describe('The cases added, in order, with their case ids.'),
  case_count: z.number().int().describe('Cases in the set now.'),
});

function laterThan(window: { after: string; before: string }): boolean {
  return parseDurationMs(window.before) > parseDurationMs(window.after);
}

function totalChars(turns: { text: string }[]): number {
  return turns.reduce((sum, turn) => sum + turn.text.length, 0);
}

function uniqueCaseIds(list: { case_id?: string }[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  list.forEach((testCase, index) => {
    if (testCase.case_id === undefined) return;
    if (seen.has(testCase.case_id)) {
      ctx.addIssue({ code: 'custom', path: [index, 'case_id'], message: 'is used by an earlier case of the set' });
    }
    seen.add(testCase.case_id);
  });
}
