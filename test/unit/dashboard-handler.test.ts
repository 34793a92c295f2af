/** The dashboard function: which requests are its, what it serves, and the headers it serves with. */
import {
  CONTENT_SECURITY_POLICY,
  createDashboardHandler,
  type DashboardFiles,
  isDashboardRequest,
} from '#functions/dashboard';
import { apiEvent } from '#test/support/http';

const FILES: DashboardFiles = {
  'index.html': '<!doctype html><title>Parley</title>',
  'app-ABC123.js': 'console.log(1)',
  'app-DEF456.css': 'body{}',
};
const serve = createDashboardHandler(FILES);

describe('isDashboardRequest', () => {
  it.each([
    ['GET', '/'],
    ['GET', '/dashboard/app-ABC123.js'],
    ['GET', '/dashboard/anything'],
  ])('takes %s %s, as the stack routes it', (method, path) => {
    expect(isDashboardRequest(method, path)).toBe(true);
  });

  it.each([
    ['POST', '/'],
    ['HEAD', '/'],
    ['GET', '/dashboard'],
    ['GET', '/dashboard/'],
    ['GET', '/v1/ais'],
    ['GET', '/health'],
    ['GET', '/index.html'],
  ])('leaves %s %s to the API, so its 404s and routes are unchanged', (method, path) => {
    expect(isDashboardRequest(method, path)).toBe(false);
  });
});

describe('createDashboardHandler', () => {
  it('serves the page at / as HTML that is revalidated on every visit', async () => {
    const result = await serve(apiEvent('GET', '/'));

    expect(result).toMatchObject({
      statusCode: 200,
      body: FILES['index.html'],
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
    });
  });

  it.each([
    ['app-ABC123.js', 'text/javascript; charset=utf-8'],
    ['app-DEF456.css', 'text/css; charset=utf-8'],
  ])('serves the hashed asset %s as %s, cached for a year', async (name, contentType) => {
    const result = await serve(apiEvent('GET', `/dashboard/${name}`));

    expect(result).toMatchObject({
      statusCode: 200,
      body: FILES[name],
      headers: { 'content-type': contentType, 'cache-control': 'public, max-age=31536000, immutable' },
    });
  });

  it('sends a strict Content-Security-Policy and no-sniff with every answer', async () => {
    const results = await Promise.all(
      ['/', '/dashboard/app-ABC123.js', '/dashboard/nope.js'].map((path) => serve(apiEvent('GET', path))),
    );

    for (const result of results) {
      expect(result.headers).toMatchObject({
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
      });
    }
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
  });

  it.each(['/dashboard/missing.js', '/dashboard/index.html', '/dashboard/constructor', '/dashboard/../index.html'])(
    'answers %s with the contract’s 404',
    async (path) => {
      const result = await serve(apiEvent('GET', path));

      expect(result.statusCode).toBe(404);
      expect(JSON.parse(result.body as string)).toMatchObject({ error: { code: 'not_found' } });
    },
  );
});
