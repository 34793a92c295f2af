import { describeProviderBundles } from './provider-bundles.ts';
import { SYNTH_TIMEOUT_MS, type Synthesised, synthParley } from './synth.ts';

let synth: Synthesised;
beforeAll(() => {
  synth = synthParley({ bundle: true, context: { modelProvider: 'bedrock', stackName: 'BundlesBedrock' } });
}, SYNTH_TIMEOUT_MS * 2);
afterAll(() => synth?.cleanup());

describeProviderBundles('bedrock', () => synth);
