import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '#functions/metrics';
import { QUEUE_SETTINGS } from '#lib/queue-settings';
import {
  ESBUILD_OPTIONS,
  FUNCTION_ENTRIES,
  type FunctionName,
  LAMBDA_NODE_OPTIONS,
  LAMBDA_RUNTIME,
  WEB_FUNCTION_ENTRIES,
  type WebFunctionName,
} from '../bundling.ts';
import { acknowledgeNag } from '../nag.ts';

/** Where package.json and package-lock.json live: esbuild resolves `#lib/*` imports from there. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const MAX_FUNCTION_NAME_LENGTH = 64;

/**
 * Per-function defaults. The queue consumers' timeouts are lib/queue-settings.ts's, next to the
 * visibility timeouts sized against them: change them there.
 */
export const FUNCTION_DEFAULTS: Record<
  FunctionName | WebFunctionName,
  { timeout: Duration; memorySize: number; description: string }
> = {
  api: { timeout: Duration.seconds(10), memorySize: 512, description: 'Parley HTTP API' },
  generator: {
    timeout: Duration.seconds(QUEUE_SETTINGS.generation.lambdaTimeoutSeconds),
    memorySize: 512,
    description: 'Parley reply generator',
  },
  delivery: {
    timeout: Duration.seconds(QUEUE_SETTINGS.delivery.lambdaTimeoutSeconds),
    memorySize: 256,
    description: 'Parley webhook delivery',
  },
  sweeper: { timeout: Duration.seconds(60), memorySize: 256, description: 'Parley recovery sweep' },
  // A 10 MB PDF: parsing wants memory (and the CPU that comes with it).
  ingester: {
    timeout: Duration.seconds(QUEUE_SETTINGS.ingestion.lambdaTimeoutSeconds),
    memorySize: 1536,
    description: 'Parley document ingester',
  },
  // Writes one follow-up or nudge: one model call, like the generator.
  timer: { timeout: Duration.seconds(60), memorySize: 512, description: 'Parley follow-ups and drop-off nudges' },
  // Answers a test set's cases one after another, as the generator answers one message each.
  evaluator: {
    timeout: Duration.seconds(QUEUE_SETTINGS.evaluation.lambdaTimeoutSeconds),
    memorySize: 512,
    description: 'Parley test-set runs (evaluations)',
  },
  // Serves three files from memory: a few milliseconds, once the first read is done.
  dashboard: { timeout: Duration.seconds(5), memorySize: 256, description: 'Parley dashboard (static files)' },
};

/**
 * The one bundling configuration (infra/bundling.ts, also measured by the bundle benchmark) in
 * NodejsFunction's terms. Local esbuild only: NodejsFunction finds the project's esbuild
 * devDependency in node_modules and runs it with `npx --no-install esbuild` from PROJECT_ROOT, so
 * synth needs neither Docker nor the network, only `npm ci`.
 */
export const BUNDLING: BundlingOptions = {
  forceDockerBundling: false,
  format: ESBUILD_OPTIONS.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS,
  target: ESBUILD_OPTIONS.target,
  minify: ESBUILD_OPTIONS.minify,
  sourceMap: ESBUILD_OPTIONS.sourcemap,
  mainFields: [...ESBUILD_OPTIONS.mainFields],
  banner: ESBUILD_OPTIONS.banner.js,
  // Empty: the AWS SDK is bundled (the runtime's copy is not the version tests ran against).
  externalModules: [...ESBUILD_OPTIONS.external],
  esbuildArgs: {
    '--legal-comments': ESBUILD_OPTIONS.legalComments,
    '--alias': Object.entries(ESBUILD_OPTIONS.alias).map(([name, path]) => `${name}=${path}`),
  },
};

export interface LambdaFunctionProps {
  /** Which entry of FUNCTION_ENTRIES (or WEB_FUNCTION_ENTRIES) this function runs; also picks its defaults. */
  readonly entryName: FunctionName | WebFunctionName;
  /**
   * Commands run in the bundle's output directory after esbuild, e.g. to add files to the code
   * asset (the dashboard's built app). @default none
   */
  readonly afterBundling?: (outputDir: string) => string[];
  /** Environment on top of the Powertools settings; grant helpers add their own variables later. */
  readonly environment?: Record<string, string>;
  /** @default FUNCTION_DEFAULTS[entryName].timeout */
  readonly timeout?: Duration;
  /** @default FUNCTION_DEFAULTS[entryName].memorySize */
  readonly memorySize?: number;
  /** How long the function's logs are kept. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Name the function after its construct path (the stack name included, at most 64 characters)
   * instead of letting CloudFormation make a name up, so that `knownArn` exists. A named function
   * cannot be replaced in place, which a Lambda function only needs when it is renamed. @default false
   */
  readonly fixedName?: boolean;
}

