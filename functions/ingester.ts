/** The ingester Lambda: consumes the ingestion queue and indexes documents. */
import { loadConfig } from '#lib/config';
import { composeCore } from '#functions/composition/core';
import { composeDocumentTools } from '#functions/composition/documents';
import { composeKnowledge } from '#functions/composition/knowledge';
import { composeModels } from '#functions/composition/models';
import { createIngesterHandler } from '#functions/handlers/ingester';
import { logger } from '#functions/logger';

const config = loadConfig();
export const handler = createIngesterHandler({
  ...composeCore(config, logger),
  ...(await composeModels(config, logger)),
  ...composeKnowledge(config),
  ...composeDocumentTools(config),
});
