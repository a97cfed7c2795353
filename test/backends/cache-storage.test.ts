import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IDBObjectStore } from 'fake-indexeddb';
import { openDB } from 'idb';
import { cacheStorageIndexName, cacheStorageName, createCacheStorageStore } from '../../src/backends/cache-storage';
import { STORE } from '../../src/backends/idb-connection';
import { UnstorableValueError } from '../../src/core/errors';
import type { Entry, Store, WritePolicy } from '../../src/core/store';
import { FakeCache, installFakeCacheStorage } from '../support/fake-cache-storage';

const NOW = 1_700_000_000_000;
const MINUTE = 60_000;
let uninstall: () => void;
let location: string;
let store: Store;
let run = 0;

beforeEach(() => {
  uninstall = installFakeCacheStorage();
  location = `unit-${run++}`;
  store = createCacheStorageStore(location);
});

afterEach(() => {
  vi.restoreAllMocks();
  uninstall();
});

function entry(key: string, value: unknown, extra: Partial<Entry> = {}): Entry {
  return { key, value, expires: NOW + MINUTE, tags: [], size: 0, used: NOW, ...extra };
}

function policy(extra: Partial<WritePolicy> = {}): WritePolicy {
  return { maxEntries: 300, cullFrequency: 3, now: NOW, ...extra };
}

async function roundTrip(value: unknown, key = 'k'): Promise<unknown> {
  await store.set([entry(key, value)], policy());
  const got = await store.get(key, NOW);
  expect(got).toBeDefined();
  return got?.value;
}

/** Everything in the backing cache, read without the store: url → headers and body text. */
async function snapshot(): Promise<Record<string, string>> {
  const cache = await caches.open(cacheStorageName(location));
  const out: Record<string, string> = {};
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    const headers: string[] = [];
    response?.headers.forEach((v, n) => headers.push(`${n}: ${v}`));
    out[request.url] = `${headers.sort().join('\n')}\n\n${(await response?.text()) ?? ''}`;
  }
  return out;
}

/** The stored keys, in the order the cache holds them, read from the entries' own headers. */
async function storedKeys(): Promise<string[]> {
  const cache = await caches.open(cacheStorageName(location));
  const keys: string[] = [];
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    keys.push(JSON.parse(response?.headers.get('x-cachette-key') ?? 'null') as string);
  }
  return keys;
}

