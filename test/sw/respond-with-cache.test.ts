// @vitest-environment node
// What a hit costs: storage reads counted on the cache the worker reads (the memory
// backend), in a worker started afresh (its memoised Vary lists forgotten).
// Node's own Request, Response and Blob (happy-dom's Blob is not the one Response.blob() makes).
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { defineCaches, getCache } from '../../src/index.js';
import { forgetVaryLists } from '../../src/sw/request-key.js';
import { respondWithCache, type CachedRoute } from '../../src/sw/respond-with-cache.js';

const route: CachedRoute = { id: 'route:test', cache: 'default', keyPrefix: '', timeout: { kind: 'route', seconds: 600 }, tags: [], opaque: false };
const pending: Promise<unknown>[] = [];
const event = { waitUntil: (p: Promise<unknown>) => void pending.push(p) };
let served = 0;

/** A GET through the worker's cache; resolves once the stored copy is written. */
async function get(url: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await respondWithCache(new Request(url, { headers }), event, route);
  const text = await response.text();
  await Promise.all(pending.splice(0));
  return text;
}

/** The storage reads one GET costs, in a worker that has just started. */
async function readsOfFreshHit(url: string, headers: Record<string, string> = {}): Promise<{ body: string; reads: number }> {
  forgetVaryLists();
  const reads = vi.spyOn(getCache(), 'getEntry');
  const body = await get(url, headers);
  const count = reads.mock.calls.length;
  reads.mockRestore();
  return { body, reads: count };
}

beforeEach(() => {
  defineCaches({ default: { backend: 'memory', location: `hit-reads-${Math.random()}` } });
  served = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (request: Request) => {
      served += 1;
      const lang = request.headers.get('x-lang');
      return new Response(`${served}:${lang ?? 'none'}`, { headers: request.url.includes('/vary') ? { Vary: 'X-Lang' } : {} });
    }),
  );
});

describe('a hit costs one storage read', () => {
  it('for a response that does not vary, in a worker that just started', async () => {
    expect(await get('https://app.test/plain')).toBe('1:none');
    expect(await readsOfFreshHit('https://app.test/plain')).toEqual({ body: '1:none', reads: 1 });
  });

  it('for a request without the varied headers, and for a varied entry once the worker knows the URL varies', async () => {
    expect(await get('https://app.test/vary')).toBe('1:none');
    expect(await get('https://app.test/vary', { 'x-lang': 'fr' })).toBe('2:fr');
    expect(await readsOfFreshHit('https://app.test/vary')).toEqual({ body: '1:none', reads: 1 });
    // That read taught the worker the URL's Vary list: the varied entry is read directly.
    const reads = vi.spyOn(getCache(), 'getEntry');
    expect(await get('https://app.test/vary', { 'x-lang': 'fr' })).toBe('2:fr');
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('keeps Vary: another value is another entry, and a varied entry found after a restart is read in two', async () => {
    expect(await get('https://app.test/vary-only', { 'x-lang': 'en' })).toBe('1:en');
    expect(await get('https://app.test/vary-only', { 'x-lang': 'fr' })).toBe('2:fr');
    expect(await get('https://app.test/vary-only', { 'x-lang': 'en' })).toBe('1:en');
    // The URL's own key holds its Vary list (no response without X-Lang was stored), then the entry.
    expect(await readsOfFreshHit('https://app.test/vary-only', { 'x-lang': 'fr' })).toEqual({ body: '2:fr', reads: 2 });
    expect(await get('https://app.test/vary-only')).toBe('3:none');
    expect(served).toBe(3);
  });
});
