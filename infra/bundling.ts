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
  evaluator: 'functions/evaluator.ts',
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
 * The Node.js major every function runs on. The Lambda runtime, the bundles' esbuild target, and
 * the cold-start benchmark's Node (bench/cold-start.ts) all follow from it, so they move together.
 * nodejs22.x is deprecated on 30 April 2027; nodejs24.x runs to 30 April 2028.
 */
export const LAMBDA_NODE_MAJOR = 24;

/** The Lambda runtime of every function (the CDK construct looks it up by this name). */
export const LAMBDA_RUNTIME = `nodejs${LAMBDA_NODE_MAJOR}.x` as const;

/**
 * NODE_OPTIONS of every function, none (infra/constructs/lambda-function.ts says why), shared with
 * the benchmarks so that what they call "as deployed" is what is deployed.
 */
export const LAMBDA_NODE_OPTIONS: string = '';

/**
 * Node built-ins the bundles take through `process.getBuiltinModule` instead of `import`. Importing node:http as
 * an ES module makes Node read every export of it, and that runs the lazy getters of its WebSocket
 * exports, which load undici (Node's fetch, about 10-20 ms of a cold start) though nothing in the
 * functions uses it; `process.getBuiltinModule` returns the module without touching the getters.
 * The AWS SDK's HTTP handler and the webhook sender import both modules.
 */
export const NODE_BUILTIN_SHIMS = {
  http: './infra/shims/node-http.cjs',
  'node:http': './infra/shims/node-http.cjs',
  https: './infra/shims/node-https.cjs',
  'node:https': './infra/shims/node-https.cjs',
} as const;

/** esbuild options (in esbuild's own names) for one function bundle. */
export const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: `node${LAMBDA_NODE_MAJOR}`,
  format: 'esm',
  minify: true,
  // Written next to the bundle and shipped in the asset, though not loaded at run time (no
  // --enable-source-maps): a minified stack trace from the logs is resolved with it offline.
  sourcemap: true,
  // Prefer packages' ESM builds: smaller bundles and a faster cold start.
  mainFields: ['module', 'main'],
  // The AWS SDK is bundled rather than taken from the runtime, so the deployed code runs the
  // versions the lockfile pins and tests ran against.
  external: [] as string[],
  banner: { js: ESM_REQUIRE_BANNER },
  alias: NODE_BUILTIN_SHIMS,
  legalComments: 'none',
} as const;
