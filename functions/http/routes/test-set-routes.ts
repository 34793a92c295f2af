/** An AI's test sets and their cases (runs are in their own routes). */
import type { z } from 'zod';
import { copyCaseFromConversation } from '#lib/app/evaluations/copy-case';
import {
  addCases,
  createTestSet,
  deleteTestSet,
  getTestSet,
  listTestSets,
  updateTestSet,
} from '#lib/app/evaluations/test-sets';
import { MAX_CASES_CSV_BYTES } from '#lib/domain/limits/evaluations';
import { idParam, listQuery, pageOf, toPageRequest } from '#functions/http/common-schemas';
import { presentPage } from '#functions/http/presenters/page-presenter';
import { presentTestCase, presentTestSet, presentTestSetSummary } from '#functions/http/presenters/test-set-presenters';
import { defineRoute } from '#functions/http/route';
import { casesFromCsv, toCaseDraft, toExpectations } from '#functions/http/test-set-cases';
import {
  addCasesBody,
  addedCasesResponse,
  createTestSetBody,
  testSetResponse,
  testSetSummaryResponse,
  updateTestSetBody,
} from '#functions/http/test-set-schemas';

const tags = ['Test sets'];
const aiParams = { id: idParam };
const setParams = { id: idParam, set_id: idParam };
const notFound = { description: 'No AI with this id, or no test set with this id for it, in your account.' };

export const testSetRoutes = [
  defineRoute<z.output<typeof createTestSetBody>>({
    method: 'POST',
    path: '/v1/ais/{id}/test-sets',
    summary:
      'Create a test set: cases (a message, optional history, expectations checked by code, an optional rubric) to run against the AI.',
    tags,
    auth: true,
    params: aiParams,
    body: createTestSetBody,
    creates: { idPrefix: 'set' },
    responses: {
      201: { description: 'Created, with the case ids assigned.', schema: testSetResponse },
      404: notFound,
      409: { description: 'The AI has as many test sets as it may.' },
    },
    async handle(deps, { tenantId, params, body, newId }) {
      const set = await createTestSet(deps, {
        tenantId,
        aiId: params.id ?? '',
        setId: newId,
        name: body.name,
        cases: body.cases.map(toCaseDraft),
      });
      return { statusCode: 201, body: presentTestSet(set) };
    },
  }),
  defineRoute<undefined, z.output<typeof listQuery>>({
    method: 'GET',
    path: '/v1/ais/{id}/test-sets',
    summary: "List the AI's test sets, oldest first, without their cases.",
    tags,
    auth: true,
    params: aiParams,
    query: listQuery,
    responses: { 200: { description: 'A page of test sets.', schema: pageOf(testSetSummaryResponse) }, 404: notFound },
    async handle(deps, { tenantId, params, query }) {
      const page = await listTestSets(deps, tenantId, params.id ?? '', toPageRequest(query));
      return { statusCode: 200, body: presentPage(page, presentTestSetSummary) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/ais/{id}/test-sets/{set_id}',
    summary: 'Read a test set with its cases.',
    tags,
    auth: true,
    params: setParams,
    responses: { 200: { description: 'The test set.', schema: testSetResponse }, 404: notFound },
    async handle(deps, { tenantId, params }) {
      const set = await getTestSet(deps, tenantId, params.id ?? '', params.set_id ?? '');
      return { statusCode: 200, body: presentTestSet(set) };
    },
  }),
  defineRoute<z.output<typeof updateTestSetBody>>({
    method: 'PATCH',
    path: '/v1/ais/{id}/test-sets/{set_id}',
    summary: 'Rename a test set and/or replace its cases. Runs already made keep the cases they ran.',
    tags,
    auth: true,
    params: setParams,
    body: updateTestSetBody,
    responses: {
      200: { description: 'The test set as changed.', schema: testSetResponse },
      404: notFound,
      409: { description: 'The set changed several times while this request ran; try again.' },
    },
    async handle(deps, { tenantId, params, body }) {
      const set = await updateTestSet(deps, {
        tenantId,
        aiId: params.id ?? '',
        setId: params.set_id ?? '',
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.cases === undefined ? {} : { cases: body.cases.map(toCaseDraft) }),
      });
      return { statusCode: 200, body: presentTestSet(set) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/ais/{id}/test-sets/{set_id}',
    summary: 'Delete a test set with its cases and runs.',
    tags,
    auth: true,
    params: setParams,
    responses: { 204: { description: 'Deleted.' }, 404: notFound },
    async handle(deps, { tenantId, params }) {
      await deleteTestSet(deps, tenantId, params.id ?? '', params.set_id ?? '');
      return { statusCode: 204 };
    },
  }),
  defineRoute<z.output<typeof addCasesBody>>({
    method: 'POST',
    path: '/v1/ais/{id}/test-sets/{set_id}/cases',
    summary:
      'Add cases: from CSV (text/csv), or one copied from a prospect’s message of a real conversation ' +
      '({conversation_id, message_id, expect?, rubric?}: the message and the turns before it). ' +
      'A copy holds the prospect’s text: erasing that conversation removes it.',
    tags,
    auth: true,
    params: setParams,
    body: addCasesBody,
    creates: { idPrefix: 'case' },
    maxBodyBytes: MAX_CASES_CSV_BYTES,
    csv: {
      description:
        'Header `message,contains,not_contains,cites_document_id,offers_goal_url,escalates,abstains` ' +
        '(message required, the rest optional and in any order); list cells separated by `|`; ' +
        'true/false cells may be left empty.',
    },
    responses: {
      201: { description: 'The cases added.', schema: addedCasesResponse },
      404: { description: 'No such AI, test set, conversation or message.' },
      409: { description: 'The set would hold more cases than it may, or a case id is taken.' },
      413: { description: 'The CSV is larger than 512 KB.' },
    },
    async handle(deps, { tenantId, params, body, newId }) {
      const target = { tenantId, aiId: params.id ?? '', setId: params.set_id ?? '' };
      const result =
        body.csv !== undefined
          ? await addCases(deps, { ...target, cases: casesFromCsv(body.csv) })
          : await copyCaseFromConversation(deps, {
              ...target,
              caseId: newId,
              conversationId: body.conversation_id ?? '',
              messageId: body.message_id ?? '',
              expect: toExpectations(body.expect),
              ...(body.rubric === undefined ? {} : { rubric: body.rubric }),
            });
      return { statusCode: 201, body: { added: result.added.map(presentTestCase), case_count: result.caseCount } };
    },
  }),
];
