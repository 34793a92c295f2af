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
import type { SetupItems, SetupKind } from '#lib/domain/types';
import { fromWire } from '#functions/http/from-wire';
import { type followUpSchema, toFollowUpSettings } from '#functions/http/follow-up-schemas';
import { presentPage } from '#functions/http/presenters/page-presenter';
import { presentGoal, presentProduct, presentStrategy } from '#functions/http/presenters/setup-presenters';
import { defineRoute } from '#functions/http/route';
import { idParam, listQuery, pageOf, toPageRequest } from '#functions/http/common-schemas';
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

interface SetupResource<K extends SetupKind, C extends object, U extends object> {
  kind: K;
  /** The collection's path, e.g. `/v1/products`. */
  path: string;
  /** Plural, for summaries and the OpenAPI tag. */
  plural: string;
  idPrefix: string;
  createBody: z.ZodType<C>;
  updateBody: z.ZodType<U>;
  response: z.ZodType;
  /** Domain field → wire field, in the create and the update body alike. */
  names: Readonly<Record<string, keyof C & keyof U>>;
  present(item: SetupItems[K]): unknown;
}

function routesFor<K extends SetupKind, C extends object, U extends object>(resource: SetupResource<K, C, U>) {
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
        const fields = toSetupFields(body, resource.names) as SetupFields<K>;
        const item = await createSetupItem(deps, { tenantId, kind, id: newId, fields });
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
        const page = await listSetupItems(deps, kind, tenantId, toPageRequest(query));
        return { statusCode: 200, body: presentPage(page, present) };
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
        const item = await getSetupItem(deps, kind, tenantId, p.id ?? '');
        return { statusCode: 200, body: present(item) };
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
        const changes = toSetupFields(body, resource.names) as SetupChanges<K>;
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

/**
 * A create or update body → the domain's fields: the named ones, and the follow-up settings where
 * the kind has them. Null is kept, since in a PATCH it clears the field.
 */
function toSetupFields<B extends object>(body: B, names: Readonly<Record<string, keyof B>>): Record<string, unknown> {
  const followUp = (body as { follow_up?: z.output<typeof followUpSchema> | null }).follow_up;
  return {
    ...fromWire(body, names),
    ...(followUp !== undefined ? { followUp: followUp && toFollowUpSettings(followUp) } : {}),
  };
}

export const setupRoutes = [
  ...routesFor({
    kind: 'product',
    path: '/v1/products',
    plural: 'products',
    idPrefix: 'prod',
    createBody: createProductBody,
    updateBody: updateProductBody,
    response: productResponse,
    names: PRODUCT_NAMES,
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
    names: STRATEGY_NAMES,
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
    names: GOAL_NAMES,
    present: presentGoal,
  }),
];
