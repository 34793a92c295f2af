/**
 * An SQS API for integration tests (and the cost benchmark): fauxqs in-process on a free loopback
 * port. The local runtime does not use it; its queues are in-process (in-process-queues.ts). Start
 * it once per test file (`beforeAll`) and stop it in `afterAll`.
 */
import { type LocalSqs, startLocalSqs } from '#lib/adapters/local/local-queues';

export type TestSqs = LocalSqs;

/** Starts a fresh, empty SQS server on a free port. */
export async function startTestSqs(): Promise<TestSqs> {
  return startLocalSqs({ port: 0 });
}

/** A queue name no other test in the run uses (queues live as long as the server). */
export function uniqueQueueName(prefix: string, fifo = false): string {
  const name = `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  return fifo ? `${name}.fifo` : name;
}
