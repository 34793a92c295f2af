import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DASHBOARD_ROUTES } from '#functions/dashboard';
import { ESBUILD_OPTIONS } from '../bundling.ts';
import { acknowledgeNag } from '../nag.ts';
import { BUNDLING, PROJECT_ROOT } from './lambda-function.ts';

export interface WebDashboardProps {
  /** The public API: the dashboard is served from its origin, so it calls the API same-origin. */
  readonly httpApi: apigw.HttpApi;
  readonly logRetention: logs.RetentionDays;
}

/** Quotes a path for the POSIX shell that runs bundling hooks. */
const shellQuote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;

/**
 * The dashboard (dashboard/): `GET /` and `GET /dashboard/{proxy+}` on the API go to a small
 * function that serves the built app (functions/dashboard.ts). The app is built at synth, right
 * after the function's bundle, into the `dashboard/` folder of the same code asset, so a deploy
 * needs no build step of its own and the asset hash changes with the app.
 *
 * The function is a NodejsFunction with the project's bundling options rather than a
 * `LambdaFunction`, whose entries (FUNCTION_ENTRIES) are the API's and the pipeline's functions,
 * the ones benchmarked and granted table, queue and secret access; this one touches none of that.
 */
export class WebDashboard extends Construct {
  readonly handler: NodejsFunction;

  constructor(scope: Construct, id: string, props: WebDashboardProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'FunctionLogGroup', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Execution role of the dashboard function',
    });
    logGroup.grantWrite(role);
    this.handler = new NodejsFunction(this, 'Function', {
      entry: `${PROJECT_ROOT}functions/dashboard.ts`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      // Serves three files from memory: a few milliseconds, once the first read is done.
      timeout: Duration.seconds(5),
      memorySize: 256,
      description: 'Parley dashboard (static files)',
      role,
      logGroup,
      bundling: {
        ...BUNDLING,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir, outputDir) => [
            `npx --no-install tsx dashboard/write-assets.ts ${shellQuote(`${outputDir}/dashboard`)}`,
          ],
        },
      },
      environment: { NODE_OPTIONS: '--enable-source-maps' },
    });
    acknowledgeNag(
      role,
      'IAM5',
      'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions, so AWS requires Resource "*".',
      'Resource::*',
    );
    acknowledgeNag(
      this.handler,
      'L1',
      `Pinned to Node.js 22 to match the bundle target (${ESBUILD_OPTIONS.target}) in infra/bundling.ts; both move together.`,
    );

    const integration = new HttpLambdaIntegration('Integration', this.handler, {
      payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
      scopePermissionToRoute: false,
    });
    for (const route of DASHBOARD_ROUTES) {
      const httpRoute = new apigw.HttpRoute(this, `Route${route.path.replace(/[^A-Za-z0-9]+/g, '-')}`, {
        httpApi: props.httpApi,
        routeKey: apigw.HttpRouteKey.with(route.path, apigw.HttpMethod[route.method]),
        integration,
      });
      acknowledgeNag(
        httpRoute,
        'APIG4',
        'The dashboard is public static files with no tenant data; the app signs in to the API with an API key.',
      );
    }
  }
}
