/**
 * Amazon Bedrock's cross-region (system-defined) inference profiles: the regions each one may send
 * a request to. A call through a profile is authorised twice: `bedrock:InvokeModel` on the profile
 * in the caller's region, and on the foundation model in whichever region Bedrock routes it to. So
 * the functions' policy names the foundation model in each of these regions, and nowhere else.
 *
 * Source: AWS, Amazon Bedrock User Guide, "Supported Regions and models for inference profiles",
 * https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html
 * Taken 2026-12-02, written down without network access from the page as last read; check it
 * against the page before relying on a region list. A region missing here makes Bedrock refuse
 * the requests it routes there (AccessDenied), never grants more. The page lists destinations per
 * source region; the stack is region-agnostic, so each entry is the union over the source regions.
 *
 * A profile not listed here is refused at synth (`-c bedrockProfileRegions=…` names its regions).
 * lib/adapters/bedrock/models.ts tells a profile id from a foundation model id.
 */

/** Destination regions by system-defined inference profile id. */
export const BEDROCK_INFERENCE_PROFILE_REGIONS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  // Amazon Nova
  'us.amazon.nova-micro-v1:0': ['us-east-1', 'us-east-2', 'us-west-2'],
  'us.amazon.nova-lite-v1:0': ['us-east-1', 'us-east-2', 'us-west-2'],
  'us.amazon.nova-pro-v1:0': ['us-east-1', 'us-east-2', 'us-west-2'],
  'us.amazon.nova-premier-v1:0': ['us-east-1', 'us-east-2', 'us-west-2'],
  'eu.amazon.nova-micro-v1:0': ['eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-3'],
  'eu.amazon.nova-lite-v1:0': ['eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-3'],
  'eu.amazon.nova-pro-v1:0': ['eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-3'],
  'apac.amazon.nova-micro-v1:0': ['ap-northeast-1', 'ap-northeast-2', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2'],
  'apac.amazon.nova-lite-v1:0': ['ap-northeast-1', 'ap-northeast-2', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2'],
  'apac.amazon.nova-pro-v1:0': ['ap-northeast-1', 'ap-northeast-2', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2'],
  // Anthropic Claude
  'us.anthropic.claude-3-haiku-20240307-v1:0': ['us-east-1', 'us-east-2', 'us-west-2'],
  'us.anthropic.claude-3-5-haiku-20241022-v1:0': ['us-east-1', 'us-east-2', 'us-west-2'],
  'us.anthropic.claude-3-5-sonnet-20240620-v1:0': ['us-east-1', 'us-east-2', 'us-west-2'],
  'us.anthropic.claude-3-5-sonnet-20241022-v2:0': ['us-east-1', 'us-east-2', 'us-west-2'],
  'us.anthropic.claude-3-7-sonnet-20250219-v1:0': ['us-east-1', 'us-east-2', 'us-west-2'],
  'us.anthropic.claude-sonnet-4-20250514-v1:0': ['us-east-1', 'us-east-2', 'us-west-2'],
  'us.anthropic.claude-opus-4-20250514-v1:0': ['us-east-1', 'us-east-2', 'us-west-2'],
  'eu.anthropic.claude-3-haiku-20240307-v1:0': ['eu-central-1', 'eu-west-1', 'eu-west-3'],
  'eu.anthropic.claude-3-5-sonnet-20240620-v1:0': ['eu-central-1', 'eu-west-1', 'eu-west-3'],
  'eu.anthropic.claude-3-7-sonnet-20250219-v1:0': ['eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-3'],
  'eu.anthropic.claude-sonnet-4-20250514-v1:0': [
    'eu-central-1',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-3',
  ],
  'apac.anthropic.claude-3-haiku-20240307-v1:0': [
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-south-1',
    'ap-southeast-1',
    'ap-southeast-2',
  ],
  'apac.anthropic.claude-3-5-sonnet-20240620-v1:0': [
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-south-1',
    'ap-southeast-1',
    'ap-southeast-2',
  ],
  'apac.anthropic.claude-3-5-sonnet-20241022-v2:0': [
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-south-1',
    'ap-southeast-1',
    'ap-southeast-2',
  ],
  'apac.anthropic.claude-sonnet-4-20250514-v1:0': [
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-south-1',
    'ap-southeast-1',
    'ap-southeast-2',
  ],
});
