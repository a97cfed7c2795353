/**
 * What only the `idb` store shows, tested on the store itself over fake IndexedDB: reads
 * never write, LRU stamps ride on the next write, culling inside one transaction, rollback
 * of an unstorable write, and recovery when the connection is closed under the store.
 * The shared behaviour through `Cache` is in contract.ts.
 */
import 'fake-indexeddb/auto';
import { forceCloseDatabase } from 'fake-indexeddb';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIdbStore, idbDatabaseName } from '../../src/backends/idb.js';
import { UnstorableValueError } from '../../src/core/errors.js';
import type { Entry, Store, WritePolicy } from '../../src/core/store.js';

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
    expect(store.capabilities).toEqual({ sharing: 'origin', atomicUpdate: true, persistent: true });
    expect(idbDatabaseName('')).toBe('cachette');
    expect(idbDatabaseName('api')).toBe('cachette:api');
  });
});
