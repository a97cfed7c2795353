/**
 * Where an origin stands with each invalidation hub it connected to: the hub's URL and the
 * id of the last event applied. Kept in IndexedDB so every tab and the worker read the same
 * thing: a tab taking over the connection resumes from it, and the worker, starting after
 * every tab was closed, knows which hub to catch up with and from where.
 *
 * Runtime-neutral: pages, workers, and Node given an IndexedDB (`fake-indexeddb`).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { describe } from './options.js';

/** One hub's record. */
export interface PushState {
  /** The hub's absolute URL (as `connectInvalidations` resolved it): the record's key. */
  url: string;
  /** The id of the last event applied, `''` before any: resume after it (`Last-Event-ID`). */
  lastId: string;
  /** When it was last written, in ms since the epoch. */
  updatedAt: number;
}

/** How `writePushState` writes. */
export interface WritePushStateOptions {
  /**
   * Write `lastId` even when the stored id is later. Only a `reset` needs it: the hub's
   * latest id is then the place to resume from, whatever was stored. Default false.
   */
  replace?: boolean;
  /** The time to stamp, ms since the epoch; default `Date.now()` (inject a clock in tests). */
  now?: number;
}

/** The database every context shares (one per origin). */
export const PUSH_DATABASE = 'cachette-push';
const STORE = 'hubs';
const SCHEMA_VERSION = 1;
const MAX_URL = 2048;
const MAX_ID = 1024;

interface PushDb extends DBSchema {
  // Records are `unknown` until checked: another version or a corrupt profile may have written anything.
  hubs: { key: string; value: unknown };
}

/**
 * The record of the hub at `url`, or `undefined` when no page connected to it (or the
 * record is unreadable). Rejects only when IndexedDB itself fails or is missing.
 * @example const state = await readPushState('https://app.test/cachette/events'); state?.lastId // '1732780000000-0'
 */
export async function readPushState(url: string): Promise<PushState | undefined> {
  checkUrl(url, 'readPushState');
  return withDb(async (db) => asPushState(await db.get(STORE, url)));
}

/**
 * Every hub's record, the most recently written first. A site connects to one hub, so the
 * worker's question "which hub, and from where?" is `(await listPushStates())[0]`.
 * @example const [latest] = await listPushStates(); if (latest) catchUp(latest.url, latest.lastId);
 */
export async function listPushStates(): Promise<PushState[]> {
  // The worker asks on every start: where no page ever connected, do not create the database.
  if (!(await mayExist())) return [];
  const records = await withDb((db) => db.getAll(STORE));
  const states = records.map(asPushState).filter((s): s is PushState => s !== undefined);
  return states.sort((a, b) => b.updatedAt - a.updatedAt);
}

/**
 * Records that the events of the hub at `url` up to `lastId` are applied, and resolves with
 * the record as now stored. The id never moves back (ids always increase; the worker and a
 * tab may write concurrently): an earlier id than the stored one only refreshes `updatedAt`,
 * unless `replace`. Write it only once the event is applied: it is where the next
 * connection resumes.
 * @example await writePushState(hub, '1732780000000-3');
 */
export async function writePushState(url: string, lastId: string, options: WritePushStateOptions = {}): Promise<PushState> {
  checkUrl(url, 'writePushState');
  if (typeof lastId !== 'string' || lastId.length > MAX_ID) {
    throw new TypeError(`cachette: writePushState lastId must be an event id (a string of at most ${MAX_ID} characters, '' for none), got ${describe(lastId)}`);
  }
  const { replace = false, now = Date.now() } = options;
  if (typeof replace !== 'boolean') throw new TypeError(`cachette: writePushState replace must be a boolean, got ${describe(replace)}`);
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new TypeError(`cachette: writePushState now must be a time in ms, got ${describe(now)}`);
  return withDb(async (db) => {
    const tx = db.transaction(STORE, 'readwrite');
    // Every request and tx.done are awaited together, so a failure rejects once, with the request's error first.
    const [state] = await Promise.all([
      (async () => {
        const stored = asPushState(await tx.store.get(url));
        const next: PushState = { url, lastId: replace || !stored ? lastId : laterEventId(stored.lastId, lastId), updatedAt: now };
        await tx.store.put(next);
        return next;
      })(),
      tx.done,
    ]);
    return state;
  });
}

/**
 * Orders hub event ids: negative when `a` comes before `b`. Ids are Redis-stream style,
 * `<ms>-<seq>`, compared as numbers; `''` (none yet) comes before every id. Ids of another
 * shape compare as strings (shorter first), so a hub with its own scheme still moves forward.
 * @example compareEventIds('1700000000000-10', '1700000000000-9') > 0 // true
 */
export function compareEventIds(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return -1;
  if (b === '') return 1;
  const x = STREAM_ID.exec(a);
  const y = STREAM_ID.exec(b);
  if (x && y) return compareDigits(x[1]!, y[1]!) || compareDigits(x[2]!, y[2]!);
  return compareDigits(a, b);
}

/**
 * The later of two hub event ids (see `compareEventIds`).
 * @example laterEventId('', '5-0') // '5-0'
 */
export function laterEventId(a: string, b: string): string {
  return compareEventIds(a, b) >= 0 ? a : b;
}

const STREAM_ID = /^(\d+)-(\d+)$/;

/** Compares digit strings of any length as numbers (and any other strings by length, then text). */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=.)/, '');
  const y = b.replace(/^0+(?=.)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Opens the database for one call and closes it after. These calls are rare (one per pushed
 * event, one per connection), and a connection kept open would block a devtools "Clear
 * storage" or another version of this code upgrading the schema.
 */
async function withDb<T>(work: (db: IDBPDatabase<PushDb>) => Promise<T>): Promise<T> {
  if (typeof indexedDB === 'undefined') {
    throw new Error(
      "cachette: the invalidation push state needs IndexedDB, which this environment does not provide; in Node import 'fake-indexeddb/auto' first",
    );
  }
  const db = await openDB<PushDb>(PUSH_DATABASE, SCHEMA_VERSION, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) database.createObjectStore(STORE, { keyPath: 'url' });
    },
    // Another context upgrades or deletes the database: step aside (this call fails and the caller reports it).
    blocking: (_current, _blocked, event) => (event.target as IDBDatabase).close(),
  });
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

/** Whether the database may exist (`indexedDB.databases()` where the platform has it). */
async function mayExist(): Promise<boolean> {
  if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return true;
  const names = await indexedDB.databases();
  return names.some((info) => info.name === PUSH_DATABASE);
}

function asPushState(record: unknown): PushState | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const r = record as Record<string, unknown>;
  if (typeof r.url !== 'string' || typeof r.lastId !== 'string' || typeof r.updatedAt !== 'number') return undefined;
  return { url: r.url, lastId: r.lastId, updatedAt: r.updatedAt };
}

function checkUrl(url: unknown, where: string): asserts url is string {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_URL) {
    throw new TypeError(`cachette: ${where} takes the hub's absolute URL (a non-empty string), got ${describe(url)}`);
  }
}
