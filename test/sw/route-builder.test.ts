// @vitest-environment node
// The route builder behind cacheSite, cachePage and cacheRoutes, on workbox-routing's real
// default Router (read here through its internal module, which the library no longer uses).
// Node's own Request, Response and Blob (happy-dom's Blob is not the one Response.blob() makes).
import 'fake-indexeddb/auto';
import { ORIGIN } from './worker-scope.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getOrCreateDefaultRouter } from 'workbox-routing/utils/getOrCreateDefaultRouter.js';
import { defineCaches } from '../../src/index.js';
import { cachePage } from '../../src/sw/cache-page.js';
import { cacheRoutes } from '../../src/sw/cache-routes.js';
import { cacheSite } from '../../src/sw/cache-site.js';
import { routeTable } from '../../src/sw/route-table.js';

let served = 0;
const network = vi.fn(async (_request: RequestInfo | URL) => new Response(`body ${++served}`, { headers: { 'Content-Type': 'text/plain' } }));
const pending: Promise<unknown>[] = [];
const event = { waitUntil: (p: Promise<unknown>) => void pending.push(p) } as unknown as FetchEvent;

/** Asks workbox's default Router as the worker's fetch listener does; `undefined`: no handler, the browser's own fetch. */
async function ask(path: string, method = 'GET'): Promise<string | undefined> {
  const request = new Request(ORIGIN + path, { method });
  const answer = getOrCreateDefaultRouter().handleRequest({ request, event });
  if (!answer) return undefined;
  const response = await answer;
  await Promise.all(pending.splice(0));
  return method === 'HEAD' ? `HEAD ${response.status}` : response.text();
}

beforeEach(() => {
  defineCaches({ default: { backend: 'memory', location: `builder-${Math.random()}` } });
  vi.stubGlobal('fetch', network);
  served = 0;
  network.mockClear();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the route builder', () => {
  it('cacheRoutes: rows answer from the cache until the cleanup, then match nothing', async () => {
    const cleanup = cacheRoutes([{ match: '/api/a/*', ttl: 60 }]);
    expect(routeTable().map((r) => r.id)).toContain(`route:1.0:/api/a/*`);
    expect(await ask('/api/a/1')).toBe('body 1');
    expect(await ask('/api/a/1')).toBe('body 1');
    expect(await ask('/api/a/1', 'HEAD')).toBe('HEAD 200');
    expect(network).toHaveBeenCalledTimes(1);
    cleanup();
    expect(routeTable().map((r) => r.id)).not.toContain(`route:1.0:/api/a/*`);
    expect(getOrCreateDefaultRouter().findMatchingRoute({ url: new URL(`${ORIGIN}/api/a/1`), sameOrigin: true, request: new Request(`${ORIGIN}/api/a/1`), event })).toEqual({});
  });

  it('cacheSite returns its cleanup: GET and HEAD then go to the network, and it leaves the route table', async () => {
    const cleanup = cacheSite({ seconds: 60 });
    await Promise.resolve(); // HEAD's catch-all route is registered once the script's evaluation is over
    expect(typeof cleanup).toBe('function');
    expect(routeTable().map((r) => r.id)).toContain('site');
    expect(await ask('/site/x')).toBe('body 1');
    expect(await ask('/site/x')).toBe('body 1');
    expect(await ask('/site/x', 'HEAD')).toBe('HEAD 200');
    expect(network).toHaveBeenCalledTimes(1);
    cleanup();
    expect(routeTable().map((r) => r.id)).not.toContain('site');
    expect(await ask('/site/x')).toBe('body 2');
    expect(await ask('/site/x', 'HEAD')).toBeUndefined();
  });

  it('routes declared after cacheSite in the same script still answer HEAD before it', async () => {
    const stopSite = cacheSite({ keyPrefix: 'site' });
    const stopRoutes = cacheRoutes([{ match: '/late/*', ttl: 60, keyPrefix: 'rows' }]);
    await Promise.resolve();
    // HEAD is answered from the row's GET entry; the per-site cache (another prefix) would have missed.
    expect(await ask('/late/x')).toBe('body 1');
    expect(await ask('/late/x', 'HEAD')).toBe('HEAD 200');
    expect(network).toHaveBeenCalledTimes(1);
    stopRoutes();
    stopSite();
  });

  it('cachePage returns a workbox handler and lists its route', async () => {
    const handler = cachePage(60, { keyPrefix: 'p' });
    expect(typeof handler.handle).toBe('function');
    const route = routeTable().find((r) => r.kind === 'page' && r.keyPrefix === 'p');
    expect(route).toMatchObject({ match: '(registerRoute)', ttl: 60, cache: 'default' });
  });

  it('a bad row installs nothing, and each error names the row and the option', () => {
    const before = routeTable().length;
    expect(() => cacheRoutes([{ match: '/ok', ttl: 60 }, { match: '/bad', ttl: 60, tags: 'x' as unknown as string[] }])).toThrow(/cacheRoutes row 1: tags must be an array of strings/);
    expect(() => cacheRoutes([{ match: 3 as unknown as string, ttl: 60 }])).toThrow(/cacheRoutes row 0: match must be a path/);
    expect(() => cacheRoutes([{ match: '/x', ttl: 60, opaque: 'yes' as unknown as boolean }])).toThrow(/row 0: opaque must be a boolean/);
    expect(() => cacheRoutes([{ match: '/x', ttl: 60, nope: 1 } as never])).toThrow(/unknown option 'nope' for cacheRoutes row 0/);
    expect(() => cacheSite({ seconds: null as unknown as number })).toThrow(/cacheSite: seconds must be a finite number of seconds, got/);
    expect(() => cachePage('600' as unknown as number)).toThrow(/cachePage: timeout must be a finite number/);
    expect(routeTable().length).toBe(before);
  });
});
