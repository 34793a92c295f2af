/**
 * Each function carries the SDK of the stack's model provider only if it builds a model, and
 * never the other provider's: the unused one is external (infra/bundling.ts `externalSdks`), which
 * is safe because the adapters load their SDK with `import()` alone. Read from the synthesised
 * bundles' source maps (which list every file bundled) and from the bundles' own imports. Run on
 * the openai stack by bundling.test.ts (on the bundles it makes anyway: each bundling synth takes
 * minutes on a busy machine) and on the bedrock stack by provider-bundles.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTION_ENTRIES, type FunctionName, MODEL_FUNCTIONS, PROVIDER_SDKS } from '../../infra/bundling.ts';
import { bundleDirOf, bundledPackages, staticImports, type Synthesised } from './synth.ts';

const NAMES = Object.keys(FUNCTION_ENTRIES) as FunctionName[];
const SDKS: string[] = Object.values(PROVIDER_SDKS);

export function describeProviderBundles(provider: keyof typeof PROVIDER_SDKS, synth: () => Synthesised): void {
  const sdk = PROVIDER_SDKS[provider];
  /** The SDKs (of PROVIDER_SDKS) a bundle holds. */
  const sdksIn = (name: FunctionName) => SDKS.filter((candidate) => bundledPackages(synth(), name).has(candidate));

  describe(`model SDKs in the bundles of a stack with modelProvider ${provider}`, () => {
    it.each([...MODEL_FUNCTIONS])(`gives %s, which builds a model, ${sdk} and no other provider's SDK`, (name) => {
      expect(sdksIn(name)).toEqual([sdk]);
    });

    it.each(NAMES.filter((name) => !MODEL_FUNCTIONS.has(name)))(
      'gives %s, which builds no model, no provider SDK',
      (name) => {
        expect(sdksIn(name)).toEqual([]);
      },
    );

    it.each(NAMES)('gives %s no static import of an SDK it leaves out, only an import() never made', (name) => {
      const bundle = readFileSync(join(bundleDirOf(synth(), name), 'index.mjs'), 'utf8');

      // A static import of a package that is not there would stop the function at cold start.
      expect(staticImports(bundle).filter((specifier) => !specifier.startsWith('node:'))).toEqual([]);
      for (const other of SDKS.filter((candidate) => !sdksIn(name).includes(candidate))) {
        expect(bundle).not.toMatch(new RegExp(`from\\s*["']${other}["']`));
      }
    });
  });
}
