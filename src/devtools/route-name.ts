/**
 * How the panel names the worker route that stored an entry: a `cacheRoutes` row by its
 * pattern, else the function that declared it (`cacheSite`, `cachePage`, `httpCache`). The
 * same name whichever side read the entry: a page reading a store it shares with the worker
 * has no route table, so the name comes from the id alone when the table does not know it.
 */
import type { RouteSnapshot } from '../core/snapshot.js';

/** What naming needs of a route table row. */
export type NamedRoute = Pick<RouteSnapshot, 'id' | 'kind' | 'match'>;

/**
 * A function naming route ids, from the worker's route table (empty when it is not at hand).
 * @example routeNamer([])('route:1.0:/api/todos') // '/api/todos'
 */
export function routeNamer(routes: readonly NamedRoute[] = []): (id: string) => string {
  const patterns = new Map(routes.filter((r) => r.kind === 'route').map((r) => [r.id, r.match]));
  return (id) => patterns.get(id) ?? nameFromId(id);
}

// The worker's route ids (src/sw): 'route:<table>.<row>:<pattern>', 'site', 'page:<n>', 'http'.
function nameFromId(id: string): string {
  const row = /^route:\d+\.\d+:([\s\S]+)$/.exec(id);
  if (row?.[1] !== undefined) return row[1];
  if (id === 'site') return 'cacheSite';
  if (id === 'http') return 'httpCache';
  if (/^page:\d+$/.test(id)) return 'cachePage';
  return id;
}
