import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { IdGenerator } from '#lib/ports/system';

/**
 * Ids are `prefix_` + a monotonic ULID: unique, time-ordered (so DynamoDB sort keys follow arrival
 * order even within one millisecond) and opaque to clients.
 */
export function createUlidIds(): IdGenerator {
  const ulid = monotonicFactory();
  return {
    newId: (prefix) => `${prefix}_${ulid().toLowerCase()}`,
    randomSecret: (bytes) => randomBytes(bytes).toString('base64'),
  };
}
