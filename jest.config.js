/**
 * Six projects: unit (pure domain and use cases with in-memory fakes), integration (adapters
 * against dynalite, fauxqs, a fake OpenAI server and a loopback webhook receiver), e2e (the local
 * runtime driven over HTTP), infra (the CDK app synthesised and asserted on), browser (the
 * dashboard in Debian's chromium against the local runtime) and deployed (the synthesised bundles
 * against emulators, each function held to its own IAM role). Tests run as native ESM
 * (`--experimental-vm-modules`), compiled by SWC.
 */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }];
const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  testEnvironment: 'node',
};
export default {
  // Two workers on CI's two cores: most suites wait on servers, child processes and timers rather
  // than compute, so the default (cores - 1, one worker here) left a core idle and CI near 15 min.
  maxWorkers: 2,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    { ...shared, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    { ...shared, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
    { ...shared, displayName: 'deployed', testMatch: ['<rootDir>/test/deployed/**/*.test.ts'] },
  ],
};
