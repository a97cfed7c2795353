// @vitest-environment node
// httpCache(), the RFC 9111 private cache, on workbox-routing's real default Router with a
// scripted network (the conformance suite in test/e2e/conformance.test.ts runs it in real
// Chromium). Node's own Request, Response and Blob.
import 'fake-indexeddb/auto';
import { ORIGIN } from './worker-scope.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getOrCreateDefaultRouter } from 'workbox-routing/utils/getOrCreateDefaultRouter.js';
import { defineCaches } from '../../src/index.js';
import { httpCache } from '../../src/sw/http-cache.js';

type Answer = (request: Request) => Response | Promise<Response>;
let answer: Answer;
const seen: Request[] = [];
const network = vi.fn(async (input: RequestInfo | URL) => {
  const request = input instanceof Request ? input : new Request(input);
  seen.push(request);
  return answer(request);
});
const pending: Promise<unknown>[] = [];
const event = { waitUntil: (p: Promise<unknown>) => void pending.push(p) } as unknown as FetchEvent;
let stop: () => void = () => {};

/** Asks the Router as the worker's fetch listener does, then lets background writes finish. */
async function ask(path: string, init: RequestInit = {}): Promise<Response> {
  const request = new Request(ORIGIN + path, init);
  const answered = getOrCreateDefaultRouter().handleRequest({ request, event });
  if (!answered) throw new Error(`no handler for ${init.method ?? 'GET'} ${path}`);
  const response = await answered;
  await Promise.all(pending.splice(0));
  return response;
}

beforeEach(async () => {
  defineCaches({ default: { backend: 'memory', location: `http-${Math.random()}` } });
  vi.stubGlobal('fetch', network);
  seen.length = 0;
  network.mockClear();
  stop = httpCache();
  await Promise.resolve(); // its HEAD and unsafe-method routes are registered in a microtask
});

afterEach(() => {
  stop();
  vi.unstubAllGlobals();
});

describe('httpCache options', () => {
  it('rejects unknown options and bad values with a TypeError naming them', () => {
    expect(() => httpCache({ seconds: 60 } as never)).toThrow(/unknown option 'seconds' for httpCache; accepted: cache, keyPrefix, navigationFallback/);
    expect(() => httpCache({ cache: 3 } as never)).toThrow(/httpCache: cache must be an alias name, got number 3/);
    expect(() => httpCache('default' as never)).toThrow(/httpCache takes an options object/);
  });
});

describe('httpCache freshness', () => {
  it('answers a fresh response from the cache with its current Age, and goes to the network past it', async () => {
    let n = 0;
    answer = () => new Response(`v${++n}`, { headers: { 'Cache-Control': 'max-age=60', Age: '10' } });
    expect(await (await ask('/a')).text()).toBe('v1');
    const hit = await ask('/a');
    expect(await hit.text()).toBe('v1');
    expect(Number(hit.headers.get('age'))).toBeGreaterThanOrEqual(10);
    expect(network).toHaveBeenCalledTimes(1);
    // The network requests bypass the browser's HTTP cache beneath the worker.
    expect(seen[0]!.cache).toBe('no-store');

    answer = () => new Response(`x${++n}`, { headers: { 'Cache-Control': 'max-age=60', Age: '61' } });
    expect(await (await ask('/b')).text()).toBe('x2');
    expect(await (await ask('/b')).text()).toBe('x3');
  });

  it('does not store no-store, and stores no-cache only to revalidate it', async () => {
    let n = 0;
    answer = () => new Response(`v${++n}`, { headers: { 'Cache-Control': 'no-store, max-age=60' } });
    await ask('/no-store');
    expect(await (await ask('/no-store')).text()).toBe('v2');

    answer = (request) =>
      request.headers.get('if-none-match') === '"e1"'
        ? new Response(null, { status: 304, headers: { ETag: '"e1"' } })
        : new Response(`body ${++n}`, { headers: { 'Cache-Control': 'no-cache', ETag: '"e1"' } });
    expect(await (await ask('/no-cache')).text()).toBe('body 3');
    const again = await ask('/no-cache');
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('body 3');
    expect(seen.at(-1)!.headers.get('if-none-match')).toBe('"e1"');
  });
});

