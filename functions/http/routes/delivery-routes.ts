import type { z } from 'zod';
import { listDeliveries, retryDelivery } from '#lib/app/deliveries';
import { deliveryParams, deliveryResponse, listDeliveriesQuery } from '#functions/http/delivery-schemas';
import { presentDelivery } from '#functions/http/presenters/delivery-presenters';
import { presentPage } from '#functions/http/presenters/page-presenter';
import { defineRoute } from '#functions/http/route';
import { pageOf, toPageRequest } from '#functions/http/common-schemas';

const tags = ['Deliveries'];

export const deliveryRoutes = [
  defineRoute<undefined, z.output<typeof listDeliveriesQuery>>({
    method: 'GET',
    path: '/v2/deliveries',
    summary: 'List your webhook deliveries, newest first, optionally only those with one status.',
    tags,
    auth: true,
    query: listDeliveriesQuery,
    responses: { 200: { description: 'A page of deliveries.', schema: pageOf(deliveryResponse) } },
    async handle(deps, { tenantId, query }) {
      const page = await listDeliveries(deps, tenantId, toPageRequest(query), query.status);
      return { statusCode: 200, body: presentPage(page, presentDelivery) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/deliveries/{delivery_id}/retry',
    summary: 'Send a failed delivery again, now, with one fresh run of the retry schedule. The same event id is sent.',
    tags,
    auth: true,
    params: deliveryParams,
    responses: {
      202: { description: 'Queued; the delivery is pending again.', schema: deliveryResponse },
      404: { description: 'No delivery with this id in your account.' },
      409: { description: 'The delivery is not failed (it is pending or succeeded).' },
    },
    async handle(deps, { tenantId, params }) {
      const delivery = await retryDelivery(deps, tenantId, params.delivery_id ?? '');
      return { statusCode: 202, body: presentDelivery(delivery) };
    },
  }),
];
