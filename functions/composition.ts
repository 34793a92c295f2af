/**
 * The composition root of the Lambda functions: builds the AWS clients and adapters once per cold
 * start from the parsed config (the local runtime has its own, local/composition.ts). It comes in
 * parts (functions/composition/): every function takes the core, and only the functions that use
 * them take the models, the document storage and the timers, so that the SDKs they need stay out
 * of the other bundles. Async because in AWS the OpenAI key is read from Secrets Manager first;
 * each Lambda entry module awaits it at the top level, which Lambda runs during init.
 */
import type { Deps } from '#lib/app/deps';
import type { Config } from '#lib/config';
import type { Logger } from '#lib/ports/system';
import { composeCore } from '#functions/composition/core';
import { composeKnowledge } from '#functions/composition/knowledge';
import { composeModels } from '#functions/composition/models';
import { composeTimers } from '#functions/composition/timers';

/** Every adapter the use cases need (the api and the generator use them all). */
export async function composeDeps(config: Config, logger: Logger): Promise<Deps> {
  return {
    ...composeCore(config, logger),
    ...(await composeModels(config, logger)),
    ...composeKnowledge(config),
    ...composeTimers(config),
  };
}