describe('httpCache shared misses', () => {
  it('answers a request arriving during a miss from that miss, unless its own directives refuse it', async () => {
    let n = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    answer = async () => {
      const body = `v${++n}`;
      await gate;
      return new Response(body, { headers: { 'Cache-Control': 'max-age=600' } });
    };
    const first = getOrCreateDefaultRouter().handleRequest({ request: new Request(`${ORIGIN}/slow`), event })!;
    await new Promise((resolve) => setTimeout(resolve, 0));
    const follower = getOrCreateDefaultRouter().handleRequest({ request: new Request(`${ORIGIN}/slow`), event })!;
    const refusing = getOrCreateDefaultRouter().handleRequest({ request: new Request(`${ORIGIN}/slow`, { headers: { 'Cache-Control': 'no-cache' } }), event })!;
    release();
    expect(await (await first).text()).toBe('v1');
    expect(await (await follower).text()).toBe('v1');
    expect(await (await refusing).text()).toBe('v2');
    await Promise.all(pending.splice(0));
    expect(network).toHaveBeenCalledTimes(2);
  });
});

describe('httpCache revalidation', () => {
  it('renews an expired entry on a 304: new headers, the stored body, no download', async () => {
    answer = (request) =>
      request.headers.get('if-modified-since')
        ? new Response(null, { status: 304, headers: { 'X-Version': '2', 'Cache-Control': 'max-age=600', 'Content-Length': '0' } })
        : new Response('whole body', { headers: { 'Cache-Control': 'max-age=0', 'Last-Modified': 'Sun, 06 Nov 1994 08:49:37 GMT', 'X-Version': '1' } });
    await ask('/doc');
    const renewed = await ask('/doc');
    expect(renewed.status).toBe(200);
    expect(await renewed.text()).toBe('whole body');
    expect(renewed.headers.get('x-version')).toBe('2');
    expect(seen[1]!.headers.get('if-modified-since')).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
    // Renewed to max-age=600: the third read is a hit.
    const third = await ask('/doc');
    expect(await third.text()).toBe('whole body');
    expect(third.headers.get('x-version')).toBe('2');
    expect(network).toHaveBeenCalledTimes(2);
  });
});

describe('httpCache when the origin cannot be reached', () => {
  it('serves a stale copy (RFC 9111 §4.2.4), but a 504 for must-revalidate', async () => {
    answer = (request) =>
      new Response('shell', { headers: { 'Cache-Control': request.url.endsWith('/strict') ? 'max-age=0, must-revalidate' : 'max-age=0' } });
    await ask('/shell');
    await ask('/strict');
    answer = () => Promise.reject(new TypeError('Failed to fetch'));
    const offline = await ask('/shell');
    expect(await offline.text()).toBe('shell');
    expect((await ask('/strict')).status).toBe(504);
  });

  it('lets a miss fail as the network did', async () => {
    answer = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(ask('/never-stored')).rejects.toThrow('Failed to fetch');
  });
});

