/**
 * What only the `idb` store shows, tested on the store itself over fake IndexedDB: reads
 * never write, LRU stamps ride on the next write, culling inside one transaction, rollback
 * of an unstorable write, recovery when the connection is closed under the store, and
 * records that are not entries (an older version's, a corrupt profile's) read as misses,
 * reported and removed. The shared behaviour through `Cache` is in contract.ts.
 */
import 'fake-indexeddb/auto';
import { forceCloseDatabase } from 'fake-indexeddb';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIdbStore, idbDatabaseName } from '../../src/backends/idb.js';
import { STORE } from '../../src/backends/idb-connection.js';
import { UnstorableValueError } from '../../src/core/errors.js';
import { onCacheError, type ReportedError } from '../../src/core/report.js';
import type { Entry, Store, WritePolicy } from '../../src/core/store.js';
import { defineCaches, getCache } from '../../src/index.js';

const T0 = Date.UTC(2026, 0, 1);
let run = 0;
const stores: Store[] = [];

/** A store over a fresh location, closed after the test. */
function freshStore(): Store {
  run += 1;
  const store = createIdbStore(`test-${run}-${Math.random().toString(36).slice(2, 8)}`);
  stores.push(store);
  return store;
}

function entry(key: string, value: unknown, expires = Infinity): Entry {
  return { key, value, expires, tags: [], size: 1, used: T0 };
}

function policy(maxEntries: number, cullFrequency: number, now = T0): WritePolicy {
  return { maxEntries, cullFrequency, now };
}

/** Every record in the store's database, read over a separate connection. */
async function dump(store: Store): Promise<Entry[]> {
  const db = await openDB(idbDatabaseName(store.location));
  try {
    return (await db.getAll('entries')) as Entry[];
  } finally {
    db.close();
  }
}

async function keys(store: Store): Promise<string[]> {
  return (await dump(store)).map((e) => e.key).sort();
}

/**
 * Writes records straight into the store's database, as an older version or a corrupt profile
 * might, and the records' count beside them, as the upgrade from schema 1 counts what an
 * older version wrote (see 'an older database' below for the upgrade itself).
 */
async function writeRaw(store: Store, records: object[]): Promise<void> {
  await store.get('(opening creates the schema)', T0);
  const db = await openDB(idbDatabaseName(store.location));
  try {
    const tx = db.transaction([STORE, 'meta'], 'readwrite');
    const entries = tx.objectStore(STORE);
    await Promise.all(records.map((record) => entries.put(record)));
    await tx.objectStore('meta').put(await entries.count(), 'count');
    await tx.done;
  } finally {
    db.close();
  }
}

/** The records' count the store keeps beside them. */
async function keptCount(store: Store): Promise<unknown> {
  const db = await openDB(idbDatabaseName(store.location));
  try {
    return await db.get('meta', 'count');
  } finally {
    db.close();
  }
}

/** Sets the kept count by hand, as if it had drifted. */
async function setKeptCount(store: Store, count: number): Promise<void> {
  const db = await openDB(idbDatabaseName(store.location));
  try {
    await db.put('meta', count, 'count');
  } finally {
    db.close();
  }
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error(`deleting ${name} is blocked by an open connection`));
  });
}

/** Captures every raw IDBDatabase the page opens from now on. */
function captureConnections(): { connections: IDBDatabase[]; opens: () => number } {
  const connections: IDBDatabase[] = [];
  const realOpen = indexedDB.open.bind(indexedDB);
  const spy = vi.spyOn(indexedDB, 'open').mockImplementation((name, version) => {
    const request = realOpen(name, version);
    request.addEventListener('success', () => connections.push(request.result));
    return request;
  });
  return { connections, opens: () => spy.mock.calls.length };
}

afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  vi.useRealTimers();
  for (const store of stores.splice(0)) await store.close();
});

