/**
 * The sweeper Lambda, run on a schedule: queues again stored work whose queue record was lost, runs
 * the one-off migrations a slice at a time, and expires conversations (functions/handlers/sweeper.ts).
 */
import { embeddingModelOf, loadConfig } from '#lib/config';
import { composeCore } from '#functions/composition/core';
import { createSweeperHandler } from '#functions/handlers/sweeper';
import { composeTimers } from '#functions/composition/timers';
import { composeKnowledge } from '#functions/composition/knowledge';
import { logger } from '#functions/logger';

const config = loadConfig();
// Expiry erases conversations, so the sweeper cancels their schedules too.
// The knowledge re-index reads chunk sets (the documents bucket) and queues ingestion; it needs
// only the embedding model's id, so no model is built here.
export const handler = createSweeperHandler({
  ...composeCore(config, logger),
  ...composeTimers(config),
  blobs: composeKnowledge(config).blobs,
  embeddingModel: embeddingModelOf(config),
});