describe('httpCache and unsafe methods', () => {
  it('invalidates the URL and its same-origin Location after a non-error answer', async () => {
    let n = 0;
    answer = (request) =>
      request.method === 'GET'
        ? new Response(`v${++n}`, { headers: { 'Cache-Control': 'max-age=600' } })
        : new Response('ok', { status: request.url.endsWith('/fail') ? 500 : 201, headers: { Location: '/items/1' } });
    await ask('/items');
    await ask('/items/1');
    await ask('/fail');
    await ask('/fail', { method: 'POST', body: 'x' });
    expect(await (await ask('/fail')).text()).toBe('v3'); // a 500 invalidates nothing
    await ask('/items', { method: 'POST', body: 'x' });
    expect(await (await ask('/items')).text()).toBe('v4');
    expect(await (await ask('/items/1')).text()).toBe('v5');
  });

  it('invalidates on a method it does not know, through its own fetch listener', async () => {
    let n = 0;
    answer = (request) => new Response(request.method === 'GET' ? `v${++n}` : 'ok', { headers: { 'Cache-Control': 'max-age=600' } });
    await ask('/thing');
    let responded: Promise<Response> | undefined;
    const fetchEvent = Object.assign(new Event('fetch'), {
      request: new Request(`${ORIGIN}/thing`, { method: 'M-SEARCH' }),
      respondWith: (r: Promise<Response>) => void (responded = r),
      waitUntil: (p: Promise<unknown>) => void pending.push(p),
    });
    (globalThis as unknown as { self: EventTarget }).self.dispatchEvent(fetchEvent);
    expect(responded).toBeDefined();
    expect((await responded!).status).toBe(200);
    expect(await (await ask('/thing')).text()).toBe('v2');
  });
});

describe('httpCache navigationFallback', () => {
  /** A navigation (Node's Request cannot be constructed with mode 'navigate'). */
  const navigation = (path: string) => Object.defineProperty(new Request(ORIGIN + path), 'mode', { value: 'navigate' });
  const navigate = async (path: string) => {
    const response = await getOrCreateDefaultRouter().handleRequest({ request: navigation(path), event })!;
    await Promise.all(pending.splice(0));
    return response.text();
  };

  it('answers the navigations it covers with the one stored shell', async () => {
    stop();
    stop = httpCache({ navigationFallback: { url: '/', allowlist: [/^\/(\?|$)/, /^\/authors\//], denylist: [/^\/authors\/admin/] } });
    let n = 0;
    answer = (request) => new Response(`${new URL(request.url).pathname} ${++n}`, { headers: { 'Cache-Control': 'max-age=600' } });
    expect(await navigate('/authors/alice')).toBe('/ 1');
    expect(await navigate('/?page=2')).toBe('/ 1');
    expect(await navigate('/authors/admin')).toBe('/authors/admin 2');
    expect(await navigate('/about')).toBe('/about 3');
    // Not a navigation: the URL itself.
    expect(await (await ask('/authors/bob')).text()).toBe('/authors/bob 4');
  });

  it('rejects a malformed navigationFallback, naming it', () => {
    expect(() => httpCache({ navigationFallback: '/' } as never)).toThrow(/httpCache: navigationFallback must be \{ url/);
    expect(() => httpCache({ navigationFallback: { url: 'index.html' } })).toThrow(/navigationFallback.url must be a same-origin path/);
    expect(() => httpCache({ navigationFallback: { url: '/', allowlist: ['/a'] } } as never)).toThrow(/navigationFallback.allowlist must be an array of RegExps/);
    expect(() => httpCache({ navigationFallback: { url: '/', allow: [] } } as never)).toThrow(/unknown option 'allow' for httpCache: navigationFallback; accepted: url, allowlist, denylist/);
  });
});

describe('httpCache ranges and cleanup', () => {
  it('answers a range from a stored whole response', async () => {
    answer = () => new Response('0123456789', { headers: { 'Cache-Control': 'max-age=600' } });
    await ask('/file');
    const part = await ask('/file', { headers: { Range: 'bytes=2-4' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 2-4/10');
    expect(await part.text()).toBe('234');
    expect(await (await ask('/file', { headers: { Range: 'bytes=-3' } })).text()).toBe('789');
    expect(network).toHaveBeenCalledTimes(1);
  });

  it('stops caching after its cleanup', async () => {
    let n = 0;
    answer = () => new Response(`v${++n}`, { headers: { 'Cache-Control': 'max-age=600' } });
    await ask('/c');
    stop();
    expect(await (await ask('/c')).text()).toBe('v2');
  });
});
