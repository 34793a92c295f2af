/** Webhook deliveries as an account sees them: listing them, and retrying a failed one by hand. */
import { ConflictError, NotFoundError } from '#lib/domain/errors';
import type { Delivery, DeliveryStatus, Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';
import type { Deps } from '#lib/app/deps';

/** The tenant's deliveries, newest first, only those with `status` when given. */
export function listDeliveries(
  deps: Pick<Deps, 'deliveries'>,
  tenantId: string,
  page: PageRequest,
  status?: DeliveryStatus,
): Promise<Page<Delivery>> {
  return deps.deliveries.listDeliveries(tenantId, page, status);
}

/**
 * Sends a failed delivery again: it becomes pending, due now, and is queued. It gets one fresh run
 * of the retry schedule (the attempts made so far stay counted in `attempts`). Only a failed
 * delivery can be retried: a pending one is already being retried, a succeeded one arrived (409).
 */
export async function retryDelivery(
  deps: Pick<Deps, 'deliveries' | 'deliveryQueue' | 'clock'>,
  tenantId: string,
  deliveryId: string,
): Promise<Delivery> {
  const retried = await deps.deliveries.retryFailedDelivery(tenantId, deliveryId, deps.clock.now().toISOString());
  if (!retried) {
    const delivery = await deps.deliveries.getDelivery(tenantId, deliveryId);
    if (!delivery) {
      throw new NotFoundError(`no delivery with id ${deliveryId}`, {
        details: [{ path: 'delivery_id', message: 'no delivery with this id' }],
      });
    }
    throw new ConflictError(`delivery ${deliveryId} is ${delivery.status}; only a failed delivery can be retried`, {
      details: [{ path: 'delivery_id', message: `is ${delivery.status}, not failed` }],
    });
  }
  await deps.deliveryQueue.enqueueDelivery({ tenantId, deliveryId });
  return retried;
}
