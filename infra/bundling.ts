/**
 * How every Lambda function is bundled: one esbuild configuration shared by the CDK construct and
 * the bundle benchmark, so the figures measured are those of what is deployed.
 */

/** The Lambda entry points, by function: each file exports `handler`. */
export const FUNCTION_ENTRIES = {
  api: 'functions/api.ts',
  generator: 'functions/generator.ts',
  delivery: 'functions/delivery.ts',
  sweeper: 'functions/sweeper.ts',
  ingester: 'functions/ingester.ts',
  timer: 'functions/timer.ts',
} as const;

export type FunctionName = keyof typeof FUNCTION_ENTRIES;

/**
 * Functions that serve the web rather than the pipeline: bundled and set up like the others, but
 * granted nothing, and not among the functions the bundle and cost benchmarks measure.
 */
export const WEB_FUNCTION_ENTRIES = {
  dashboard: 'functions/dashboard.ts',
} as const;

export type WebFunctionName = keyof typeof WEB_FUNCTION_ENTRIES;

/**
 * ESM output needs `require` for the few CommonJS dependencies that call it; this banner provides
 * it, as the AWS docs recommend for ESM bundles.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __parleyCreateRequire } from 'node:module'; const require = __parleyCreateRequire(import.meta.url);";

/**
 * The Node.js major of the Lambda runtime (`nodejs<major>.x`) and of the bundles' esbuild target:
 * the two move together. nodejs22.x is deprecated on 30 April 2027; nodejs24.x runs to 30 April 2028.
 */
export const LAMBDA_NODE_MAJOR = 24;

/** esbuild options (in esbuild's own names) for one function bundle. */
export const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: `node${LAMBDA_NODE_MAJOR}`,
  format: 'esm',
  minify: true,
  sourcemap: true,
  // Prefer packages' ESM builds: smaller bundles and a faster cold start.
  mainFields: ['module', 'main'],
  // The AWS SDK is bundled rather than taken from the runtime, so the deployed code runs the
  // versions the lockfile pins and tests ran against.
  external: [] as string[],
  banner: { js: ESM_REQUIRE_BANNER },
  legalComments: 'none',
} as const;