describe('cache-storage store: values', () => {
  it.each([
    ['null', null],
    ['true', true],
    ['false', false],
    ['zero', 0],
    ['a float', -1.5],
    ['a large number', 1e300],
    ['an empty object', {}],
    ['an empty array', []],
    ['nested JSON', { a: [1, { b: null, c: 'é🎉' }], 'odd key': { '': true }, __proto__x: 2 }],
  ])('round-trips %s as JSON', async (_label, value) => {
    expect(await roundTrip(value)).toEqual(value);
    expect((await store.get('k', NOW))?.value).toStrictEqual(value);
  });

  it('stores a top-level string as text, not JSON', async () => {
    expect(await roundTrip('say "hi" 🎉')).toBe('say "hi" 🎉');
    expect(await roundTrip('')).toBe('');
    const raw = await (await caches.open(cacheStorageName(location))).match('https://cachette.invalid/k');
    expect(raw?.headers.get('x-cachette-type')).toBe('text');
    expect(await raw?.text()).toBe('');
  });

  it('keeps lone surrogates, which a UTF-8 body would replace', async () => {
    expect(await roundTrip('\uD800 and \uDFFF')).toBe('\uD800 and \uDFFF');
    expect(await roundTrip({ '\uDC00': ['\uD83D'] })).toEqual({ '\uDC00': ['\uD83D'] });
  });

  it('reads -0 back as 0, as JSON does (the one documented leniency)', async () => {
    expect(Object.is(await roundTrip(-0), 0)).toBe(true);
  });

  it('stores a top-level undefined as a value, not a miss', async () => {
    await store.set([entry('u', undefined)], policy());
    const got = await store.get('u', NOW);
    expect(got).toBeDefined();
    expect(got?.value).toBeUndefined();
  });

  it('round-trips an ArrayBuffer as a copy', async () => {
    const buffer = new Uint8Array([1, 2, 3, 250]).buffer;
    await store.set([entry('ab', buffer)], policy());
    new Uint8Array(buffer)[0] = 99;
    const got = (await store.get('ab', NOW))?.value;
    expect(got).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(got as ArrayBuffer)]).toEqual([1, 2, 3, 250]);
  });

  it("round-trips a Uint8Array, only the view's bytes", async () => {
    const view = new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4);
    const got = await roundTrip(view);
    expect(Object.getPrototypeOf(got)).toBe(Uint8Array.prototype);
    expect([...(got as Uint8Array)]).toEqual([1, 2, 3]);
  });

  it.each([['text/x-custom;charset=utf-8'], [''], ['not a mime type']])('round-trips a Blob of type %j', async (type) => {
    const got = await roundTrip(new Blob(['blob body'], { type }));
    expect(got).toBeInstanceOf(Blob);
    expect((got as Blob).type).toBe(type);
    expect(await (got as Blob).text()).toBe('blob body');
  });

  it('round-trips a Response with status, statusText and headers, without our headers', async () => {
    const original = new Response('{"ok":true}', {
      status: 201,
      statusText: 'Created',
      headers: { 'content-type': 'application/json', 'x-app': 'one' },
    });
    const got = (await roundTrip(original)) as Response;
    expect(got).toBeInstanceOf(Response);
    expect(got.status).toBe(201);
    expect(got.statusText).toBe('Created');
    expect(got.headers.get('content-type')).toBe('application/json');
    expect(got.headers.get('x-app')).toBe('one');
    const names: string[] = [];
    got.headers.forEach((_v, name) => names.push(name.toLowerCase()));
    expect(names.filter((n) => n.startsWith('x-cachette-'))).toEqual([]);
    expect(await got.json()).toEqual({ ok: true });
    // The caller's response is left unread: storing it took a clone.
    expect(original.bodyUsed).toBe(false);
    expect(await original.text()).toBe('{"ok":true}');
  });

  it('round-trips a Response with a null-body status', async () => {
    const got = (await roundTrip(new Response(null, { status: 204, headers: { etag: '"x"' } }))) as Response;
    expect(got.status).toBe(204);
    expect(got.headers.get('etag')).toBe('"x"');
    expect(got.body).toBeNull();
  });

  it('returns a fresh value on every get', async () => {
    await store.set([entry('o', { list: [1] }), entry('r', new Response('body'))], policy());
    const first = (await store.get('o', NOW))?.value as { list: number[] };
    first.list.push(2);
    expect((await store.get('o', NOW))?.value).toEqual({ list: [1] });
    const a = (await store.get('r', NOW))?.value as Response;
    const b = (await store.get('r', NOW))?.value as Response;
    expect(a).not.toBe(b);
    expect(await a.text()).toBe('body');
    expect(await b.text()).toBe('body');
  });

  it('keeps every fact of the entry: expiry (also never), tags, size', async () => {
    await store.set(
      [entry('forever', 1, { expires: Infinity, tags: ['tag é', 'b'], size: 42 }), entry('soon', 2, { expires: NOW + 1.5 })],
      policy(),
    );
    const forever = await store.get('forever', NOW);
    expect(forever).toMatchObject({ key: 'forever', value: 1, expires: Infinity, tags: ['tag é', 'b'], size: 42 });
    expect((await store.get('soon', NOW))?.expires).toBe(NOW + 1.5);
  });

  it('keeps when the value was stored, through touch, update and move', async () => {
    await store.set([entry('k', 1, { stored: NOW - 5 })], policy());
    expect((await store.get('k', NOW))?.stored).toBe(NOW - 5);
    expect(await store.touch('k', NOW + 2 * MINUTE, NOW)).toBe(true);
    expect((await store.update('k', NOW, (e) => ({ ...e, value: 2 })))?.stored).toBe(NOW - 5);
    expect(await store.move('k', 'k2', NOW)).toBe(true);
    expect(await store.get('k2', NOW)).toMatchObject({ value: 2, stored: NOW - 5 });
    expect((await store.list(NOW))[0]).toMatchObject({ key: 'k2', stored: NOW - 5 });
  });

  it('keeps keys apart that a URL would merge or cannot express', async () => {
    const keys = ['', '.', '..', '/', 'a/../b', 'a b', '%2E', '%u002E', 'é', '🎉', '\uD800', '\uDC00x', ':1:k?x=1#frag'];
    await store.set(
      keys.map((key, i) => entry(key, i)),
      policy(),
    );
    for (const [i, key] of keys.entries()) expect((await store.get(key, NOW))?.value).toBe(i);
    expect((await storedKeys()).sort()).toEqual([...keys].sort());
  });
});

