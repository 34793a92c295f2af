/** Route matching: which route of the table a method and path name, with its path parameters. */
import { NotFoundError, ValidationError } from '#lib/domain/errors';
import type { AnyRoute } from '#functions/http/route';

export interface CompiledRoute {
  route: AnyRoute;
  pattern: RegExp;
  names: string[];
}

export interface MatchedRoute {
  route: AnyRoute;
  /** Path parameters by name, URL-decoded but not yet validated. */
  params: Record<string, string>;
}

/** Matches requests against a route table; a trailing slash is optional. */
export function compileRoutes(routes: readonly AnyRoute[]): CompiledRoute[] {
  return routes.map((route) => {
    const names: string[] = [];
    const source = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { route, names, pattern: new RegExp(`^${source}/?$`) };
  });
}

/** The first route that takes `method` and `path`, with its decoded path parameters; 404 when none does. */
export function matchRoute(compiled: readonly CompiledRoute[], method: string, path: string): MatchedRoute {
  const found = findRoute(compiled, method, path);
  const m = found?.pattern.exec(path);
  if (!found || !m) throw new NotFoundError(`no endpoint ${method} ${path}`);
  const params: Record<string, string> = {};
  found.names.forEach((name, i) => {
    params[name] = decodeSegment(m[i + 1] ?? '', name);
  });
  return { route: found.route, params };
}

/** The route a method and path name, if any, without decoding anything (for logging a failure). */
export function findRoute(compiled: readonly CompiledRoute[], method: string, path: string) {
  return compiled.find((c) => c.route.method === method && c.pattern.test(path));
}

function decodeSegment(segment: string, name: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ValidationError(`path parameter ${name} is not valid URL encoding`, {
      details: [{ path: name, message: 'bad URL encoding' }],
    });
  }
}
