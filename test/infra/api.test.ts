import { Match } from 'aws-cdk-lib/assertions';
import { DASHBOARD_ROUTES } from '#functions/dashboard';
import { routes } from '#functions/http/routes/index';
import { logicalId, SYNTH_TIMEOUT_MS, type Synthesised, synthParley } from './synth.ts';

let synth: Synthesised;
beforeAll(() => {
  synth = synthParley({ context: { apiThrottleRate: '7', apiThrottleBurst: '9', logRetentionDays: '14' } });
}, SYNTH_TIMEOUT_MS);
afterAll(() => synth?.cleanup());

describe('the HTTP API', () => {
  it("has one route per entry of the route table, the catch-all and the dashboard's, and no other", () => {
    const routeKeys = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route')).map(
      (resource) => resource.Properties.RouteKey,
    );
    const expected = [...routes, ...DASHBOARD_ROUTES].map((route) => `${route.method} ${route.path}`);

    expect(routeKeys.sort()).toEqual([...expected, '$default'].sort());
  });

  it('sends every API route to the api function through one payload-2.0 Lambda integration', () => {
    const apiFunction = logicalId(synth.template, 'AWS::Lambda::Function', 'ApiFunction');
    const integrations = synth.template.findResources('AWS::ApiGatewayV2::Integration');
    // The other integration is the dashboard's (web-dashboard.test.ts).
    const [integrationId, integration] = Object.entries(integrations).find(
      ([, candidate]) => candidate.Properties.IntegrationUri['Fn::GetAtt']?.[0] === apiFunction,
    )!;

    expect(Object.keys(integrations)).toHaveLength(2);
    expect(integration.Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [apiFunction, 'Arn'] },
    });
    for (const routeKey of [...routes.map((route) => `${route.method} ${route.path}`), '$default']) {
      synth.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] },
      });
    }
  });

  it.each([
    ['api', 'ApiFunction'],
    ['dashboard', 'WebDashboardFunction'],
  ])(
    'lets API Gateway invoke the %s function on every route of this API, $default included, with one permission',
    (_name, prefix) => {
      const fn = logicalId(synth.template, 'AWS::Lambda::Function', prefix);
      const permissions = Object.values(synth.template.findResources('AWS::Lambda::Permission')).filter(
        (permission) => permission.Properties.FunctionName['Fn::GetAtt']?.[0] === fn,
      );

      expect(permissions).toHaveLength(1);
      // `<api-id>/*`: the catch-all route is invoked as `<api-id>/$default/$default`, which `<api-id>/*/*/*` misses.
      expect(permissions[0]?.Properties).toEqual({
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
        SourceArn: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':execute-api:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':',
              { Ref: logicalId(synth.template, 'AWS::ApiGatewayV2::Api', 'ApiHttpApi') },
              '/*',
            ],
          ],
        },
      });
    },
  );

  it('throttles the default stage as configured and writes JSON access logs to a log group', () => {
    const accessLogs = logicalId(synth.template, 'AWS::Logs::LogGroup', 'ApiAccessLogs');

    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 7, ThrottlingBurstLimit: 9 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [accessLogs, 'Arn'] },
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
    expect(synth.template.toJSON().Resources[accessLogs].Properties.RetentionInDays).toBe(14);
  });

  it('has no CORS configuration yet', () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
  });

  it('outputs the base URL as ApiUrl', () => {
    synth.template.hasOutput('ApiUrl', {
      Value: { 'Fn::Join': ['', Match.arrayWith(['https://', '.execute-api.'])] },
    });
  });
});