describe('cache-storage store: unstorable values', () => {
  class Point {
    x = 1;
  }
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const sparse = [1, , 3];
  const named = Object.assign([1, 2], { extra: true });
  const used = new Response('read me');

  it.each([
    ['undefined inside an object', { a: undefined }, 'undefined at value.a'],
    ['undefined inside an array', [1, undefined], 'undefined at value[1]'],
    ['NaN', NaN, 'NaN at value'],
    ['Infinity inside', { n: [Infinity] }, 'Infinity at value.n[0]'],
    ['-Infinity', -Infinity, '-Infinity at value'],
    ['a function', () => 1, 'a function at value'],
    ['a nested function', { f: () => 1 }, 'a function at value.f'],
    ['a symbol', Symbol('s'), 'a symbol at value'],
    ['a bigint', { big: 1n }, 'a bigint at value.big'],
    ['a Date', { when: new Date(0) }, 'a Date at value.when'],
    ['a Map', new Map(), 'a Map at value'],
    ['a Set', [new Set()], 'a Set at value[0]'],
    ['a class instance', { p: new Point() }, 'a Point at value.p'],
    ['a cycle', cyclic, 'a cycle at value.self'],
    ['a sparse array', sparse, 'a hole at value[1]'],
    ['an array with named properties', named, 'named properties at value'],
    ['symbol keys', { [Symbol('k')]: 1 }, 'symbol-keyed properties at value'],
    ['another typed array', new Float32Array(2), 'a Float32Array at value'],
    ['a nested Uint8Array', { bytes: new Uint8Array(2) }, 'a Uint8Array at value.bytes (binary values'],
    ['a nested ArrayBuffer', { buffer: new ArrayBuffer(2) }, 'an ArrayBuffer at value.buffer (binary values'],
    ['an array subclass', { list: new (class List extends Array {})() }, 'a List at value.list'],
    ['a nested Blob', [new Blob(['x'])], 'a Blob at value[0] (binary values'],
    ['a File', new File(['x'], 'name.txt'), 'a File at value'],
    ['a Response whose body was read', used, 'a Response whose body was already read'],
    ['a Response with a reserved header', new Response('x', { headers: { 'x-cachette-key': '"k"' } }), "'x-cachette-key' header"],
    ['a partial Response', new Response('x', { status: 206 }), 'partial (206)'],
    ['a Response with Vary: *', new Response('x', { headers: { vary: 'accept, *' } }), 'Vary: *'],
  ])('rejects %s, naming the key and what is accepted, and changes nothing', async (_label, value, found) => {
    if (value === used && !used.bodyUsed) await used.text();
    await store.set([entry('keep', { kept: true }), entry('victim', 'old')], policy());
    const before = await snapshot();
    const put = vi.spyOn(FakeCache.prototype, 'put');
    const error: unknown = await store.set([entry('fresh', 'fine'), entry('victim', value)], policy()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnstorableValueError);
    const unstorable = error as UnstorableValueError;
    expect(unstorable.storedKey).toBe('victim');
    expect(unstorable.message).toContain("'victim'");
    expect(unstorable.reason).toContain(found);
    expect(unstorable.reason).toMatch(/accepted: JSON-compatible values .* ArrayBuffer, a Uint8Array, a Blob or a Response/);
    expect(put).not.toHaveBeenCalled();
    expect(await snapshot()).toEqual(before);
  });

  it('rejects an unstorable update result and keeps the old value', async () => {
    await store.set([entry('n', 1)], policy());
    const before = await snapshot();
    await expect(store.update('n', NOW, (e) => ({ ...e, value: new Date(0) }))).rejects.toBeInstanceOf(UnstorableValueError);
    expect(await snapshot()).toEqual(before);
  });

  it('add: an unstorable value fails only when the key is free (as the memory backend)', async () => {
    await store.set([entry('taken', 1)], policy());
    expect(await store.add(entry('taken', () => 1), policy())).toBe(false);
    await expect(store.add(entry('free', () => 1), policy())).rejects.toBeInstanceOf(UnstorableValueError);
    expect(await store.get('free', NOW)).toBeUndefined();
  });
});

