/**
 * The API's records as the dashboard reads them: aliases of the types openapi-typescript generates
 * from docs/openapi.json (api-types.gen.ts, `npm run openapi`), so they cannot drift from the API.
 * The document's schemas are inline, so each record is named by the response that carries it.
 */
import type { paths } from './api-types.gen.ts';

/** The JSON body of the `status` response of `method` on `path`. */
type ResponseBody<
  Path extends keyof paths,
  Method extends keyof paths[Path],
  Status extends number = 200,
> = paths[Path][Method] extends { responses: { [S in Status]: { content: { 'application/json': infer Body } } } }
  ? Body
  : never;

export type Ai = ResponseBody<'/v1/ais/{id}', 'get'>;

/** An AI as its creation returns it: with the webhook signing secret, shown this once. */
export type CreatedAi = ResponseBody<'/v1/ais', 'post', 201>;

export type Webhooks = Ai['webhooks'];

export type KnowledgeBase = ResponseBody<'/v1/knowledge-bases/{id}', 'get'>;

export type KnowledgeDocument = ResponseBody<'/v1/knowledge-bases/{id}/documents/{document_id}', 'get'>;

export type DocumentStatus = KnowledgeDocument['status'];

export type TestAnswer = ResponseBody<'/v1/ais/{id}/test', 'post'>;

export type Citation = TestAnswer['citations'][number];

export type Conversation = ResponseBody<'/v2/conversations/{conversation_id}', 'get'>;

export type Message = Conversation['messages'][number];

export type Delivery = ResponseBody<'/v2/deliveries', 'get'>['data'][number];

/** The body of creating an AI; editing takes the same fields (PATCH), nulls clearing optional ones. */
export type AiRequest = NonNullable<paths['/v1/ais']['post']['requestBody']>['content']['application/json'];

export type FollowUpRequest = NonNullable<AiRequest['follow_up']>;

export type EmergencyRequest = NonNullable<AiRequest['emergency']>;

/** An AI with its new webhook secret, as rotating the secret returns it (this once). */
export type RotatedAi = ResponseBody<'/v1/ais/{id}/rotate-secret', 'post'>;

export type ApiKey = ResponseBody<'/v1/api-keys', 'get'>['data'][number];

/** A key as creating or rotating returns it: with the key itself, shown this once. */
export type CreatedApiKey = ResponseBody<'/v1/api-keys', 'post', 201>;

export type KnowledgeGap = ResponseBody<'/v1/knowledge-gaps', 'get'>['data'][number];

export type SearchResult = ResponseBody<'/v1/knowledge-bases/{id}/search', 'post'>['data'][number];

/** The body of answering a knowledge gap. */
export type AnswerGapRequest = NonNullable<
  paths['/v1/knowledge-gaps/{id}/answer']['post']['requestBody']
>['content']['application/json'];

/** A gap as answering it returns it: closed, with the correction made from the answer. */
export type AnsweredGap = ResponseBody<'/v1/knowledge-gaps/{id}/answer', 'post'>;

/** A row of the conversations inbox. */
export type InboxRow = ResponseBody<'/v2/conversations', 'get'>['data'][number];

/** The inbox's filters, as `GET /v2/conversations` takes them. */
export type InboxQuery = NonNullable<paths['/v2/conversations']['get']['parameters']['query']>;

/** The account's settings. */
export type Account = ResponseBody<'/v1/account', 'get'>;

/** The body of changing the account's settings. */
export type AccountRequest = NonNullable<paths['/v1/account']['patch']['requestBody']>['content']['application/json'];

/** Everything held on one conversation, as its export returns it. */
export type ConversationExport = ResponseBody<'/v2/conversations/{conversation_id}/export', 'get'>;

/** A test set with its cases. */
export type TestSet = ResponseBody<'/v1/ais/{id}/test-sets/{set_id}', 'get'>;

export type TestCase = TestSet['cases'][number];

/** One earlier turn of a case's conversation, oldest first. */
export type CaseTurn = NonNullable<TestCase['history']>[number];

/** A set as the AI's list shows it: without its cases, with their count. */
export type TestSetSummary = ResponseBody<'/v1/ais/{id}/test-sets', 'get'>['data'][number];

/** The body of creating a test set; `cases` replaces them all when editing (PATCH). */
export type TestSetRequest = NonNullable<
  paths['/v1/ais/{id}/test-sets']['post']['requestBody']
>['content']['application/json'];

/** A case as a request sends it: `case_id` left out for a new case (the API assigns one). */
export type CaseRequest = NonNullable<TestSetRequest['cases']>[number];

export type CaseExpect = NonNullable<CaseRequest['expect']>;

export type EscalationReason = NonNullable<CaseExpect['escalation_reason']>;

type AddCasesBody = NonNullable<
  paths['/v1/ais/{id}/test-sets/{set_id}/cases']['post']['requestBody']
>['content']['application/json'];

/** The body of copying a conversation's inbound message into a set as a case. */
export type CaseFromMessageRequest = Pick<AddCasesBody, 'expect' | 'rubric'> &
  Required<Pick<AddCasesBody, 'conversation_id' | 'message_id'>>;

/** What adding cases returns: the cases added, with their ids, and how many the set now holds. */
export type AddedCases = ResponseBody<'/v1/ais/{id}/test-sets/{set_id}/cases', 'post', 201>;

/** A run of a test set with each case's result so far. */
export type TestRun = ResponseBody<'/v1/ais/{id}/test-sets/{set_id}/runs/{run_id}', 'get'>;

export type CaseResult = TestRun['results'][number];

/** A run as the set's list shows it: its progress and regressions, without its results. */
export type RunSummary = ResponseBody<'/v1/ais/{id}/test-sets/{set_id}/runs', 'get'>['data'][number];

/** A run just started: queued, its cases not yet answered. */
export type StartedRun = ResponseBody<'/v1/ais/{id}/test-sets/{set_id}/runs', 'post', 202>;
