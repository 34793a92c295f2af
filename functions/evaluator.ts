/** The evaluator Lambda: consumes the evaluation queue and answers test-set runs. */
import { loadConfig } from '#lib/config';
import { composeCore } from '#functions/composition/core';
import { composeKnowledge } from '#functions/composition/knowledge';
import { composeModels } from '#functions/composition/models';
import { createEvaluatorHandler } from '#functions/handlers/evaluator';
import { logger } from '#functions/logger';

const config = loadConfig();
export const handler = createEvaluatorHandler({
  ...composeCore(config, logger),
  ...(await composeModels(config, logger)),
  ...composeKnowledge(config),
});
