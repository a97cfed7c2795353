// @vitest-environment node
// staleWhileRevalidate, staleIfError, ignoreParams and conditional revalidation on Django's
// handlers, through workbox-routing's real default Router with the memory backend and a mocked
// Date (the real-browser proof is test/e2e/route-http-options.test.ts).
import 'fake-indexeddb/auto';
import { ORIGIN } from './worker-scope.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getOrCreateDefaultRouter } from 'workbox-routing/utils/getOrCreateDefaultRouter.js';
import { defineCaches, invalidate } from '../../src/index.js';
import { cachePage } from '../../src/sw/cache-page.js';
import { cacheRoutes } from '../../src/sw/cache-routes.js';
import { cacheSite } from '../../src/sw/cache-site.js';
import { routeTable } from '../../src/sw/route-table.js';
import { workerStats } from '../../src/sw/stats.js';

const T0 = Date.UTC(2030, 0, 1);
const pending: Promise<unknown>[] = [];
const event = { waitUntil: (p: Promise<unknown>) => void pending.push(p) } as unknown as FetchEvent;
/** What the network answers next; `seen` holds the requests it got. */
let answer: (request: Request, n: number) => Response | Promise<Response>;
const seen: Request[] = [];
const network = vi.fn(async (input: RequestInfo | URL) => {
  const request = input as Request;
  seen.push(request);
  return answer(request, seen.length);
});

async function ask(path: string, init: RequestInit = {}): Promise<Response> {
  const request = new Request(ORIGIN + path, init);
  const response = await getOrCreateDefaultRouter().handleRequest({ request, event });
  if (!response) throw new Error(`no route for ${path}`);
  return response;
}
const settle = async () => {
  while (pending.length) await Promise.all(pending.splice(0));
};
const text = async (path: string, init?: RequestInit) => {
  const body = await (await ask(path, init)).text();
  await settle();
  return body;
};
const at = (seconds: number) => vi.setSystemTime(T0 + seconds * 1000);
const routeStats = (suffix: string) => Object.entries(workerStats().routes).find(([id]) => id.endsWith(suffix))?.[1];

beforeEach(() => {
  defineCaches({ default: { backend: 'memory', location: `http-options-${Math.random()}` } });
  vi.stubGlobal('fetch', network);
  at(0);
  seen.length = 0;
  network.mockClear();
  answer = (_, n) => new Response(`body ${n}`);
});

