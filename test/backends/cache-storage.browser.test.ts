/**
 * The `cache-storage` backend in real Chromium: what the fake cannot show (the real Cache
 * API's handling of bodies and headers, a cache deleted under a store, Web Locks).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cacheStorageName, createCacheStorageStore } from '../../src/backends/cache-storage';
import type { Entry, Store, WritePolicy } from '../../src/core/store';

const MINUTE = 60_000;
let run = 0;
const stores: Store[] = [];

function newLocation(): string {
  return `browser-${Date.now()}-${run++}`;
}

function open(location: string): Store {
  const store = createCacheStorageStore(location);
  stores.push(store);
  return store;
}

function entry(key: string, value: unknown, now: number): Entry {
  return { key, value, expires: now + MINUTE, tags: [], size: 0, used: now };
}

function policy(now: number): WritePolicy {
  return { maxEntries: 300, cullFrequency: 3, now };
}

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.clear()));
});

describe('cache-storage store in Chromium', () => {
  it('round-trips every accepted kind of value through the real Cache API', async () => {
    const store = open(newLocation());
    const now = Date.now();
    const bytes = new Uint8Array([0, 1, 2, 255]);
    await store.set(
      [
        entry('json', { a: [1, null, 'é🎉'] }, now),
        entry('text', 'plain text', now),
        entry('undefined', undefined, now),
        entry('buffer', bytes.buffer.slice(0), now),
        entry('bytes', bytes, now),
        entry('blob', new Blob(['<p>hi</p>'], { type: 'text/html;charset=utf-8' }), now),
        entry('untyped-blob', new Blob([bytes]), now),
        entry(
          'response',
          new Response('{"ok":true}', { status: 202, statusText: 'Accepted', headers: { 'content-type': 'application/json', 'x-app': '1' } }),
          now,
        ),
        entry('no-content', new Response(null, { status: 204 }), now),
      ],
      policy(now),
    );
    const get = async (key: string): Promise<unknown> => {
      const hit = await store.get(key, now);
      expect(hit, key).toBeDefined();
      return hit?.value;
    };
    expect(await get('json')).toEqual({ a: [1, null, 'é🎉'] });
    expect(await get('text')).toBe('plain text');
    expect(await get('undefined')).toBeUndefined();
    const buffer = await get('buffer');
    expect(buffer).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(buffer as ArrayBuffer)]).toEqual([0, 1, 2, 255]);
    const view = await get('bytes');
    expect(view).toBeInstanceOf(Uint8Array);
    expect([...(view as Uint8Array)]).toEqual([0, 1, 2, 255]);
    const blob = (await get('blob')) as Blob;
    expect(blob).toBeInstanceOf(Blob);
    expect(blob.type).toBe('text/html;charset=utf-8');
    expect(await blob.text()).toBe('<p>hi</p>');
    const untyped = (await get('untyped-blob')) as Blob;
    expect(untyped.type).toBe('');
    expect([...new Uint8Array(await untyped.arrayBuffer())]).toEqual([0, 1, 2, 255]);
    const response = (await get('response')) as Response;
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.statusText]).toEqual([202, 'Accepted']);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-app')).toBe('1');
    expect([...response.headers.keys()].filter((name) => name.startsWith('x-cachette-'))).toEqual([]);
    expect(await response.json()).toEqual({ ok: true });
    expect(((await get('no-content')) as Response).status).toBe(204);
  });

  it('keeps the body through touch and move, which rewrite the entry in place', async () => {
    const store = open(newLocation());
    const now = Date.now();
    await store.set([entry('a', new Blob(['payload'], { type: 'text/plain' }), now)], policy(now));
    expect(await store.touch('a', now + 2 * MINUTE, now)).toBe(true);
    expect(await store.move('a', 'b', now)).toBe(true);
    const hit = await store.get('b', now);
    expect(hit?.expires).toBe(now + 2 * MINUTE);
    expect(await (hit?.value as Blob).text()).toBe('payload');
    expect(await store.get('a', now)).toBeUndefined();
  });

  it('recovers after its cache is deleted from the page (devtools "Clear storage")', async () => {
    const location = newLocation();
    const name = cacheStorageName(location);
    const store = open(location);
    const now = Date.now();
    await store.set([entry('before', 1, now)], policy(now));
    expect((await store.get('before', now))?.value).toBe(1);

    expect(await caches.delete(name)).toBe(true);
    // The deleted entries are gone for the store too: it holds no orphaned Cache.
    expect(await store.get('before', now)).toBeUndefined();
    await store.set([entry('after', 2, now)], policy(now));
    expect((await store.get('after', now))?.value).toBe(2);
    // And the write landed in the cache everyone else opens, not in an orphan.
    const seen = await (await caches.open(name)).match(`https://cachette.invalid/after`);
    expect(seen?.headers.get('x-cachette-key')).toBe('"after"');
    expect((await open(location).get('after', now))?.value).toBe(2);
  });

  it('makes 100 concurrent updates from two stores on one location add up (Web Locks)', async () => {
    const location = newLocation();
    const [one, two] = [open(location), open(location)];
    expect('locks' in navigator).toBe(true);
    const now = Date.now();
    await one.set([entry('counter', 0, now)], policy(now));
    const increment = (e: Entry): Entry => ({ ...e, value: (e.value as number) + 1 });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? one : two).update('counter', now, increment)));
    expect((await one.get('counter', now))?.value).toBe(100);
    expect((await two.get('counter', now))?.value).toBe(100);
    // Each update saw its own step: the returned values are exactly 1..100.
    expect(results.map((r) => r?.value as number).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('culls in the real Cache API as in memory (49 keys, maxEntries 30 → 29)', async () => {
    const location = newLocation();
    const store = open(location);
    const now = Date.now();
    for (let i = 0; i < 49; i++) await store.set([entry(`k${i}`, i, now)], { maxEntries: 30, cullFrequency: 3, now });
    expect(await (await caches.open(cacheStorageName(location))).keys()).toHaveLength(29);
  });
});
