import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Route } from '#functions/http/route';
import { acknowledgeNag } from '../nag.ts';
import { ApiWideLambdaIntegration } from './api-wide-lambda-integration.ts';
import { LambdaFunction } from './lambda-function.ts';

export interface ApiProps {
  /** The route table (functions/http/routes): one API Gateway route per entry, so none is missed. */
  readonly routes: readonly Pick<Route, 'method' | 'path' | 'auth'>[];
  /** Environment shared by every function (queue URLs, models…). */
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
  /** Steady-state requests per second across the API (stage default). */
  readonly throttleRate: number;
  /** Requests allowed in a burst above the rate. */
  readonly throttleBurst: number;
}

/**
 * The public HTTP API: API Gateway's HTTP API (cheaper and faster than REST) with every route of
 * the route table integrated with the one api function, which does routing, API-key auth,
 * validation and error mapping itself. Default-stage throttling and JSON access logs; no CORS yet
 * (clients are servers: Zapier, CRMs, backends).
 */
export class Api extends Construct {
  readonly handler: LambdaFunction;
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.handler = new LambdaFunction(this, 'Function', {
      entryName: 'api',
      environment: props.environment,
      logRetention: props.logRetention,
    });
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Parley public API',
      // The stage below replaces the default one, to carry throttling and access logs.
      createDefaultStage: false,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRate, burstLimit: props.throttleBurst },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });
    // One integration and one invoke permission for the whole API: a permission per route would
    // grow the function's resource policy towards its 20 KB limit as routes are added.
    const integration = new ApiWideLambdaIntegration('Integration', this.handler);
    for (const route of props.routes) {
      const httpRoute = new apigw.HttpRoute(this, `Route${route.method}${route.path.replace(/[^A-Za-z0-9]+/g, '-')}`, {
        httpApi: this.httpApi,
        routeKey: apigw.HttpRouteKey.with(route.path, apigw.HttpMethod[route.method]),
        integration,
      });
      acknowledgeNag(
        httpRoute,
        'APIG4',
        route.auth
          ? 'The api function authenticates this route itself with the tenant API key (stored hashed), before any work.'
          : 'This route is public by design (liveness or the API description) and reads no tenant data.',
      );
    }
    // Everything else (unknown paths, a trailing slash) also reaches the function, so clients get
    // the contract's error body rather than API Gateway's own 404.
    const catchAll = new apigw.HttpRoute(this, 'RouteDefault', {
      httpApi: this.httpApi,
      routeKey: apigw.HttpRouteKey.DEFAULT,
      integration,
    });
    acknowledgeNag(
      catchAll,
      'APIG4',
      'The catch-all route reaches the api function, which answers unknown paths with 404 and authenticates every real route itself.',
    );
  }

  /** The base URL clients call (the contract's `ApiUrl`). */
  get url(): string {
    return this.stage.url;
  }
}

/**
 * One JSON object a line, with the request id to join the function's logs. No headers: they carry
 * the API key.
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    error: '$context.error.message',
  }),
);
