/**
 * One tenant holding one of every resource, created through the API as a client would, and the
 * route-table lookups that the route-by-route suites (fuzzing, tenant isolation) share: which of
 * the tenant's ids each path parameter names, and a valid body for each route that takes one.
 */
import type { Route } from '#functions/http/route';
import { generateReply } from '#lib/app/generate-reply';
import { processRun } from '#lib/app/evaluations/process-run';
import { ensureTenantForKey } from '#lib/app/tenants';
import type { FakeDeps } from '#test/support/fakes';
import type { MemoryStores } from '#test/support/memory/memory-stores';
import { httpClient } from '#test/support/http';

export type AnyRoute = Route<never, never>;

/** The ids of everything a seeded tenant owns. */
export interface SeededTenant {
  tenantId: string;
  apiKey: string;
  /** A second key of the tenant (not the one it calls with, so fuzzing may revoke it). */
  apiKeyId: string;
  aiId: string;
  productId: string;
  strategyId: string;
  goalId: string;
  knowledgeBaseId: string;
  documentId: string;
  /** A V2 conversation (POST /v2/messages), answered. */
  conversationId: string;
  messageId: string;
  /** A V1 conversation (POST /v1/conversations), its question answered and rated. */
  v1ConversationId: string;
  v1MessageId: string;
  /** A Maax-compatible conversation (POST /api/initiate_answer_generation/), answered. */
  maaxConversationId: string;
  maaxMessageId: string;
  /** A webhook delivery of the V2 answer, when the answer was delivered by webhook. */
  deliveryId: string | undefined;
  /** The knowledge gap the V1 answer's thumbs-down recorded. */
  knowledgeGapId: string;
  /** A test set of the AI, with one case. */
  testSetId: string;
  /** A finished run of that set. */
  testRunId: string;
}

