/**
 * Products, strategies and goals: the same five endpoints for each kind, made by one factory so
 * the three cannot drift apart.
 */
import type { z } from 'zod';
import {
  createSetupItem,
  deleteSetupItem,
  getSetupItem,
  listSetupItems,
  type SetupChanges,
  type SetupFields,
  updateSetupItem,
} from '#lib/app/setup';
import { DEFAULT_PAGE_SIZE } from '#lib/domain/limits';
import type { SetupItems, SetupKind } from '#lib/domain/types';
import { fromWire, presentGoal, presentProduct, presentStrategy } from '#functions/http/presenters';
import { toFollowUpSettings } from '#functions/http/follow-up-schemas';
import { defineRoute } from '#functions/http/route';
import { idParam, listQuery, pageOf } from '#functions/http/common-schemas';
import {
  createGoalBody,
  createProductBody,
  createStrategyBody,
  goalResponse,
  productResponse,
  strategyResponse,
  updateGoalBody,
  updateProductBody,
  updateStrategyBody,
} from '#functions/http/setup-schemas';

interface SetupResource<K extends SetupKind, C, U> {
  kind: K;
  /** The collection's path, e.g. `/v1/products`. */
  path: string;
  /** Plural, for summaries and the OpenAPI tag. */
  plural: string;
  idPrefix: string;
  createBody: z.ZodType<C>;
  updateBody: z.ZodType<U>;
  response: z.ZodType;
  fromCreate(body: C): SetupFields<K>;
  fromUpdate(body: U): SetupChanges<K>;
  present(item: SetupItems[K]): unknown;
}

function routesFor<K extends SetupKind, C, U>(resource: SetupResource<K, C, U>) {
  const { kind, plural, present } = resource;
  const tags = [plural.charAt(0).toUpperCase() + plural.slice(1)];
  const params = { id: idParam };
  const itemPath = `${resource.path}/{id}`;
  const notFound = { description: `No ${kind} with this id in your account.` };
  return [
    defineRoute<C>({
      method: 'POST',
      path: resource.path,
      summary: `Create a ${kind}.`,
      tags,
      auth: true,
      body: resource.createBody,
      creates: { idPrefix: resource.idPrefix },
      responses: { 201: { description: 'Created.', schema: resource.response } },
      async handle(deps, { tenantId, body, newId }) {
        const item = await createSetupItem(deps, { tenantId, kind, id: newId, fields: resource.fromCreate(body) });
        return { statusCode: 201, body: present(item) };
      },
    }),
    defineRoute<undefined, z.output<typeof listQuery>>({
      method: 'GET',
      path: resource.path,
      summary: `List your ${plural}, oldest first.`,
      tags,
      auth: true,
      query: listQuery,
      responses: { 200: { description: `A page of ${plural}.`, schema: pageOf(resource.response) } },
      async handle(deps, { tenantId, query }) {
        const page = await listSetupItems(deps, kind, tenantId, {
          limit: query.limit ?? DEFAULT_PAGE_SIZE,
          ...(query.cursor ? { cursor: query.cursor } : {}),
        });
        return { statusCode: 200, body: { data: page.items.map(present), next_cursor: page.nextCursor } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: itemPath,
      summary: `Read a ${kind}.`,
      tags,
      auth: true,
      params,
      responses: { 200: { description: `The ${kind}.`, schema: resource.response }, 404: notFound },
      async handle(deps, { tenantId, params: p }) {
        return { statusCode: 200, body: present(await getSetupItem(deps, kind, tenantId, p.id ?? '')) };
      },
    }),
    defineRoute<U>({
      method: 'PATCH',
      path: itemPath,
      summary: `Change a ${kind}: fields left out stay as they are; null clears an optional one.`,
      tags,
      auth: true,
      params,
      body: resource.updateBody,
      responses: { 200: { description: `The changed ${kind}.`, schema: resource.response }, 404: notFound },
      async handle(deps, { tenantId, params: p, body }) {
        const changes = resource.fromUpdate(body);
        const item = await updateSetupItem(deps, { tenantId, kind, id: p.id ?? '', changes });
        return { statusCode: 200, body: present(item) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: itemPath,
      summary: `Delete a ${kind} that no AI uses.`,
      tags,
      auth: true,
      params,
      responses: {
        204: { description: 'Deleted.' },
        404: notFound,
        409: { description: `An AI uses this ${kind}: \`error.details\` names each such AI.` },
      },
      async handle(deps, { tenantId, params: p }) {
        await deleteSetupItem(deps, kind, tenantId, p.id ?? '');
        return { statusCode: 204 };
      },
    }),
  ];
}

const PRODUCT_NAMES = {
  name: 'name',
  description: 'description',
  price: 'price',
  knowledgeBaseIds: 'knowledge_base_ids',
} as const;
const STRATEGY_NAMES = { name: 'name', instructions: 'instructions', tone: 'tone' } as const;
const GOAL_NAMES = { name: 'name', description: 'description', goalUrl: 'goal_url' } as const;

export const setupRoutes = [
  ...routesFor({
    kind: 'product',
    path: '/v1/products',
    plural: 'products',
    idPrefix: 'prod',
    createBody: createProductBody,
    updateBody: updateProductBody,
    response: productResponse,
    fromCreate: (body) => fromWire(body, PRODUCT_NAMES),
    fromUpdate: (body) => fromWire(body, PRODUCT_NAMES),
    present: presentProduct,
  }),
  ...routesFor({
    kind: 'strategy',
    path: '/v1/strategies',
    plural: 'strategies',
    idPrefix: 'strat',
    createBody: createStrategyBody,
    updateBody: updateStrategyBody,
    response: strategyResponse,
    fromCreate: (body) => ({
      ...fromWire(body, STRATEGY_NAMES),
      ...(body.follow_up ? { followUp: toFollowUpSettings(body.follow_up) } : {}),
    }),
    fromUpdate: (body) => ({
      ...fromWire(body, STRATEGY_NAMES),
      ...(body.follow_up !== undefined ? { followUp: body.follow_up && toFollowUpSettings(body.follow_up) } : {}),
    }),
    present: presentStrategy,
  }),
  ...routesFor({
    kind: 'goal',
    path: '/v1/goals',
    plural: 'goals',
    idPrefix: 'goal',
    createBody: createGoalBody,
    updateBody: updateGoalBody,
    response: goalResponse,
    fromCreate: (body) => fromWire(body, GOAL_NAMES),
    fromUpdate: (body) => fromWire(body, GOAL_NAMES),
    present: presentGoal,
  }),
];