/**
 * Every Parley Lambda: LAMBDA_RUNTIME (Node.js 24) on arm64 (cheaper per ms), X-Ray tracing, its own log group with
 * a retention, minified ESM bundles (source maps in the asset, not loaded) with the SDK inside, and a role that may write only to
 * that log group (instead of the managed AWSLambdaBasicExecutionRole, which allows every log group).
 */
export class LambdaFunction extends NodejsFunction {
  /**
   * Without a local esbuild, NodejsFunction silently falls back to Docker, which then fails with an
   * unrelated-looking error; say what is missing instead.
   */
  private static assertLocalEsbuild(): void {
    try {
      createRequire(import.meta.url).resolve('esbuild');
    } catch {
      throw new Error('esbuild is not installed: run `npm ci` in the project root before synthesising.');
    }
  }

  readonly entryName: FunctionName | WebFunctionName;
  /** The timeout actually configured; queues and alarms size themselves from it. */
  readonly timeoutDuration: Duration;
  /**
   * With `fixedName`: the ARN put together from partition, region, account and the name. Unlike
   * `functionArn` (Fn::GetAtt) it refers to no resource, so it may go into the function's own
   * environment, where a reference to itself would be a circular dependency.
   */
  readonly knownArn?: string;

  constructor(scope: Construct, id: string, props: LambdaFunctionProps) {
    LambdaFunction.assertLocalEsbuild();
    const defaults = FUNCTION_DEFAULTS[props.entryName];
    // The log group and role are passed to super(), so they are made first, as siblings.
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      // Logs expire with their retention anyway; a retained group would outlive the stack as clutter.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.entryName} function`,
    });
    logGroup.grantWrite(role);
    const timeout = props.timeout ?? defaults.timeout;
    // The scope's unique name plus the id (unique within the scope): unique within the account and region.
    const functionName = props.fixedName
      ? `${Names.uniqueResourceName(scope, { maxLength: MAX_FUNCTION_NAME_LENGTH - id.length })}${id}`
      : undefined;
    super(scope, id, {
      ...(functionName ? { functionName } : {}),
      entry: `${PROJECT_ROOT}${entryOf(props.entryName)}`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      runtime: lambdaRuntime(),
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      timeout,
      memorySize: props.memorySize ?? defaults.memorySize,
      description: defaults.description,
      role,
      logGroup,
      bundling: props.afterBundling ? withAfterBundling(props.afterBundling) : BUNDLING,
      environment: {
        POWERTOOLS_SERVICE_NAME: METRICS_SERVICE,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        // No --enable-source-maps: with it, Node reads and parses the bundle's whole source map
        // (2.8-13 MB) before the handler module runs, which made every cold start 25-45 % slower
        // (Node 22, spawn to handler ready, p50: api 393 → 501 ms, generator 338 → 465 ms;
        // BENCHMARKS.md, cold start), while only a failing invocation needs it, and turning it on
        // at the first error maps nothing already loaded. The map stays in the asset, so a
        // minified stack trace from the logs can still be resolved offline.
        ...(LAMBDA_NODE_OPTIONS ? { NODE_OPTIONS: LAMBDA_NODE_OPTIONS } : {}),
        ...props.environment,
      },
    });
    this.entryName = props.entryName;
    this.timeoutDuration = timeout;
    if (functionName) {
      this.knownArn = Stack.of(this).formatArn({
        service: 'lambda',
        resource: 'function',
        resourceName: functionName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    }
    acknowledgeNag(
      role,
      'IAM5',
      'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions, so AWS requires Resource "*".',
      'Resource::*',
    );
  }
}

/** aws-cdk-lib's runtime named LAMBDA_RUNTIME; an unknown name means aws-cdk-lib needs an update first. */
function lambdaRuntime(): Runtime {
  const runtime = Runtime.ALL.find((candidate) => candidate.name === LAMBDA_RUNTIME);
  if (!runtime) throw new Error(`aws-cdk-lib knows no Lambda runtime ${LAMBDA_RUNTIME}: update aws-cdk-lib`);
  return runtime;
}

function entryOf(name: FunctionName | WebFunctionName): string {
  return name in WEB_FUNCTION_ENTRIES
    ? WEB_FUNCTION_ENTRIES[name as WebFunctionName]
    : FUNCTION_ENTRIES[name as FunctionName];
}

/** BUNDLING with commands after esbuild, run in the bundle's output directory's place. */
function withAfterBundling(afterBundling: (outputDir: string) => string[]): BundlingOptions {
  return {
    ...BUNDLING,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir, outputDir) => afterBundling(outputDir),
    },
  };
}
