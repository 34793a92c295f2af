import { SYNTH_TIMEOUT_MS, type Synthesised, scrubAssetHashes, synthParley } from './synth.ts';

let synth: Synthesised;
beforeAll(() => {
  synth = synthParley();
}, SYNTH_TIMEOUT_MS);
afterAll(() => synth?.cleanup());

describe('the synthesised template', () => {
  it('scrubs asset hashes so that code changes do not churn the snapshot', () => {
    const functions = Object.values(synth.template.findResources('AWS::Lambda::Function'));
    const scrubbed = scrubAssetHashes({ functions }) as { functions: { Properties: { Code: { S3Key: string } } }[] };

    expect(scrubbed.functions.map((fn) => fn.Properties.Code.S3Key)).toEqual(functions.map(() => '<asset-hash>.zip'));
  });

  it('matches the reviewed snapshot (update it with --ci=false -u when the change is intended)', () => {
    expect(scrubAssetHashes(synth.template.toJSON())).toMatchSnapshot();
  });
});
