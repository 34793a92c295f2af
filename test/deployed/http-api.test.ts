/**
 * How the harness's HTTP API reads the template as API Gateway does: which route a request takes,
 * and whether a Lambda permission's SourceArn lets API Gateway invoke the function for it.
 */
import { arnLike, executeApiArn, type HttpApiRoute, matchRoute } from './support/http-api.ts';
import { HARNESS_ENVIRONMENT } from './support/template.ts';

const FN = 'arn:aws:lambda:us-east-1:000000000000:function:api';
const routes: HttpApiRoute[] = [
  { routeKey: 'GET /v1/ais', functionArn: FN },
  { routeKey: 'GET /v1/ais/{id}', functionArn: FN },
  { routeKey: 'POST /v1/ais/{id}/test', functionArn: FN },
  { routeKey: 'GET /dashboard/{proxy+}', functionArn: FN },
  { routeKey: 'POST /api/initiate_answer_generation', functionArn: FN },
  { routeKey: '$default', functionArn: FN },
];

describe('matchRoute', () => {
  it('prefers a literal path to a parameter, and fills in the parameter', () => {
    expect(matchRoute(routes, 'GET', '/v1/ais')?.route.routeKey).toBe('GET /v1/ais');
    expect(matchRoute(routes, 'GET', '/v1/ais/ai_1')).toEqual({
      route: routes[1],
      pathParameters: { id: 'ai_1' },
    });
  });

  it('gives a greedy parameter the rest of the path', () => {
    expect(matchRoute(routes, 'GET', '/dashboard/assets/app.js')?.pathParameters).toEqual({ proxy: 'assets/app.js' });
  });

  it('sends another method, an unknown path or a trailing slash to $default', () => {
    expect(matchRoute(routes, 'DELETE', '/v1/ais')?.route.routeKey).toBe('$default');
    expect(matchRoute(routes, 'GET', '/v9/nothing')?.route.routeKey).toBe('$default');
    expect(matchRoute(routes, 'POST', '/api/initiate_answer_generation/')?.route.routeKey).toBe('$default');
  });
});

describe('a Lambda permission for API Gateway', () => {
  const api = (routeKey: string) => executeApiArn(HARNESS_ENVIRONMENT, 'abc123', routeKey);
  const apiArn = 'arn:aws:execute-api:us-east-1:000000000000:abc123';

  it('is invoked as <api-id>/<stage>/<METHOD><path> for a route and <api-id>/<stage>/$default for the catch-all', () => {
    expect(api('GET /v1/ais/{id}')).toBe(`${apiArn}/$default/GET/v1/ais/{id}`);
    expect(api('$default')).toBe(`${apiArn}/$default/$default`);
  });

  it('with SourceArn <api-id>/*/*/* (CDK’s API-scoped one) does not cover $default', () => {
    expect(arnLike(`${apiArn}/*/*/*`, api('GET /v1/ais/{id}'))).toBe(true);
    expect(arnLike(`${apiArn}/*/*/*`, api('$default'))).toBe(false);
  });

  it('with SourceArn <api-id>/* (the stack’s) covers every route, $default included', () => {
    expect(arnLike(`${apiArn}/*`, api('GET /v1/ais/{id}'))).toBe(true);
    expect(arnLike(`${apiArn}/*`, api('$default'))).toBe(true);
    expect(arnLike(`${apiArn}/*`, 'arn:aws:execute-api:us-east-1:000000000000:other/$default/$default')).toBe(false);
  });
});
