import { Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';

/**
 * One Lambda integration for many routes of an HTTP API, with ONE invoke permission whose
 * SourceArn covers every stage and route of the API: `arn:…:execute-api:…:<api-id>/*`.
 *
 * CDK's API-scoped permission (`scopePermissionToRoute: false`) allows `<api-id>/*\/*\/*`, which
 * needs a method and a path after the stage. API Gateway invokes the `$default` route as
 * `<api-id>/$default/$default`, which that pattern does not match, so the catch-all route (unknown
 * paths, a trailing slash) answered with API Gateway's bare 500 instead of the function's 404 (the
 * same bug as AWS SAM issue 1860). One permission per route would work too, but each adds to the
 * function's resource policy, which is capped at 20 KB.
 */
export class ApiWideLambdaIntegration extends HttpLambdaIntegration {
  private permitted = false;

  constructor(
    id: string,
    private readonly fn: IFunction,
  ) {
    super(id, fn, { payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0 });
  }

  protected override completeBind(options: apigw.HttpRouteIntegrationBindOptions): void {
    if (this.permitted) return;
    this.permitted = true;
    this.fn.addPermission('ApiGatewayInvoke', {
      principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn: Stack.of(options.route).formatArn({
        service: 'execute-api',
        resource: options.route.httpApi.apiId,
        resourceName: '*',
      }),
    });
  }
}
