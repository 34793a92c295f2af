import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DASHBOARD_ROUTES } from '#functions/dashboard';
import { acknowledgeNag } from '../nag.ts';
import { ApiWideLambdaIntegration } from './api-wide-lambda-integration.ts';
import { LambdaFunction } from './lambda-function.ts';

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
 * The function is a `LambdaFunction` like every other, from WEB_FUNCTION_ENTRIES: it is granted
 * nothing (no table, queue or secret), and the benchmarks of the pipeline's functions leave it out.
 */
export class WebDashboard extends Construct {
  readonly handler: LambdaFunction;

  constructor(scope: Construct, id: string, props: WebDashboardProps) {
    super(scope, id);
    this.handler = new LambdaFunction(this, 'Function', {
      entryName: 'dashboard',
      logRetention: props.logRetention,
      afterBundling: (outputDir) => [
        `npx --no-install tsx dashboard/write-assets.ts ${shellQuote(`${outputDir}/dashboard`)}`,
      ],
    });

    const integration = new ApiWideLambdaIntegration('Integration', this.handler);
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