describe('idb store', () => {
  it('never returns an expired entry, and leaves it for culling rather than deleting on read', async () => {
    const store = freshStore();
    await store.set([entry('k', 'v', T0 + 1000)], policy(300, 3));
    expect((await store.get('k', T0 + 999))?.value).toBe('v');
    expect(await store.get('k', T0 + 1000)).toBeUndefined();
    expect(await store.getMany(['k'], T0 + 1000)).toEqual(new Map());
    expect(await store.touch('k', Infinity, T0 + 1000)).toBe(false);
    expect(await store.update('k', T0 + 1000, (e) => ({ ...e, value: 'x' }))).toBeUndefined();
    expect(await store.move('k', 'k2', T0 + 1000)).toBe(false);
    expect(await keys(store)).toEqual(['k']);
    expect(await store.add(entry('k', 'new'), policy(300, 3, T0 + 1000))).toBe(true);
    expect((await store.get('k', T0 + 5000))?.value).toBe('new');
  });

  it('reads in one readonly transaction and writes nothing, even the LRU stamp', async () => {
    const store = freshStore();
    await store.set([entry('a', 1), entry('b', 2), entry('c', 3)], policy(300, 3));
    const before = await dump(store);
    const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction');

    const hit = await store.get('a', T0 + 10);
    const many = await store.getMany(['a', 'b', 'c', 'missing'], T0 + 20);

    const modes = transaction.mock.calls.map((call) => call[1] ?? 'readonly');
    expect(modes).toEqual(['readonly', 'readonly']);
    transaction.mockRestore();
    expect(hit?.used).toBeGreaterThan(before.find((e) => e.key === 'a')?.used ?? Infinity);
    expect([...many.keys()]).toEqual(['a', 'b', 'c']);
    expect(await dump(store)).toEqual(before);
  });

  it('flushes pending uses with the next write, so a read item survives culling', async () => {
    const store = freshStore();
    for (const [i, key] of ['a', 'b', 'c', 'd', 'e'].entries()) {
      await store.set([entry(key, key)], policy(5, 5, T0 + i));
    }
    expect((await store.get('a', T0 + 10))?.value).toBe('a');
    await store.set([entry('f', 'f')], policy(5, 5, T0 + 11));
    expect(await keys(store)).toEqual(['a', 'c', 'd', 'e', 'f']);
  });

  it('flushes pending uses on a timer when no write comes, and not after close()', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const store = freshStore();
    await store.set([entry('a', 1)], policy(300, 3));
    const hit = await store.get('a', T0 + 10);
    expect((await dump(store))[0]?.used).toBe(T0);
    await vi.advanceTimersByTimeAsync(2500);
    await vi.waitFor(async () => expect((await dump(store))[0]?.used).toBe(hit?.used));

    const { opens } = captureConnections();
    await store.get('a', T0 + 20);
    expect(vi.getTimerCount()).toBe(1);
    await store.close();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(opens()).toBe(0);
  });

  it.each([
    [3, 29],
    [0, 19],
  ])('culls as Django: maxEntries 30, cullFrequency %i, 49 distinct keys leave %i', async (cullFrequency, left) => {
    const one = freshStore();
    for (let i = 0; i < 49; i += 1) await one.set([entry(`k${i}`, i)], policy(30, cullFrequency, T0 + i));
    expect(await dump(one)).toHaveLength(left);

    // The same in one call: the store culls before each put, inside one transaction.
    const batch = freshStore();
    await batch.set(
      Array.from({ length: 49 }, (_, i) => entry(`k${i}`, i)),
      policy(30, cullFrequency),
    );
    expect(await dump(batch)).toHaveLength(left);
  });

  it('counts overwrites in a batch as no growth', async () => {
    const store = freshStore();
    await store.set([entry('a', 1), entry('b', 1), entry('c', 1)], policy(4, 1));
    // Rewriting 'a' keeps the store at 3 entries, so it is never full and nothing is culled.
    await store.set([entry('a', 2), entry('a', 3), entry('d', 1)], policy(4, 1));
    expect(await keys(store)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps a use recorded while a write carried older ones', async () => {
    const store = freshStore();
    await store.set([entry('a', 1), entry('b', 2)], policy(300, 3));
    const first = await store.get('a', T0 + 1);
    // The write snapshots the first use; the second get's use arrives before it commits.
    const [second] = await Promise.all([store.get('a', T0 + 2), store.set([entry('c', 3)], policy(300, 3, T0 + 3))]);
    expect((await dump(store)).find((e) => e.key === 'a')?.used).toBe(first?.used);
    await store.touch('b', Infinity, T0 + 4);
    expect((await dump(store)).find((e) => e.key === 'a')?.used).toBe(second?.used);
  });

  it('culls expired entries before live ones, then the least recently used', async () => {
    const store = freshStore();
    await store.set([entry('live1', 1), entry('live2', 2), entry('live3', 3)], policy(300, 3, T0));
    await store.set([entry('old1', 1, T0 + 100), entry('old2', 2, T0 + 100)], policy(300, 3, T0 + 1));
    // Full (5), target floor(5/5) = 1: both expired go, and no live one.
    await store.set([entry('f', 'f')], policy(5, 5, T0 + 100));
    expect(await keys(store)).toEqual(['f', 'live1', 'live2', 'live3']);

    await store.set([entry('old3', 3, T0 + 200)], policy(300, 3, T0 + 101));
    // Full (5), target floor(5/2) = 2: the expired one, then live1 (least recently used).
    await store.set([entry('g', 'g')], policy(5, 2, T0 + 200));
    expect(await keys(store)).toEqual(['f', 'g', 'live2', 'live3']);
  });

  it('rejects an unstorable value naming its key, and rolls back every write of that call', async () => {
    const store = freshStore();
    await store.set([entry('a', 1), entry('b', 2), entry('c', 3)], policy(3, 3));
    const before = await dump(store);

    const attempt = store.set([entry('x', 'ok'), entry('y', { f: () => 1 }), entry('z', 'ok')], policy(3, 3, T0 + 1));
    await expect(attempt).rejects.toBeInstanceOf(UnstorableValueError);
    await expect(attempt).rejects.toMatchObject({ storedKey: 'y', reason: expect.stringMatching(/structured-clonable/) });
    // The cull before 'x' and the put of 'x' were in the aborted transaction.
    expect(await dump(store)).toEqual(before);

    // The store still works, and a pending use from before the failed write is not lost.
    await store.get('a', T0 + 2);
    await expect(store.set([entry('w', () => 1)], policy(3, 3, T0 + 3))).rejects.toMatchObject({ storedKey: 'w' });
    await store.set([entry('d', 4)], policy(3, 3, T0 + 4));
    expect(await keys(store)).toEqual(['a', 'c', 'd']);
  });

  it('leaves the value unchanged when an update function throws, and rethrows its error', async () => {
    const store = freshStore();
    await store.set([entry('n', 'not a number')], policy(300, 3));
    const before = await dump(store);
    const failure = new TypeError('not a number');
    await expect(
      store.update('n', T0 + 1, () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    await expect(store.update('n', T0 + 1, (e) => ({ ...e, value: () => 1 }))).rejects.toBeInstanceOf(UnstorableValueError);
    expect(await dump(store)).toEqual(before);

    const updated = await store.update('n', T0 + 2, (e) => ({ ...e, value: `${String(e.value)}!` }));
    expect(updated?.value).toBe('not a number!');
    expect((await store.get('n', T0 + 3))?.value).toBe('not a number!');
  });

  it('add leaves a live key alone without culling; delete reports only live keys', async () => {
    const store = freshStore();
    await store.set([entry('a', 1), entry('b', 2, T0 + 10)], policy(2, 1));
    expect(await store.add(entry('a', 'other'), policy(2, 1, T0 + 10))).toBe(false);
    expect(await keys(store)).toEqual(['a', 'b']);
    expect(await store.delete(['a', 'b', 'missing'], T0 + 10)).toEqual(['a']);
    expect(await keys(store)).toEqual([]);
  });

  it('moves an entry to a new key and touch changes only its expiry', async () => {
    const store = freshStore();
    await store.set([entry(':1:a', 'v')], policy(300, 3));
    const [stored] = await dump(store);
    expect(await store.touch(':1:a', T0 + 50, T0 + 1)).toBe(true);
    expect(await store.move(':1:a', ':2:a', T0 + 1)).toBe(true);
    expect(await dump(store)).toEqual([{ ...stored, key: ':2:a', expires: T0 + 50 }]);
  });

  it('reopens after close()', async () => {
    const store = freshStore();
    const { opens } = captureConnections();
    await store.set([entry('a', 1)], policy(300, 3));
    await store.close();
    expect((await store.get('a', T0))?.value).toBe(1);
    expect(opens()).toBe(2);
  });

  it('steps aside when another context deletes the database, then works on a fresh one', async () => {
    const store = freshStore();
    await store.set([entry('a', 1)], policy(300, 3));
    await deleteDatabase(idbDatabaseName(store.location)); // rejects if our connection blocks it
    expect(await store.get('a', T0)).toBeUndefined();
    await store.set([entry('b', 2)], policy(300, 3));
    expect((await store.get('b', T0))?.value).toBe(2);
  });

  it('retries once on a new connection when its connection was closed behind its back', async () => {
    const store = freshStore();
    const { connections, opens } = captureConnections();
    await store.set([entry('a', 1)], policy(300, 3));
    connections[0]?.close(); // no event tells the store: its next transaction() throws InvalidStateError
    expect((await store.get('a', T0))?.value).toBe(1);
    expect(opens()).toBe(2);

    connections[1]?.close();
    await store.set([entry('b', 2)], policy(300, 3));
    expect(opens()).toBe(3);
    expect(await keys(store)).toEqual(['a', 'b']);
  });

  it('forgets a connection the browser terminated (devtools "Clear storage") before using it again', async () => {
    const store = freshStore();
    const { connections } = captureConnections();
    await store.set([entry('a', 1)], policy(300, 3));
    const terminated = connections[0];
    if (!terminated) throw new Error('no connection captured');
    // fake-indexeddb 6.2 declares the parameter as the class (`typeof FDBDatabase`); it takes a connection.
    (forceCloseDatabase as unknown as (db: IDBDatabase) => void)(terminated);
    const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction');
    expect((await store.get('a', T0))?.value).toBe(1);
    expect(transaction.mock.contexts).not.toContain(terminated);
    expect(connections).toHaveLength(2);
  });

  it('rejects with advice when this realm has no IndexedDB, and recovers once it has', async () => {
    const store = freshStore();
    vi.stubGlobal('indexedDB', undefined);
    await expect(store.get('a', T0)).rejects.toThrow(/IndexedDB.*'memory'.*fake-indexeddb\/auto/);
    vi.unstubAllGlobals();
    expect(await store.get('a', T0)).toBeUndefined();
  });

  it('does not keep a failed open: the next call opens again', async () => {
    const store = freshStore();
    const name = idbDatabaseName(store.location);
    const newer = await openDB(name, 99);
    newer.close();
    await expect(store.get('a', T0)).rejects.toMatchObject({ name: 'VersionError' });
    await deleteDatabase(name);
    expect(await store.get('a', T0)).toBeUndefined();
  });

  it('opens nothing until the first call', async () => {
    const { opens } = captureConnections();
    const store = freshStore();
    expect(opens()).toBe(0);
    await store.get('a', T0);
    expect(opens()).toBe(1);
  });

  it('declares its capabilities', () => {
    const store = freshStore();
    expect(store.backend).toBe('idb');
    expect(store.capabilities).toEqual({ sharing: 'origin' });
    expect(idbDatabaseName('')).toBe('cachette');
    expect(idbDatabaseName('api')).toBe('cachette:api');
  });
});

describe('idb store: the records\' count kept beside them', () => {
  it('count is the kept count less the expired records, and counts the live ones when none is kept', async () => {
    const store = freshStore();
    await store.set([entry('a', 1), entry('b', 2), entry('soon', 3, T0 + 10)], policy(300, 3));
    expect(await store.count(T0)).toBe(3);
    expect(await store.count(T0 + 20)).toBe(2);
    // The kept count is what count reads (it is not recounted): a drifted one shows.
    await setKeptCount(store, 7);
    expect(await store.count(T0 + 20)).toBe(6);
    // Not a count (cleared by hand, or fewer than the expired records): the live records counted.
    await setKeptCount(store, -1);
    expect(await store.count(T0 + 20)).toBe(2);
  });

  it('follows every kind of write, so a write never counts the store', async () => {
    const store = freshStore();
    const expectCount = async () => expect(await keptCount(store)).toBe((await dump(store)).length);
    await store.set([entry('a', 1), entry('b', 2), entry('a', 3), { ...entry('c', 3), tags: ['t'] }], policy(300, 3));
    await expectCount();
    await store.add(entry('a', 9), policy(300, 3)); // held: nothing added
    await store.add(entry('d', 4), policy(300, 3));
    await store.add({ ...entry('e', 5, T0 + 10) }, policy(300, 3));
    await store.add(entry('e', 6), policy(300, 3, T0 + 20)); // replaces the expired one
    await expectCount();
    await store.delete(['a', 'absent'], T0);
    await expectCount();
    await store.move('b', 'd', T0); // onto a held key
    await store.move('d', 'f', T0);
    await expectCount();
    await store.touch('f', Infinity, T0);
    await store.update('f', T0, (e) => ({ ...e, value: 10 }));
    await expectCount();
    await store.deleteTagged(['t'], T0);
    await store.set([entry('p:1', 1), entry('p:2', 2), entry('q:1', 3)], policy(300, 3));
    expect(await store.deletePrefix('p:', T0)).toBe(2);
    await expectCount();
    await store.clear();
    expect(await keptCount(store)).toBe(0);
  });

  it('culls as Django counts: each cull and the writes after it keep the count', async () => {
    const store = freshStore();
    for (let i = 0; i < 49; i += 1) await store.set([entry(`k${i}`, i)], policy(30, 3, T0 + i));
    expect((await dump(store)).length).toBe(29);
    expect(await keptCount(store)).toBe(29);
    await store.set([entry('x', 1)], policy(30, 0, T0 + 50));
    await store.set(Array.from({ length: 35 }, (_, i) => entry(`y${i}`, i)), policy(30, 0, T0 + 51));
    expect(await keptCount(store)).toBe((await dump(store)).length);
  });

  it('an older database (schema 1) is upgraded with its records counted', async () => {
    const location = `v1-${Math.random().toString(36).slice(2, 8)}`;
    const old = await openDB(idbDatabaseName(location), 1, {
      upgrade(db) {
        const entries = db.createObjectStore('entries', { keyPath: 'key' });
        entries.createIndex('expires', 'expires');
        entries.createIndex('used', 'used');
        entries.createIndex('tags', 'tags', { multiEntry: true });
      },
    });
    for (let i = 0; i < 5; i += 1) await old.put('entries', entry(`old${i}`, i));
    old.close();
    const store = createIdbStore(location);
    stores.push(store);
    expect((await store.get('old0', T0))?.value).toBe(0);
    expect(await keptCount(store)).toBe(5);
    // Full at 5: the next write culls floor(5 / 5) = 1 before it adds.
    await store.set([entry('new', 1)], policy(5, 5, T0 + 1));
    expect((await dump(store)).length).toBe(5);
    expect(await keptCount(store)).toBe(5);
  });

  it('a count that drifted: never culls early, and culls at the real count once it says full', async () => {
    const store = freshStore();
    await store.set([entry('a', 1), entry('b', 2), entry('c', 3)], policy(10, 3));
    await setKeptCount(store, 1000); // says full; 3 are there
    await store.set([entry('d', 4)], policy(10, 3));
    expect((await dump(store)).map((e) => e.key).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(await keptCount(store)).toBe(4);
    // Says empty; 4 are there. The count reaches 10 after 10 writes, when 14 are there: one cull, to the real count.
    await setKeptCount(store, 0);
    for (let i = 0; i < 11; i += 1) await store.set([entry(`n${i}`, i)], policy(10, 3, T0 + 1 + i));
    const left = (await dump(store)).length;
    expect(left).toBeLessThan(15);
    expect(await keptCount(store)).toBe(left);
  });
});

describe('idb store: records that are not entries', () => {
  const reports: ReportedError[] = [];
  let stopReports: () => void = () => undefined;
  afterEach(() => stopReports());
  function listen(): void {
    reports.length = 0;
    stopReports = onCacheError((report) => reports.push(report));
  }
  const messages = (): string[] => reports.map((r) => `${r.context} | ${String(r.error)}`);

  /** Records an older version or a corrupt profile could leave; each misses one fact. */
  const MALFORMED: Record<string, object> = {
    'no value': { expires: Infinity, tags: [], size: 1, used: T0 },
    'no expiry': { value: 'v', tags: [], size: 1, used: T0 },
    'a NaN expiry': { value: 'v', expires: NaN, tags: [], size: 1, used: T0 },
    'garbage fields': { value: 'v', expires: 'soon', tags: 'a', size: -1, used: 'yesterday' },
    'tags that are not strings': { value: 'v', expires: Infinity, tags: [1], size: 1, used: T0 },
    'a store time that is not a number': { value: 'v', expires: Infinity, tags: [], size: 1, used: T0, stored: 'yesterday' },
  };

  it.each(Object.entries(MALFORMED))('get of a record with %s: the fallback, reported once, then removed', async (_, fields) => {
    const location = `malformed-get-${++run}-${Math.random().toString(36).slice(2, 8)}`;
    defineCaches({ default: { backend: 'idb', location } }, { clock: { now: () => T0 } });
    const cache = getCache();
    stores.push(cache.store);
    const stored = cache.makeKey('k');
    await writeRaw(cache.store, [{ key: stored, ...fields }]);
    listen();

    expect(await cache.get('k', 'fallback')).toBe('fallback');
    expect(await cache.has('k')).toBe(false);
    expect(await cache.getMany(['k'])).toEqual({});
    expect(reports).toHaveLength(1);
    expect(reports[0]?.error).toBeInstanceOf(TypeError);
    expect(messages()[0]).toContain(`key '${stored}' from the idb store 'cachette:${location}'`);
    expect(messages()[0]).toMatch(/is not a cache entry \(.+\); it is read as a miss and removed/);
    // Removed by a write of its own, which the read does not wait for.
    await vi.waitFor(async () => expect(await dump(cache.store)).toEqual([]));
    expect(reports).toHaveLength(1);
  });

  it('removes a malformed record in its own readwrite transaction, and keeps what another context wrote there since', async () => {
    const tabA = freshStore();
    const tabB = createIdbStore(tabA.location);
    stores.push(tabB);
    await writeRaw(tabA, [{ key: 'k', value: 'old', used: T0 }]);
    await tabB.get('(open the connection)', T0);
    listen();
    const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction');

    // B's write is queued before A's removal (transactions on one store run in creation order).
    const [miss] = await Promise.all([tabA.get('k', T0), tabB.set([entry('k', 'new')], policy(300, 3))]);
    expect(miss).toBeUndefined();
    await vi.waitFor(() => expect(transaction.mock.calls.map((call) => call[1] ?? 'readonly')).toEqual(['readonly', 'readwrite', 'readwrite']));
    await vi.waitFor(async () => expect(await tabA.get('k', T0)).toMatchObject({ value: 'new' }));
    expect((await dump(tabA)).map((e) => e.value)).toEqual(['new']);
    expect(reports).toHaveLength(1);
  });

  it('skips them in getMany and list (the devtools), reports each once, and removes them', async () => {
    const store = freshStore();
    await store.set([entry('a', 1)], policy(300, 3));
    await writeRaw(store, [
      { key: 'b', expires: Infinity, tags: [], size: 1, used: T0 },
      { key: 'c', value: 3, expires: Infinity, tags: 'x', size: 1, used: T0 },
    ]);
    listen();

    expect([...(await store.getMany(['a', 'b', 'c'], T0)).keys()]).toEqual(['a']);
    expect((await store.list(T0)).map((info) => info.key)).toEqual(['a']);
    await vi.waitFor(async () => expect(await keys(store)).toEqual(['a']));
    expect(messages()).toEqual([expect.stringContaining("key 'b'"), expect.stringContaining("key 'c'")]);

    await writeRaw(store, [{ key: 'd', value: 4, expires: T0 + 50, tags: [], size: 1 }]);
    expect((await store.list(T0)).map((info) => info.key)).toEqual(['a']);
    await vi.waitFor(async () => expect(await keys(store)).toEqual(['a']));
    expect(messages()[2]).toMatch(/key 'd'.*'used' is missing/);
  });

  it('treats a malformed holder as absent in add, touch, update, move, delete, deleteTagged and the LRU flush', async () => {
    const store = freshStore();
    const bad = (key: string): object => ({ key, value: 'v', tags: ['t'], size: 1, used: T0 }); // no expiry
    await writeRaw(store, ['add', 'touch', 'update', 'move', 'delete', 'tagged'].map(bad));
    listen();

    expect(await store.add(entry('add', 'added'), policy(300, 3))).toBe(true);
    expect(await store.touch('touch', T0 + 10, T0)).toBe(false);
    expect(await store.update('update', T0, (e) => ({ ...e, value: 'updated' }))).toBeUndefined();
    expect(await store.move('move', 'moved', T0)).toBe(false);
    expect(await store.delete(['delete'], T0)).toEqual([]);
    expect(await store.deleteTagged(['t'], T0)).toEqual([]);
    expect(await keys(store)).toEqual(['add']);
    expect(reports).toHaveLength(6);

    // A hit's LRU stamp is never written onto a record another context has since broken.
    await store.get('add', T0 + 1);
    await writeRaw(store, [bad('add')]);
    await store.set([entry('other', 1)], policy(300, 3, T0 + 2));
    expect(await keys(store)).toEqual(['other']);
    expect(messages()[6]).toMatch(/key 'add'.*'expires' is missing/);
  });

  it('culls malformed records first, even those no index orders, so a full store of them empties', async () => {
    const store = freshStore();
    // Outside the `used` index, or inside it after every number: no LRU query ever reaches them.
    const outside = Array.from({ length: 4 }, (_, i) => ({ key: `m${i}`, value: i, expires: Infinity, tags: [], size: 1 }));
    const after = [
      { key: 'm4', value: 4, expires: Infinity, tags: [], size: 1, used: 'yesterday' },
      { key: 'm5', value: 5, expires: Infinity, tags: [], size: 1, used: Infinity },
      { key: 'm6', value: 6, expires: Infinity, tags: [], size: 1, used: new Date(T0) },
    ];
    // In the indexes, but no entry.
    const inside = [
      { key: 'm7', expires: Infinity, tags: [], size: 1, used: T0 },
      { key: 'm8', value: 8, expires: 'never', tags: [], size: 1, used: T0 },
      { key: 'm9', value: 9, expires: T0 - 1, tags: [], size: 'big', used: T0 },
    ];
    await writeRaw(store, [...outside, ...after, ...inside]);
    listen();

    // Full (10), target floor(10/3) = 3: every malformed record goes before any entry would.
    for (let i = 0; i < 5; i += 1) await store.set([entry(`k${i}`, i)], policy(10, 3, T0 + i));
    expect(await keys(store)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    expect(reports).toHaveLength(1);
    expect(messages()[0]).toMatch(/culling the idb store 'cachette:test-.*' removes 10 records that are not cache entries \(m0: .*; and 7 more\)/);
  });

  it('counts the malformed records it culls toward the target, before the expired and least recently used', async () => {
    const store = freshStore();
    await store.set([entry('a', 1), entry('b', 2), entry('c', 3)], policy(300, 3, T0));
    // 'm1' is in the `used` index, but after every number: only a cull that looks for it finds it.
    await writeRaw(store, [
      { key: 'm1', value: 1, expires: Infinity, tags: [], size: 1, used: 'yesterday' },
      { key: 'm2', expires: Infinity, tags: [], size: 1, used: T0 - 1 },
    ]);
    listen();
    // Full (5), target floor(5/5) = 1: both malformed go, so no entry does.
    await store.set([entry('d', 4)], policy(5, 5, T0 + 1));
    expect(await keys(store)).toEqual(['a', 'b', 'c', 'd']);
    expect(messages()).toEqual([expect.stringMatching(/removes 2 records .*m1: its 'used' is 'yesterday'.*m2: it has no 'value' property/)]);
    // Full again with entries only: Django's order is back (least recently used 'a').
    await store.set([entry('e', 5)], policy(4, 4, T0 + 2));
    expect(await keys(store)).toEqual(['b', 'c', 'd', 'e']);
  });

  it('reads a record written before entries carried their store time: an entry without `stored`', async () => {
    const store = freshStore();
    listen();
    await writeRaw(store, [{ key: 'old', value: 'v', expires: Infinity, tags: [], size: 1, used: T0 }]);
    const hit = await store.get('old', T0);
    expect(hit?.value).toBe('v');
    expect(hit?.stored).toBeUndefined();
    expect(reports).toEqual([]);
  });

  it('keeps a stored undefined as a value: only a missing value property is malformed', async () => {
    const store = freshStore();
    listen();
    await store.set([entry('u', undefined)], policy(300, 3));
    const hit = await store.get('u', T0);
    expect(hit).toBeDefined();
    expect(hit && Object.hasOwn(hit, 'value')).toBe(true);
    expect(hit?.value).toBeUndefined();
    expect(reports).toEqual([]);
  });
});
