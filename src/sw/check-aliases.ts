/**
 * The worker's route table checked against `defineCaches` once its script has run: a route
 * naming an alias that is not defined (a typo, a `defineCaches` that differs from the page's)
 * is reported at start, where the developer looks, not only as a failure of each request.
 */
import { cacheAliases } from '../caches.js';
import { reportError } from '../core/report.js';
import { routeTable, type RouteInfo } from './route-table.js';

/**
 * Reports (console and devtools panel) each cache alias that a declared route uses and
 * `defineCaches` does not define, once, naming the routes and the defined aliases. Returns the
 * undefined aliases.
 * @example checkRouteAliases() // ['pagse'], after reporting "the route '/api/' uses the cache alias 'pagse' ..."
 */
export function checkRouteAliases(routes: RouteInfo[] = routeTable(), defined: string[] = cacheAliases()): string[] {
  const known = new Set(defined);
  const byAlias = new Map<string, RouteInfo[]>();
  for (const route of routes) {
    if (known.has(route.cache)) continue;
    byAlias.set(route.cache, [...(byAlias.get(route.cache) ?? []), route]);
  }
  for (const [alias, using] of byAlias) {
    const names = using.map(describeRoute).join(', ');
    const list = defined.length ? defined.map((a) => `'${a}'`).join(', ') : 'none';
    const verb = using.length === 1 ? 'uses' : 'use';
    reportError(
      new TypeError(
        `cachette: ${names} ${verb} the cache alias '${alias}', which defineCaches does not define (defined: ${list}); ` +
          `${using.length === 1 ? 'its' : 'their'} requests go to the network uncached. Fix the alias, or add it to ` +
          `defineCaches (the same configuration as the page's: import one shared module in both)`,
      ),
      "checking the worker's routes against defineCaches",
    );
  }
  return [...byAlias.keys()];
}

/**
 * Checks the route table once the worker script's first evaluation is over (routes and
 * `defineCaches` may come in any order in it): on a timer, since the script runs to its end
 * before any task. Returns the cancel function.
 * @example const cancel = checkRouteAliasesAfterStart();
 */
export function checkRouteAliasesAfterStart(): () => void {
  const timer = setTimeout(() => checkRouteAliases(), 0);
  return () => clearTimeout(timer);
}

const reportedPerRequest = new Set<string>();

/**
 * Reports a request's failure to open its route's cache (an undefined alias) once per alias:
 * every request of that route fails the same way, and the console should say it once. The
 * caller still counts each failure.
 * @example try { cache = getCache(alias) } catch (error) { reportAliasFailure(error, alias, `the worker's route ${id}`) }
 */
export function reportAliasFailure(error: unknown, alias: string, context: string): void {
  if (reportedPerRequest.has(alias)) return;
  reportedPerRequest.add(alias);
  reportError(error, context);
}

function describeRoute(route: RouteInfo): string {
  const kind = route.id === 'http' ? 'httpCache' : route.kind === 'site' ? 'cacheSite' : route.kind === 'page' ? 'cachePage' : 'cacheRoutes';
  return `the route ${route.match} (${kind})`;
}