/** `METHOD /path` of a route, as the tables below key it. */
export function routeKey(route: Pick<AnyRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

function expectStatus<T>(what: string, status: number, expected: number, body: T): T {
  if (status !== expected) throw new Error(`seeding: ${what} answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

/** Answers every queued question of the tenant, as the generation queue's consumer would. */
async function answerQueued(deps: FakeDeps, tenantId: string): Promise<void> {
  const jobs = deps.generationQueue.jobs.filter((job) => job.tenantId === tenantId);
  deps.generationQueue.jobs.splice(
    0,
    deps.generationQueue.jobs.length,
    ...deps.generationQueue.jobs.filter((j) => j.tenantId !== tenantId),
  );
  for (const job of jobs) await generateReply(deps, { ...job, attempt: 1 });
}

/** Creates a tenant for `apiKey` with one of each resource, all through the HTTP API. */
export async function seedTenantThroughApi(deps: FakeDeps, apiKey: string, name: string): Promise<SeededTenant> {
  const tenantId = await ensureTenantForKey(deps, { apiKey, tenantName: name });
  const call = httpClient(deps, apiKey);
  const post = async (path: string, body: unknown, expected: number) => {
    deps.clock.advance(1_000); // a fresh rate-limit window for each request
    const response = await call('POST', path, body);
    return expectStatus(`POST ${path}`, response.status, expected, response.body);
  };

  const product = await post('/v1/products', { name: 'Acme CRM', description: 'A CRM for bakeries.' }, 201);
  const strategy = await post('/v1/strategies', { name: 'Consultative', instructions: 'Ask first.' }, 201);
  const goal = await post(
    '/v1/goals',
    { name: 'Book a demo', description: 'A call.', goal_url: 'https://acme.example/book' },
    201,
  );
  const apiKey2 = await post('/v1/api-keys', { name: 'Zapier' }, 201);
  const base = await post('/v1/knowledge-bases', { name: 'Help centre' }, 201);
  const document = await post(
    `/v1/knowledge-bases/${base.id}/documents`,
    { title: 'Shipping', content: 'We ship to Canada within 5 business days.' },
    202,
  );
  const ai = await post(
    '/v1/ais',
    {
      type: 'support',
      name: 'Ada',
      webhooks: { answer_url: 'https://hooks.example.com/answer' },
      knowledge_base_ids: [base.id],
    },
    201,
  );
  const v2 = await post(
    '/v2/messages',
    { ai_id: ai.id, conversation_id: `${name.toLowerCase()}-alice@example.com`, message: 'Hello, do you ship?' },
    202,
  );
  const v1 = await post('/v1/conversations', { ai_id: ai.id, question: 'Do you ship to Canada?' }, 202);
  const maax = await post(
    '/api/initiate_answer_generation/',
    { message_content: 'Do you ship to Peru?', service_type: 'customer_support_automation', prospect_id: 42 },
    202,
  );
  const deliveriesBefore = deps.deliveryQueue.jobs.length;
  await answerQueued(deps, tenantId);
  const delivery = deps.deliveryQueue.jobs.slice(deliveriesBefore).find((j) => j.job.tenantId === tenantId);
  await post(
    `/v1/conversations/${encodeURIComponent(v1.conversation_id)}/messages/${v1.message_id}/feedback`,
    { rating: 'down', correction: 'We ship to Canada in 3 days.' },
    200,
  );
  const testSet = await post(
    `/v1/ais/${ai.id}/test-sets`,
    {
      name: 'Shipping',
      cases: [{ case_id: 'canada', message: 'Do you ship to Canada?', expect: { contains: ['Canada'] } }],
    },
    201,
  );
  // A finished run of the set: a running one would make a new run of it a 409.
  const run = await post(`/v1/ais/${ai.id}/test-sets/${testSet.set_id}/runs`, undefined, 202);
  for (const job of deps.evaluationQueue.jobs.splice(0)) {
    await processRun(deps, { ...job, attempt: 1 }, () => 600_000);
  }
  const gaps = await call('GET', '/v1/knowledge-gaps');
  const knowledgeGapId = expectStatus('GET /v1/knowledge-gaps', gaps.status, 200, gaps.body).data[0].id as string;

  return {
    tenantId,
    apiKey,
    apiKeyId: apiKey2.id,
    aiId: ai.id,
    productId: product.id,
    strategyId: strategy.id,
    goalId: goal.id,
    knowledgeBaseId: base.id,
    documentId: document.document_id,
    conversationId: v2.conversation_id,
    messageId: v2.message_id,
    v1ConversationId: v1.conversation_id,
    v1MessageId: v1.message_id,
    maaxConversationId: maax.conversation_id,
    maaxMessageId: maax.incoming_message_id,
    deliveryId: delivery?.job.deliveryId,
    knowledgeGapId,
    testSetId: testSet.set_id,
    testRunId: run.run_id,
  };
}

/**
 * Which of a seeded tenant's ids a path parameter names: by parameter name and, for `{id}`, by the
 * collection the path starts with. A route whose parameter is not here gets `undefined`, which
 * the isolation suite reports as a failure so that no new route goes untested.
 */
const PARAMETER_IDS: { param: string; pathPrefix: string; pick: (t: SeededTenant) => string | undefined }[] = [
  { param: 'id', pathPrefix: '/v1/api-keys/', pick: (t) => t.apiKeyId },
  { param: 'id', pathPrefix: '/v1/ais/', pick: (t) => t.aiId },
  { param: 'id', pathPrefix: '/v1/products/', pick: (t) => t.productId },
  { param: 'id', pathPrefix: '/v1/strategies/', pick: (t) => t.strategyId },
  { param: 'id', pathPrefix: '/v1/goals/', pick: (t) => t.goalId },
  { param: 'id', pathPrefix: '/v1/knowledge-bases/', pick: (t) => t.knowledgeBaseId },
  { param: 'document_id', pathPrefix: '/v1/knowledge-bases/', pick: (t) => t.documentId },
  { param: 'conversation_id', pathPrefix: '/v1/conversations/', pick: (t) => t.v1ConversationId },
  { param: 'message_id', pathPrefix: '/v1/conversations/', pick: (t) => t.v1MessageId },
  { param: 'conversation_id', pathPrefix: '/v2/conversations/', pick: (t) => t.conversationId },
  { param: 'delivery_id', pathPrefix: '/v2/deliveries/', pick: (t) => t.deliveryId },
  { param: 'id', pathPrefix: '/v1/knowledge-gaps/', pick: (t) => t.knowledgeGapId },
  { param: 'set_id', pathPrefix: '/v1/ais/', pick: (t) => t.testSetId },
  { param: 'run_id', pathPrefix: '/v1/ais/', pick: (t) => t.testRunId },
];

/**
 * The query string of a GET route that names the tenant's resources there rather than in its path
 * (the Maax-compatible ones): such a route is tested like one with path parameters.
 */
const QUERY_IDS: Record<string, (t: SeededTenant) => Record<string, string>> = {
  'GET /api/retrieve_answer': (t) => ({
    incoming_message_id: t.maaxMessageId,
    service_type: 'customer_support_automation',
  }),
  'GET /api/get_conversations_history': (t) => ({
    conversation_id: t.maaxConversationId,
    service_type: 'customer_support_automation',
  }),
};

/** Whether the route names a resource in its query string (see QUERY_IDS). */
export function namesByQuery(route: AnyRoute): boolean {
  return routeKey(route) in QUERY_IDS;
}

/** `?…` naming the tenant's resources for a route in QUERY_IDS, else ''. */
export function seededQueryFor(route: AnyRoute, tenant: SeededTenant): string {
  const ids = QUERY_IDS[routeKey(route)]?.(tenant);
  return ids ? `?${new URLSearchParams(ids)}` : '';
}

/** The path parameters of a route template, in order. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
}

/** The seeded id a route's path parameter names, or undefined when the table above does not know it. */
export function seededIdFor(route: AnyRoute, param: string, tenant: SeededTenant): string | undefined {
  const entry = PARAMETER_IDS.find((e) => e.param === param && route.path.startsWith(e.pathPrefix));
  return entry?.pick(tenant);
}

/** The route's path with every parameter replaced by `idOf(name)`, URL-encoded. */
export function fillPath(route: AnyRoute, idOf: (param: string) => string): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(idOf(name)));
}

/** The stores whose maps a snapshot reads (the pending-work list holds none of its own). */
const SNAPSHOT_STORES = [
  'tenants',
  'ais',
  'setup',
  'conversations',
  'deliveries',
  'timerStore',
  'knowledge',
  'idempotency',
  'maaxMessages',
  'migrations',
  'testSets',
] as const satisfies readonly (keyof MemoryStores)[];

/** Everything the fakes hold, as text: the stores' maps (read off the instances), queues, blobs, timers, events. */
export function snapshot(deps: FakeDeps): string {
  const replacer = (_: string, value: unknown) => {
    if (value instanceof Map) return [...value.entries()].sort(([a], [b]) => (String(a) < String(b) ? -1 : 1));
    if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
    return value;
  };
  return JSON.stringify(
    {
      // Rate-limit counters are not records: every request, refused or not, counts.
      store: Object.fromEntries(
        SNAPSHOT_STORES.flatMap((name) => Object.entries(deps[name])).filter(([name]) => name !== 'requestCounts'),
      ),
      generation: deps.generationQueue.jobs,
      delivery: deps.deliveryQueue.jobs,
      ingestion: deps.ingestionQueue.jobs,
      blobs: deps.blobs.blobs,
      timers: deps.timers.pending,
      events: deps.events.published,
      webhooks: deps.webhookSender.sent,
    },
    replacer,
  );
}

const ANSWER_URL = 'https://hooks.example.com/answer';

/**
 * A body each route accepts, given the tenant's ids. Every route with a body must have one: the
 * fuzzing suite mutates it and the isolation suite sends it, so that a 4xx or 404 is about the
 * resource rather than the body.
 */
export const VALID_BODIES: Record<string, (t: SeededTenant) => unknown> = {
  'POST /v1/products': (t) => ({
    name: 'Widget',
    description: 'A widget.',
    price: '$10/month',
    knowledge_base_ids: [t.knowledgeBaseId],
  }),
  'PATCH /v1/products/{id}': () => ({ price: '$12/month' }),
  'POST /v1/strategies': () => ({ name: 'Direct', instructions: 'Be brief.', tone: 'friendly' }),
  'PATCH /v1/strategies/{id}': () => ({ tone: 'calm' }),
  'POST /v1/goals': () => ({ name: 'Trial', description: 'Start a trial.', goal_url: 'https://acme.example/trial' }),
  'PATCH /v1/goals/{id}': () => ({ name: 'Free trial' }),
  'POST /v1/ais': (t) => ({
    type: 'sales',
    name: 'Ava',
    language: 'en',
    webhooks: { answer_url: ANSWER_URL, follow_up_url: ANSWER_URL },
    reply_delay_seconds: 5,
    product_id: t.productId,
    strategy_id: t.strategyId,
    goal_id: t.goalId,
    knowledge_base_ids: [t.knowledgeBaseId],
  }),
  'PATCH /v1/ais/{id}': () => ({ name: 'Ada Lovelace', instructions: 'Be kind.', reply_delay_seconds: 2 }),
  'POST /v1/ais/{id}/test': () => ({
    message: 'Do you ship to Canada?',
    history: [{ role: 'prospect', text: 'Hi' }],
    channel: 'chat',
  }),
  'POST /v1/ais/{id}/test-sets': () => ({
    name: 'Returns',
    cases: [
      {
        message: 'Can I return a kit?',
        history: [{ direction: 'inbound', text: 'Hi' }],
        expect: { contains: ['45 days'], follow_up_between: { after: 'PT12H', before: 'PT36H' } },
        rubric: 'Says how long returns take.',
      },
    ],
  }),
  'PATCH /v1/ais/{id}/test-sets/{set_id}': () => ({ name: 'Shipping questions' }),
  'POST /v1/ais/{id}/test-sets/{set_id}/cases': (t) => ({
    conversation_id: t.conversationId,
    message_id: t.messageId,
    expect: { abstains: false },
  }),
  'POST /v1/api-keys': () => ({ name: 'CRM' }),
  'PATCH /v1/account': () => ({ data_retention_days: 30 }),
  'POST /v1/knowledge-bases': () => ({ name: 'FAQ' }),
  'POST /v1/knowledge-bases/{id}/documents': () => ({
    title: 'Returns',
    content: '# Returns\n\nWithin 30 days.',
    content_type: 'text/markdown',
  }),
  'POST /v1/knowledge-bases/{id}/search': () => ({ query: 'shipping to canada', top_k: 3 }),
  'POST /v1/conversations': (t) => ({ ai_id: t.aiId, question: 'And to Mexico?', conversation_id: t.v1ConversationId }),
  'POST /v1/conversations/{conversation_id}/messages/{message_id}/feedback': () => ({ rating: 'up' }),
  'POST /v1/knowledge-gaps/{id}/answer': () => ({ answer: 'We ship to Canada in 3 days.' }),
  'POST /v2/messages': (t) => ({
    ai_id: t.aiId,
    conversation_id: t.conversationId,
    message: 'How much is shipping?',
    contact: { first_name: 'Alice', email: 'alice@example.com' },
    channel: 'email',
    metadata: { crm_id: 7 },
  }),
  'POST /api/initiate_answer_generation': (t) => ({
    message_content: 'Do you ship to Chile?',
    platform: 'email',
    ai_id: t.aiId,
    service_type: 'customer_support_automation',
    prospect_id: 42,
    prospect_info: { first_name: 'Alice', email: 'alice@example.com', instagram: '@alice' },
    conversation_id: t.maaxConversationId,
    output_format: 'html',
  }),
  'POST /api/inititiate_answer_generation': (t) => ({
    message_content: 'Do you ship to Chile?',
    ai_id: t.aiId,
    service_type: 'customer_support_automation',
  }),
  'POST /api/create-conversation': (t) => ({
    ai_id: t.aiId,
    service_type: 'customer_support_automation',
    prospect_info: { first_name: 'Bob', phone: 5550100 },
  }),
  'POST /api/v2/outgoing-messages': (t) => ({
    message_content: 'Do you ship to Chile?',
    platform: 'sms',
    ai_id: t.aiId,
    service_type: 'customer_support_automation',
    prospect_id: '42',
    conversation_id: t.maaxConversationId,
    send_response_url: ANSWER_URL,
    followup_url: 'https://hooks.example.com/follow-up',
  }),
  'POST /v2/outgoing-messages': (t) => ({
    ai_id: t.aiId,
    conversation_id: t.conversationId,
    message: 'I will call you tomorrow.',
  }),
};
