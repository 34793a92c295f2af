/**
 * The dashboard function: serves the single-page app built by dashboard/build.ts at `GET /` and
 * `GET /dashboard/{file}`, with a strict Content-Security-Policy. In AWS the files sit next to
 * the bundle (the CDK app writes them there at synth); the local runtime builds them in memory and
 * serves them through createDashboardHandler, so both answer alike.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** The built dashboard: file name → contents (all text). */
export type DashboardFiles = Readonly<Record<string, string>>;

/** The page itself; the other files are its content-hashed script and stylesheet. */
export const INDEX_FILE = 'index.html';

/** The API Gateway routes of the dashboard; none collides with an API route. */
export const DASHBOARD_ROUTES = [
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/dashboard/{proxy+}' },
] as const;

const ASSET_PREFIX = '/dashboard/';

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/**
 * Only the app's own script and stylesheet, and calls to its own origin (the API): an injected
 * script or a stray third-party request is refused by the browser.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** The page is read again on every visit (it names the current build's files) … */
const INDEX_CACHE = 'no-cache';
/** … while a hashed asset never changes under its name. */
const ASSET_CACHE = 'public, max-age=31536000, immutable';

/** Whether API Gateway would send this request to the dashboard function (see DASHBOARD_ROUTES). */
export function isDashboardRequest(method: string, path: string): boolean {
  return method === 'GET' && (path === '/' || (path.startsWith(ASSET_PREFIX) && path.length > ASSET_PREFIX.length));
}

function notFound(path: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 404,
    headers: { 'content-type': 'application/json', ...SECURITY_HEADERS },
    body: JSON.stringify({ error: { code: 'not_found', message: `no dashboard file ${path}` } }),
  };
}

export type DashboardHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export function createDashboardHandler(files: DashboardFiles): DashboardHandler {
  return async (event) => {
    const path = event.rawPath;
    const name = path === '/' ? INDEX_FILE : path.slice(ASSET_PREFIX.length);
    const body = Object.hasOwn(files, name) ? files[name] : undefined;
    const contentType = CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)];
    // index.html is served at / only, so there is one URL to cache rules for.
    if (body === undefined || !contentType || (name === INDEX_FILE && path !== '/')) return notFound(path);
    return {
      statusCode: 200,
      headers: {
        'content-type': contentType,
        'cache-control': name === INDEX_FILE ? INDEX_CACHE : ASSET_CACHE,
        ...SECURITY_HEADERS,
      },
      body,
    };
  };
}

/** Reads the built files from a directory: the `dashboard/` folder of the function's code asset. */
export function readDashboardFiles(directory: URL): DashboardFiles {
  return Object.fromEntries(
    readdirSync(directory).map((name) => [name, readFileSync(new URL(name, directory), 'utf8')]),
  );
}

let served: DashboardHandler | undefined;

/** The Lambda entry point. The files are read once, on the first request of a cold start. */
export const handler: DashboardHandler = (event) => {
  served ??= createDashboardHandler(readDashboardFiles(new URL('./dashboard/', import.meta.url)));
  return served(event);
};