describe('cache-storage store: expiry and reads', () => {
  it('never returns an expired entry, from any method', async () => {
    await store.set([entry('e', 'v', { expires: NOW + 1000 })], policy());
    expect((await store.get('e', NOW + 999))?.value).toBe('v');
    const later = NOW + 1000;
    expect(await store.get('e', later)).toBeUndefined();
    expect((await store.getMany(['e'], later)).size).toBe(0);
    expect(await store.touch('e', Infinity, later)).toBe(false);
    expect(await store.move('e', 'e2', later)).toBe(false);
    const fn = vi.fn((x: Entry) => x);
    expect(await store.update('e', later, fn)).toBeUndefined();
    expect(fn).not.toHaveBeenCalled();
    expect(await store.delete(['e'], later)).toEqual([]);
  });

  it('lets add take an expired key', async () => {
    await store.set([entry('e', 'old', { expires: NOW + 10 })], policy());
    expect(await store.add(entry('e', 'new', { expires: NOW + MINUTE }), policy({ now: NOW + 10 }))).toBe(true);
    expect((await store.get('e', NOW + 10))?.value).toBe('new');
  });

  it('writes nothing on a read: hits, misses and expired entries alike', async () => {
    await store.set([entry('a', 1), entry('old', 2, { expires: NOW + 1 })], policy());
    const put = vi.spyOn(FakeCache.prototype, 'put');
    const del = vi.spyOn(FakeCache.prototype, 'delete');
    const open = vi.spyOn(caches, 'open');
    const before = await snapshot();
    await store.get('a', NOW + 5);
    await store.get('old', NOW + 5);
    await store.get('missing', NOW + 5);
    await store.getMany(['a', 'old', 'missing'], NOW + 5);
    expect(put).not.toHaveBeenCalled();
    expect(del).not.toHaveBeenCalled();
    expect(open).toHaveBeenCalledTimes(1); // only snapshot's
    expect(await snapshot()).toEqual(before);
  });

  it('getMany returns the live entries among the keys, stored null included', async () => {
    await store.set([entry('a', null), entry('b', 2), entry('gone', 3, { expires: NOW })], policy());
    const found = await store.getMany(['a', 'b', 'gone', 'missing'], NOW);
    expect([...found.keys()]).toEqual(['a', 'b']);
    expect(found.get('a')?.value).toBeNull();
  });

  it('rejects with a helpful error where Cache Storage is unavailable', async () => {
    uninstall();
    try {
      await expect(store.get('a', NOW)).rejects.toThrow(/Cache Storage API is unavailable.*secure origin.*'idb' or 'memory'/);
      await expect(store.set([entry('a', 1)], policy())).rejects.toThrow(/unavailable/);
    } finally {
      uninstall = installFakeCacheStorage();
    }
  });
});

