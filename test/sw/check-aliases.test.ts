// @vitest-environment node
// The worker checks its declared routes against defineCaches once its script has run, and
// reports each undefined alias once (console / devtools panel), naming the routes.
import 'fake-indexeddb/auto';
import './worker-scope.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineCaches, onCacheError } from '../../src/index.js';
import type { ReportedError } from '../../src/core/report.js';
import { checkRouteAliases } from '../../src/sw/check-aliases.js';
import { cacheRoutes } from '../../src/sw/cache-routes.js';
import type { RouteInfo } from '../../src/sw/route-table.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function collect(): ReportedError[] {
  const reports: ReportedError[] = [];
  cleanups.push(onCacheError((report) => reports.push(report)));
  return reports;
}

function row(match: string, cache: string, kind: RouteInfo['kind'] = 'route'): RouteInfo {
  return { id: `route:${match}`, kind, match, ttl: 60, cache, keyPrefix: '', tags: [], invalidatedBy: [] };
}

describe('checkRouteAliases', () => {
  it('reports each undefined alias once, naming its routes and the defined aliases', () => {
    const reports = collect();
    const missing = checkRouteAliases(
      [row('/api/a', 'pagse'), row('/api/b', 'default'), row('/api/c', 'pagse'), row('(site)', 'sitee', 'site')],
      ['default', 'pages'],
    );
    expect(missing).toEqual(['pagse', 'sitee']);
    expect(reports.map((r) => (r.error as Error).message)).toEqual([
      "cachette: the route /api/a (cacheRoutes), the route /api/c (cacheRoutes) use the cache alias 'pagse', which defineCaches does not define (defined: 'default', 'pages'); their requests go to the network uncached. Fix the alias, or add it to defineCaches (the same configuration as the page's: import one shared module in both)",
      "cachette: the route (site) (cacheSite) uses the cache alias 'sitee', which defineCaches does not define (defined: 'default', 'pages'); its requests go to the network uncached. Fix the alias, or add it to defineCaches (the same configuration as the page's: import one shared module in both)",
    ]);
    expect(reports.every((r) => r.error instanceof TypeError && r.context === "checking the worker's routes against defineCaches")).toBe(true);
  });

  it('reports nothing when every alias is defined', () => {
    const reports = collect();
    expect(checkRouteAliases([row('/api/a', 'default')], ['default'])).toEqual([]);
    expect(reports).toEqual([]);
  });
});

describe('the worker at start', () => {
  it('checks cacheRoutes against defineCaches once the script has run (defineCaches may come after the routes)', async () => {
    vi.useFakeTimers();
    try {
      const reports = collect();
      cleanups.push(cacheRoutes([{ match: '/api/typo/*', ttl: 60, cache: 'pagse' }, { match: '/api/ok/*', ttl: 60, cache: 'pages' }]));
      defineCaches({ default: { backend: 'memory' }, pages: { backend: 'memory', location: 'check-aliases' } });
      expect(reports).toEqual([]); // not during the script's evaluation
      await vi.runAllTimersAsync();
      expect(reports.map((r) => (r.error as Error).message)).toEqual([
        expect.stringMatching(/^cachette: the route \S*\/api\/typo\/\*\S* \(cacheRoutes\) uses the cache alias 'pagse', which defineCaches does not define \(defined: 'default', 'pages'\)/),
      ]);
      await vi.runAllTimersAsync();
      expect(reports).toHaveLength(1); // once
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('a request on a route with an undefined alias', () => {
  it('goes to the network, counted each time, reported once', async () => {
    const { respondWithCache } = await import('../../src/sw/respond-with-cache.js');
    const { workerStats } = await import('../../src/sw/stats.js');
    defineCaches({ default: { backend: 'memory', location: `aliases-${Math.random()}` } });
    const reports = collect();
    vi.stubGlobal('fetch', vi.fn(async () => new Response('from the network')));
    cleanups.push(() => vi.unstubAllGlobals());
    const route = { id: 'route:typo', cache: 'pagse-per-request', keyPrefix: '', timeout: { kind: 'route' as const, seconds: 60 }, tags: [], opaque: false };
    for (let i = 0; i < 3; i++) {
      const response = await respondWithCache(new Request('https://app.test/api/x'), undefined, route);
      expect(await response.text()).toBe('from the network');
    }
    expect(reports.filter((r) => String(r.error).includes('pagse-per-request'))).toHaveLength(1);
    expect(workerStats().routes['route:typo']?.errors).toBe(3);
  });
});
