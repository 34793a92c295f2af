import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESM_REQUIRE_BANNER, FUNCTION_ENTRIES, type FunctionName } from '../../infra/bundling.ts';
import { ENV } from '#lib/config';
import { describeProviderBundles } from './provider-bundles.ts';
import { bundleDirOf, staticImports, SYNTH_TIMEOUT_MS, type Synthesised, synthParley } from './synth.ts';

const NAMES = Object.keys(FUNCTION_ENTRIES) as FunctionName[];

let synth: Synthesised;
beforeAll(() => {
  // The one synth that runs esbuild: the local copy, no Docker.
  synth = synthParley({ bundle: true });
}, SYNTH_TIMEOUT_MS);
afterAll(() => synth?.cleanup());

const bundleDir = (name: FunctionName) => bundleDirOf(synth, name);
const readBundle = (name: FunctionName) => readFileSync(join(bundleDir(name), 'index.mjs'), 'utf8');

describe('bundling', () => {
  it.each(NAMES)('bundles %s into one ESM file with a source map', (name) => {
    expect(existsSync(join(bundleDir(name), 'index.mjs'))).toBe(true);
    expect(existsSync(join(bundleDir(name), 'index.mjs.map'))).toBe(true);
    expect(readBundle(name).startsWith(ESM_REQUIRE_BANNER)).toBe(true);
  });

  it.each(NAMES)('resolves every import of %s (#lib, #functions, the AWS SDK) but Node built-ins', (name) => {
    const imports = staticImports(readBundle(name));

    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((specifier) => !specifier.startsWith('node:'))).toEqual([]);
  });

  it('produces an api bundle that runs on its own and answers GET /health', () => {
    // A child process, from the assembly directory outside the project: nothing can come from node_modules.
    const script = `
      const { handler } = await import(${JSON.stringify(join(bundleDir('api'), 'index.mjs'))});
      const event = { version: '2.0', routeKey: 'GET /health', rawPath: '/health', rawQueryString: '', headers: {},
        isBase64Encoded: false, requestContext: { http: { method: 'GET', path: '/health', sourceIp: '192.0.2.1' },
        requestId: 'test', routeKey: 'GET /health', stage: '$default', timeEpoch: 0 } };
      const context = { functionName: 'api', awsRequestId: 'test', getRemainingTimeInMillis: () => 10000 };
      process.stdout.write(JSON.stringify(await handler(event, context)));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: synth.assembly.directory,
      env: {
        PATH: process.env.PATH,
        NODE_NO_WARNINGS: '1',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        [ENV.region]: 'us-east-1',
        [ENV.tableName]: 'parley',
        [ENV.generationQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/123456789012/generation.fifo',
        [ENV.deliveryQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/123456789012/delivery',
        [ENV.ingestionQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/123456789012/ingestion',
        [ENV.documentsBucket]: 'parley-documents',
      },
      encoding: 'utf8',
    });

    expect(JSON.parse(output)).toMatchObject({ statusCode: 200, body: expect.stringContaining('"status":"ok"') });
  });
});

// The default stack: modelProvider openai.
describeProviderBundles('openai', () => synth);