describe('cache-storage store: culling', () => {
  async function fill(count: number, cullFrequency: number): Promise<void> {
    for (let i = 0; i < count; i++) await store.set([entry(`k${i}`, i)], policy({ maxEntries: 30, cullFrequency }));
  }

  it('leaves 29 of 49 keys with maxEntries 30 (cullFrequency 3)', async () => {
    await fill(49, 3);
    expect(await storedKeys()).toHaveLength(29);
    // The newest survive.
    expect((await store.get('k48', NOW))?.value).toBe(48);
  });

  it('leaves 19 of 49 keys with cullFrequency 0 (empties when full)', async () => {
    await fill(49, 0);
    expect((await storedKeys()).sort()).toEqual(Array.from({ length: 19 }, (_, i) => `k${i + 30}`).sort());
  });

  it('culls before each entry of one set call', async () => {
    await store.set(
      Array.from({ length: 49 }, (_, i) => entry(`k${i}`, i)),
      policy({ maxEntries: 30 }),
    );
    expect(await storedKeys()).toHaveLength(29);
  });

  it('removes every expired entry before any live one', async () => {
    const p = policy({ maxEntries: 5, cullFrequency: 5 });
    await store.set([entry('a', 1), entry('b', 1), entry('x', 1, { expires: NOW + 10 }), entry('y', 1, { expires: NOW + 10 })], p);
    await store.set([entry('c', 1)], p);
    // Full (5), target floor(5 / 5) = 1: both expired go although one would do, and no live one.
    await store.set([entry('d', 1)], { ...p, now: NOW + 10 });
    expect((await storedKeys()).sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('culls the least recently used, counting reads in this context', async () => {
    const p = policy({ maxEntries: 5, cullFrequency: 5 });
    for (const key of ['a', 'b', 'c', 'd', 'e']) await store.set([entry(key, key)], p);
    await store.get('a', NOW);
    await store.set([entry('f', 'f')], p);
    expect((await storedKeys()).sort()).toEqual(['a', 'c', 'd', 'e', 'f']);
  });

  it('without the read, the oldest write goes (the control for the test above)', async () => {
    const p = policy({ maxEntries: 5, cullFrequency: 5 });
    for (const key of ['a', 'b', 'c', 'd', 'e']) await store.set([entry(key, key)], p);
    await store.set([entry('f', 'f')], p);
    expect((await storedKeys()).sort()).toEqual(['b', 'c', 'd', 'e', 'f']);
  });

  it('counts update and move as uses, and not touch', async () => {
    const p = policy({ maxEntries: 5, cullFrequency: 5 });
    for (const key of ['a', 'b', 'c', 'd', 'e']) await store.set([entry(key, 1)], p);
    await store.update('a', NOW, (e) => e);
    await store.move('b', 'b2', NOW);
    await store.touch('c', NOW + MINUTE * 2, NOW);
    await store.set([entry('f', 1)], p);
    expect((await storedKeys()).sort()).toEqual(['a', 'b2', 'd', 'e', 'f']);
  });
});

describe('cache-storage store: writes', () => {
  it('update stores what fn returns and counts as a use', async () => {
    await store.set([entry('n', 1, { expires: NOW + 5000, tags: ['t'] })], policy());
    const updated = await store.update('n', NOW, (e) => ({ ...e, value: (e.value as number) + 1 }));
    expect(updated).toMatchObject({ key: 'n', value: 2, expires: NOW + 5000, tags: ['t'] });
    expect((await store.get('n', NOW))?.value).toBe(2);
    expect(await store.update('missing', NOW, (e) => e)).toBeUndefined();
  });

  it('update rethrows exactly what fn throws and leaves the value', async () => {
    await store.set([entry('n', 1)], policy());
    const before = await snapshot();
    const put = vi.spyOn(FakeCache.prototype, 'put');
    const boom = new TypeError('not a number');
    const error = await store
      .update('n', NOW, () => {
        throw boom;
      })
      .catch((e: unknown) => e);
    expect(error).toBe(boom);
    expect(put).not.toHaveBeenCalled();
    expect(await snapshot()).toEqual(before);
    expect((await store.get('n', NOW))?.value).toBe(1);
  });

  it('add stores only when the key is absent', async () => {
    expect(await store.add(entry('a', 1), policy())).toBe(true);
    expect(await store.add(entry('a', 2), policy())).toBe(false);
    expect((await store.get('a', NOW))?.value).toBe(1);
  });

  it('delete resolves to the keys that held a live value', async () => {
    await store.set([entry('a', 1), entry('b', 2), entry('old', 3, { expires: NOW + 1 })], policy());
    expect(await store.delete(['a', 'missing', 'old', 'a'], NOW + 1)).toEqual(['a']);
    expect(await storedKeys()).toEqual(['b']);
  });

  it('touch sets the expiry and keeps the body', async () => {
    await store.set([entry('blob', new Blob(['payload'], { type: 'text/plain' }), { expires: NOW + 10 })], policy());
    expect(await store.touch('blob', NOW + MINUTE, NOW)).toBe(true);
    const got = await store.get('blob', NOW + 20);
    expect(got?.expires).toBe(NOW + MINUTE);
    expect(await (got?.value as Blob).text()).toBe('payload');
    expect((got?.value as Blob).type).toBe('text/plain');
    expect(await store.touch('missing', NOW + MINUTE, NOW)).toBe(false);
  });

  it('move carries value, expiry and tags to the new key and removes the old one', async () => {
    await store.set([entry(':1:a', { v: 1 }, { expires: NOW + 5000, tags: ['t'] }), entry(':2:a', 'replaced')], policy());
    expect(await store.move(':1:a', ':2:a', NOW)).toBe(true);
    expect(await store.get(':1:a', NOW)).toBeUndefined();
    expect(await store.get(':2:a', NOW)).toMatchObject({ key: ':2:a', value: { v: 1 }, expires: NOW + 5000, tags: ['t'] });
    expect(await store.move('x', 'y', NOW)).toBe(false);
    expect(await store.move(':2:a', ':2:a', NOW)).toBe(true);
    expect((await store.get(':2:a', NOW))?.value).toEqual({ v: 1 });
  });

  it('clear empties the location and leaves other locations alone', async () => {
    const other = createCacheStorageStore(`${location}-other`);
    await store.set([entry('a', 1)], policy());
    await other.set([entry('a', 2)], policy());
    await store.clear();
    expect(await store.get('a', NOW)).toBeUndefined();
    expect((await other.get('a', NOW))?.value).toBe(2);
    await store.set([entry('b', 3)], policy());
    expect((await store.get('b', NOW))?.value).toBe(3);
  });

  it('sees a deletion of its cache from outside and writes to the recreated cache', async () => {
    await store.set([entry('a', 1)], policy());
    await caches.delete(cacheStorageName(location));
    expect(await store.get('a', NOW)).toBeUndefined();
    await store.set([entry('b', 2)], policy());
    expect(await storedKeys()).toEqual(['b']);
  });

  it('retries a write once when the platform fails it with a DOMException, not a quota error', async () => {
    const put = vi.spyOn(FakeCache.prototype, 'put');
    put.mockRejectedValueOnce(new DOMException('cache closed', 'InvalidStateError'));
    await store.set([entry('a', new Response('streamed'))], policy());
    expect(await ((await store.get('a', NOW))?.value as Response).text()).toBe('streamed');

    put.mockRejectedValueOnce(new DOMException('gone', 'InvalidStateError')).mockRejectedValueOnce(new DOMException('gone', 'InvalidStateError'));
    await expect(store.set([entry('b', 1)], policy())).rejects.toThrow('gone');

    const quota = new DOMException('full', 'QuotaExceededError');
    put.mockRejectedValueOnce(quota);
    await expect(store.set([entry('c', 1)], policy())).rejects.toBe(quota);
    expect(await store.get('c', NOW)).toBeUndefined();
  });

  it('declares its capabilities', () => {
    expect(store.backend).toBe('cache-storage');
    expect(store.location).toBe(location);
    expect(cacheStorageName('')).toBe('cachette');
    expect(cacheStorageName('pages')).toBe('cachette:pages');
    expect(store.capabilities).toEqual({ sharing: 'origin', values: 'json', nativeResponses: true });
  });

  it('runs every write under the exclusive lock named for the location', async () => {
    const names: string[] = [];
    const locks = {
      request: vi.fn((name: string, options: LockOptions, fn: () => Promise<unknown>) => {
        names.push(`${name} ${options.mode ?? ''}`);
        return fn();
      }),
    };
    vi.spyOn(navigator, 'locks', 'get').mockReturnValue(locks as unknown as LockManager);
    // Opening the index takes the lock too, once: a created index empties the Cache under it.
    await store.get('a', NOW);
    expect(names).toEqual([`cachette:cache-storage:${location} exclusive`]);
    names.length = 0;
    await store.set([entry('a', 1)], policy());
    await store.add(entry('b', 1), policy());
    await store.update('a', NOW, (e) => e);
    await store.touch('a', NOW + MINUTE, NOW);
    await store.move('a', 'c', NOW);
    await store.delete(['c'], NOW);
    await store.clear();
    const lock = `cachette:cache-storage:${location} exclusive`;
    expect(names).toEqual(Array.from({ length: 7 }, () => lock));
    await store.get('b', NOW);
    expect(names).toHaveLength(7);
  });
});

/** The keys the index beside the Cache holds records for, read over a separate connection. */
async function indexKeys(): Promise<string[]> {
  const db = await openDB(cacheStorageIndexName(location));
  try {
    return (await db.getAllKeys(STORE)) as string[];
  } finally {
    db.close();
  }
}

/** Waits until `check` holds (a repair runs in the background after the read that found it). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('timed out');
}

describe('cache-storage store: the index beside the Cache', () => {
  it('keeps each entry as a body in the Cache and a record in the index', async () => {
    await store.set([entry('a', 1), entry('b', 2, { tags: ['t'] })], policy());
    expect((await storedKeys()).sort()).toEqual(['a', 'b']);
    expect((await indexKeys()).sort()).toEqual(['a', 'b']);
  });

  it('never lists the Cache to cull, expire, invalidate by tag or prefix, or list', async () => {
    const keys = vi.spyOn(FakeCache.prototype, 'keys');
    const p = policy({ maxEntries: 6, cullFrequency: 3 });
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) await store.set([entry(`p:${key}`, key, { tags: [key] })], p);
    await store.deleteTagged(['c'], NOW);
    expect(await store.deletePrefix('p:d', NOW)).toBe(1);
    await store.set([entry('old', 1, { expires: NOW + 1 })], p);
    expect((await store.list(NOW + 5)).map((info) => info.key).sort()).toEqual(['p:e', 'p:f', 'p:g']);
    expect(keys).not.toHaveBeenCalled();
    // What the index removed, the Cache no longer holds either.
    expect((await storedKeys()).sort()).toEqual(['old', 'p:e', 'p:f', 'p:g']);
  });

  it('a body without its record (the index entry deleted from devtools) is a miss, and the body goes', async () => {
    await store.set([entry('a', 1), entry('b', 2)], policy());
    const db = await openDB(cacheStorageIndexName(location));
    await db.delete(STORE, 'a');
    db.close();
    expect(await store.get('a', NOW)).toBeUndefined();
    await eventually(async () => !(await storedKeys()).includes('a'));
    expect((await store.get('b', NOW))?.value).toBe(2);
  });

  it('a record without its body (the response deleted from devtools) is a miss, and the record goes', async () => {
    await store.set([entry('a', 1), entry('b', 2)], policy());
    await (await caches.open(cacheStorageName(location))).delete('https://cachette.invalid/a');
    expect(await store.get('a', NOW)).toBeUndefined();
    expect(await store.add(entry('a', 3), policy())).toBe(true);
    expect((await store.get('a', NOW))?.value).toBe(3);
    await (await caches.open(cacheStorageName(location))).delete('https://cachette.invalid/b');
    expect(await store.get('b', NOW)).toBeUndefined();
    await eventually(async () => !(await indexKeys()).includes('b'));
    expect(await indexKeys()).toEqual(['a']);
  });

  it('a record that fails to write takes its body with it, and the error reaches the caller', async () => {
    await store.set([entry('kept', 1)], policy());
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementationOnce(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    await expect(store.set([entry('a', 1)], policy())).rejects.toThrow(/full/);
    put.mockRestore();
    expect(await storedKeys()).toEqual(['kept']);
    expect(await indexKeys()).toEqual(['kept']);
    expect((await store.get('kept', NOW))?.value).toBe(1);
  });

  it('an expired entry read is a miss and repairs nothing: both halves stay for the next cull', async () => {
    await store.set([entry('old', 1, { expires: NOW + 1 })], policy());
    expect(await store.get('old', NOW + 5)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await storedKeys()).toEqual(['old']);
    expect(await indexKeys()).toEqual(['old']);
  });

  it('the index deleted under the store: the Cache, whose bodies have no facts now, is emptied; writes go on', async () => {
    await store.set([entry('a', 1)], policy());
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(cacheStorageIndexName(location));
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error as Error);
    });
    expect(await store.get('a', NOW)).toBeUndefined();
    expect(await storedKeys()).toEqual([]);
    await store.set([entry('b', 2)], policy());
    expect((await store.get('b', NOW))?.value).toBe(2);
    expect(await storedKeys()).toEqual(['b']);
  });

  it('the Cache deleted under the index: its records name nothing, and a listing drops them', async () => {
    await store.set([entry('a', 1), entry('b', 2)], policy());
    await caches.delete(cacheStorageName(location));
    expect(await store.list(NOW)).toEqual([]);
    expect(await indexKeys()).toEqual([]);
  });

  it('a Cache written before the index existed (facts in headers only) is emptied when the index is created', async () => {
    const cache = await caches.open(cacheStorageName(location));
    const headers = { 'x-cachette-key': '"old"', 'x-cachette-expires': 'never', 'x-cachette-tags': '[]', 'x-cachette-size': '1', 'x-cachette-used': String(NOW), 'x-cachette-type': 'json' };
    await cache.put('https://cachette.invalid/old', new Response('"v"', { headers }));
    expect(await store.get('old', NOW)).toBeUndefined();
    expect(await storedKeys()).toEqual([]);
  });
});
