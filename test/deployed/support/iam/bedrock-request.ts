/**
 * Amazon Bedrock Runtime's REST-JSON API (signing name `bedrock`): `POST /model/{modelId}/converse`
 * and `POST /model/{modelId}/invoke` are both `bedrock:InvokeModel` (the streaming forms would be
 * InvokeModelWithResponseStream; Parley makes none). A foundation model id is checked on
 * `foundation-model/<id>` in the caller's region (no account). A cross-region inference profile id
 * is checked on `inference-profile/<id>` in the caller's region, then, as Bedrock does for the region it
 * routes the request to, on the foundation model there with `bedrock:InferenceProfileArn` set. The
 * proxy cannot know which region Bedrock would pick, so it checks every region the profile routes
 * to (infra/bedrock-inference-profiles.ts): the policy must allow whichever is picked.
 */
import { parseBedrockModelId } from '#lib/adapters/bedrock/models';
import { BEDROCK_INFERENCE_PROFILE_REGIONS } from '../../../../infra/bedrock-inference-profiles.ts';
import { type AuthorizationCheck, type AwsEnvironment, type AwsHttpRequest, unrecognisedCheck } from './aws-request.ts';
import { arnOf, splitPath } from './request-parts.ts';

const OPERATIONS = new Set(['converse', 'invoke']);

/** The checks for one Bedrock Runtime call. */
export function describeBedrockRequest(request: AwsHttpRequest, environment: AwsEnvironment): AuthorizationCheck[] {
  const { pathname } = splitPath(request);
  const [collection, encodedModel, operation, ...rest] = pathname.split('/').filter(Boolean);
  if (request.method.toUpperCase() !== 'POST' || collection !== 'model' || !encodedModel || rest.length > 0) {
    return [unrecognisedCheck(`bedrock:${request.method}`, `no mapping for ${request.method} ${request.path}`)];
  }
  if (!operation || !OPERATIONS.has(operation)) {
    return [unrecognisedCheck('bedrock', `no mapping for the operation ${operation ?? '(none)'}`)];
  }
  const action = 'bedrock:InvokeModel';
  const modelId = decodeURIComponent(encodedModel);
  const { foundationModelId, profilePrefix } = parseBedrockModelId(modelId);
  const foundationModel = (region: string) =>
    `arn:${environment.partition}:bedrock:${region}::foundation-model/${foundationModelId}`;
  if (!profilePrefix) return [{ action, resource: foundationModel(environment.region), context: {} }];
  const profileArn = arnOf(environment, 'bedrock', `inference-profile/${modelId}`);
  const regions = BEDROCK_INFERENCE_PROFILE_REGIONS[modelId];
  if (!regions) return [unrecognisedCheck(action, `the regions of the inference profile ${modelId} are not known`)];
  return [
    { action, resource: profileArn, context: {} },
    ...regions.map((region) => ({
      action,
      resource: foundationModel(region),
      context: { 'bedrock:InferenceProfileArn': profileArn },
    })),
  ];
}