afterEach(async () => {
  await settle();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('route options', () => {
  it('are checked: a TypeError names the declaration, the option and what is accepted, and nothing is installed', () => {
    const before = routeTable().length;
    expect(() => cacheRoutes([{ match: '/ok', ttl: 60 }, { match: '/bad', ttl: 60, staleWhileRevalidate: -1 }])).toThrow(
      /cachette: cacheRoutes row 1: staleWhileRevalidate must be a finite number of seconds ≥ 0, got number -1/,
    );
    expect(() => cacheRoutes([{ match: '/x', ttl: 60, staleIfError: '60' as unknown as number }])).toThrow(/cacheRoutes row 0: staleIfError must be a finite number of seconds ≥ 0, got '60'/);
    expect(() => cacheRoutes([{ match: '/x', ttl: 60, staleIfError: Infinity }])).toThrow(/row 0: staleIfError must be a finite number/);
    expect(() => cacheRoutes([{ match: '/x', ttl: 60, ignoreParams: 'utm_source' as unknown as string[] }])).toThrow(
      /cacheRoutes row 0: ignoreParams must be an array of query parameter names or RegExps/,
    );
    expect(() => cacheRoutes([{ match: '/x', ttl: 60, ignoreParams: [3 as unknown as string] }])).toThrow(/row 0: ignoreParams must be an array/);
    expect(() => cacheSite({ staleWhileRevalidate: NaN })).toThrow(/cacheSite: staleWhileRevalidate must be a finite number of seconds ≥ 0, got number NaN/);
    expect(() => cachePage(60, { ignoreParams: [''] })).toThrow(/cachePage: ignoreParams must be an array/);
    expect(routeTable().length).toBe(before);
  });

  it('are listed in the route table when set', () => {
    const stop = cacheRoutes([
      { match: '/listed', ttl: 60, staleWhileRevalidate: 30, staleIfError: 600, ignoreParams: ['fbclid', /^utm_/] },
      { match: '/plain', ttl: 60 },
    ]);
    const [listed, plain] = routeTable().filter((r) => r.match === '/listed' || r.match === '/plain');
    expect(listed).toMatchObject({ staleWhileRevalidate: 30, staleIfError: 600, ignoreParams: ['fbclid', '/^utm_/'] });
    expect(plain).not.toHaveProperty('staleWhileRevalidate');
    expect(plain).not.toHaveProperty('ignoreParams');
    stop();
  });
});

describe('stale entries', () => {
  it('staleWhileRevalidate: serves stale at once, refreshes once in the background, then serves the refresh', async () => {
    const stop = cacheRoutes([{ match: '/swr', ttl: 60, staleWhileRevalidate: 30 }]);
    expect(await text('/swr')).toBe('body 1');
    at(70);
    let release!: () => void;
    answer = (_, n) => new Promise((resolve) => (release = () => resolve(new Response(`body ${n}`))));
    const stale = await Promise.all([ask('/swr'), ask('/swr'), ask('/swr')]);
    expect(await Promise.all(stale.map((r) => r.text()))).toEqual(['body 1', 'body 1', 'body 1']);
    expect(network).toHaveBeenCalledTimes(2);
    release();
    await settle();
    expect(await text('/swr')).toBe('body 2');
    expect(routeStats('/swr')).toMatchObject({ stale: 3, stored: 2 });
    // Past the window: a miss.
    at(70 + 91);
    answer = (_, n) => new Response(`body ${n}`);
    expect(await text('/swr')).toBe('body 3');
    stop();
  });

  it('an invalidation during a background refresh wins: the refreshed copy is not stored', async () => {
    const stop = cacheRoutes([{ match: '/swr-inv', ttl: 60, staleWhileRevalidate: 30 }]);
    expect(await text('/swr-inv')).toBe('body 1');
    at(70);
    let release!: () => void;
    answer = (_, n) => new Promise((resolve) => (release = () => resolve(new Response(`body ${n}`))));
    expect(await (await ask('/swr-inv')).text()).toBe('body 1');
    await invalidate({ routes: ['/swr-inv'] });
    release();
    await settle();
    answer = (_, n) => new Response(`body ${n}`);
    expect(await text('/swr-inv')).toBe('body 3');
    stop();
  });

  it('staleIfError: a rejected fetch or a 5xx gets the stale entry within the window, the network’s answer after it', async () => {
    const stop = cacheRoutes([{ match: '/sie', ttl: 60, staleIfError: 100 }]);
    expect(await text('/sie')).toBe('body 1');
    at(61);
    answer = () => Promise.reject(new TypeError('Failed to fetch'));
    expect(await text('/sie')).toBe('body 1');
    answer = () => new Response('down', { status: 503 });
    expect(await text('/sie')).toBe('body 1');
    at(60 + 100);
    expect(await text('/sie')).toBe('down');
    answer = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(ask('/sie')).rejects.toThrow('Failed to fetch');
    stop();
  });
});

describe('revalidation', () => {
  it('an expired entry with an ETag is kept and revalidated; a 304 renews it without a body', async () => {
    const stop = cacheRoutes([{ match: '/etag', ttl: 60 }]);
    answer = (request, n) =>
      request.headers.get('if-none-match') === '"v1"' ? new Response(null, { status: 304, headers: { ETag: '"v1"', 'X-N': `${n}` } }) : new Response(`body ${n}`, { headers: { ETag: '"v1"', 'X-N': `${n}` } });
    expect(await text('/etag')).toBe('body 1');
    at(3600); // long past the TTL: kept because it can be revalidated
    const renewed = await ask('/etag');
    expect(renewed.status).toBe(200);
    expect(renewed.headers.get('x-n')).toBe('2');
    expect(renewed.headers.get('expires')).toBe(new Date(T0 + 3660_000).toUTCString());
    expect(await renewed.text()).toBe('body 1');
    await settle();
    expect(seen[1]?.headers.get('if-none-match')).toBe('"v1"');
    expect(seen[1]?.cache).toBe('no-store');
    const hit = await ask('/etag');
    expect(hit.headers.get('x-n')).toBe('2');
    expect(hit.headers.has('cachette-freshness')).toBe(false);
    expect(await hit.text()).toBe('body 1');
    expect(network).toHaveBeenCalledTimes(2);
    expect(routeStats('/etag')).toMatchObject({ revalidations: 1 });
    stop();
  });

  it('followers of a revalidation wait for it and get the renewed entry', async () => {
    const stop = cacheRoutes([{ match: '/etag-shared', ttl: 60 }]);
    let release!: () => void;
    answer = (request, n) =>
      request.headers.has('if-modified-since')
        ? new Promise((resolve) => (release = () => resolve(new Response(null, { status: 304, headers: { 'X-N': `${n}` } }))))
        : new Response(`body ${n}`, { headers: { 'Last-Modified': new Date(T0).toUTCString() } });
    expect(await text('/etag-shared')).toBe('body 1');
    at(61);
    const both = [ask('/etag-shared'), ask('/etag-shared')];
    await vi.waitFor(() => expect(network).toHaveBeenCalledTimes(2));
    release();
    const answers = await Promise.all(both);
    expect(await Promise.all(answers.map((r) => r.text()))).toEqual(['body 1', 'body 1']);
    expect(answers.map((r) => r.headers.get('x-n'))).toEqual(['2', '2']);
    expect(network).toHaveBeenCalledTimes(2);
    stop();
  });
});

describe('ignoreParams', () => {
  it('shares one entry across ignored parameters; the network request keeps them', async () => {
    const stop = cacheRoutes([{ match: '/utm', ttl: 60, ignoreParams: [/^utm_/] }]);
    expect(await text('/utm?utm_source=a&id=1')).toBe('body 1');
    expect(await text('/utm?id=1&utm_source=b')).toBe('body 1');
    expect(await text('/utm?id=2')).toBe('body 2');
    expect(seen.map((r) => r.url)).toEqual([`${ORIGIN}/utm?utm_source=a&id=1`, `${ORIGIN}/utm?id=2`]);
    stop();
  });
});
