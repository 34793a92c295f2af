/**
 * The wire shapes of a prospect's data rights and the account's retention: the export of one
 * conversation and the account settings (snake_case, per ../shared/CONTRACT.md).
 */
import * as z from 'zod';
import { MAX_DATA_RETENTION_DAYS, MIN_DATA_RETENTION_DAYS } from '#lib/domain/limits/retention';
import { MAX_NAME_CHARS } from '#lib/domain/limits/setup';
import { timestamp } from '#functions/http/common-schemas';
import { conversationResponse } from '#functions/http/conversation-schemas';
import { deliveryResponse } from '#functions/http/delivery-schemas';
import { caseResponse } from '#functions/http/test-set-schemas';

const retentionDays = z
  .number()
  .int()
  .min(MIN_DATA_RETENTION_DAYS)
  .max(MAX_DATA_RETENTION_DAYS)
  .nullable()
  .describe(
    'Conversations untouched this many days expire: they read as gone at once and are erased soon after. `null`: kept until erased.',
  );

export const accountResponse = z.object({ name: z.string(), data_retention_days: retentionDays });

export const patchAccountBody = z
  .object({
    name: z.string().trim().min(1).max(MAX_NAME_CHARS).optional(),
    data_retention_days: retentionDays.optional(),
  })
  .strict()
  .describe('The fields to change; the others stay as they are.');

export const conversationExportResponse = z.object({
  conversation: conversationResponse.extend({
    metadata: z.record(z.string(), z.unknown()),
    messages: z.array(
      conversationResponse.shape.messages.element.extend({
        feedback: z
          .object({ rating: z.enum(['up', 'down']), correction: z.string().optional(), at: timestamp })
          .optional(),
        answer: z.string().optional(),
        metadata: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
  }),
  deliveries: z
    .array(
      deliveryResponse.extend({
        body: z.unknown().describe('The webhook body as stored (sent signed; the signing secret is never exported).'),
      }),
    )
    .describe("The webhook deliveries the conversation's messages caused."),
  test_cases: z
    .array(z.object({ ai_id: z.string(), set_id: z.string(), set_name: z.string(), case: caseResponse }))
    .describe("Test-set cases copied from the conversation's messages (erasing the conversation removes them)."),
});
