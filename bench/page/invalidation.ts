/**
 * Invalidation fan-out across four tabs and the worker. The same page runs in four tabs of
 * one origin, `?role=A` … `?role=D`; every tab configures Cachette, subscribes
 * `onInvalidate` and registers bench/workers/invalidation-sw.ts (Cachette's `cacheSite`).
 * Tab A coordinates: it waits for B, C, D, then runs, interleaved in shuffled order each
 * round, Cachette's `invalidate({ keys: ['k'] })` and raw baselines (a BroadcastChannel post;
 * that post plus a `postMessage` echo from the worker; a hand-written invalidation of IDB
 * delete, post and worker-side IDB delete; the echo alone; an IDB delete alone). After each
 * step (untimed) it collects from every receiver the time it heard of it (`timeOrigin +
 * now()` in each context: comparable across contexts only as far as each process's time
 * origin agrees, so A also estimates each receiver's offset by ping-pong, before and after).
 * Only A reports to the runner (bench/invalidation.mjs).
 *
 * Channel names are repeated in bench/workers/invalidation-sw.ts.
 */
import { defineCaches, getCache, invalidate, onInvalidate } from '../../src/index.js';
import { register } from '../../src/page/index.js';
import { assertIsolated, numberParam, runAndReport, timerResolution } from './lib/harness.js';
import { shuffle, mulberry32 } from './lib/random.js';

const REPORT_CHANNEL = 'bench-inv-report';
const RAW_CHANNEL = 'bench-inv-raw';
const SYNC_CHANNEL = 'bench-inv-sync';
const CONTROL_CHANNEL = 'bench-inv-control';
const RECEIVER_TABS = ['B', 'C', 'D'] as const;
/** Everyone who hears A's invalidations and raw broadcasts: the other tabs and the worker. */
const RECEIVERS = [...RECEIVER_TABS, 'W'] as const;
const KEY = 'k';
const VALUE = { id: 17, title: 'Top authors', items: Array.from({ length: 8 }, (_, i) => ({ id: i, name: `Author ${i}` })) };
const RAW_IDB_NAME = 'bench-inv-raw';
const RAW_IDB_STORE = 'kv';
const REPORT_TIMEOUT_MS = 5_000;
const READY_TIMEOUT_MS = 40_000;
const OPS = ['cachette', 'raw-equivalent', 'raw-bc', 'raw-bc+sw', 'raw-sw', 'raw-idb-delete'] as const;

type Role = 'A' | (typeof RECEIVERS)[number];
type Op = (typeof OPS)[number];
type Kind = 'cachette' | 'raw-bc';
/** A receiver's answer to A's `collect`: when it heard `key` (`<kind>:<n>`). */
interface Report {
  type: 'report';
  role: Role;
  key: string;
  t: number;
  /** The worker only: when Cachette's `postMessage` of that invalidation arrived. */
  posted?: number;
  /** The worker only, with `probe=1`: when its broadcast arrived (NaN without). */
  broadcast?: number;
}
interface SyncSample {
  t0: number;
  t: number;
  t1: number;
}

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const role = (new URLSearchParams(location.search).get('role') ?? 'A') as Role;
document.title = `${role}: ${document.title}`;
const status = document.querySelector('#status')!;

if (role === 'A') void runAndReport(coordinate);
else if ((RECEIVER_TABS as readonly string[]).includes(role)) void receive().catch((error: unknown) => failReceiver(error));
else status.textContent = `unknown role ${role}`;

/** What every tab does: caches, the listener, the worker. */
async function setUp(onInvalidated: () => void): Promise<{ mem: ReturnType<typeof getCache>; idb: ReturnType<typeof getCache> }> {
  assertIsolated();
  defineCaches({ default: { backend: 'idb', location: 'bench-inv' }, mem: { backend: 'memory' } });
  const idb = getCache();
  const mem = getCache('mem');
  onInvalidate(onInvalidated);
  await mem.set(KEY, VALUE, null);
  await register('/sw.js', { scope: '/', timeout: 30_000 });
  return { idb, mem };
}

// ---------------------------------------------------------------- receivers (B, C, D)

async function receive(): Promise<void> {
  // What this tab heard, kept until A collects it (after the timed part of each step, so
  // reporting never competes with what is being timed).
  const heard = new Map<string, number>();
  const asked = new Set<string>();
  const reports = new BroadcastChannel(REPORT_CHANNEL);
  const answer = (key: string): void => {
    const t = heard.get(key);
    if (t === undefined || !asked.has(key)) return;
    heard.delete(key);
    asked.delete(key);
    reports.postMessage({ type: 'report', role, key, t } satisfies Report);
  };
  const hear = (key: string, t: number): void => {
    heard.set(key, t);
    answer(key);
  };
  let invalidations = 0;
  const { mem } = await setUp(() => {
    const t = now();
    invalidations += 1;
    hear(`cachette:${invalidations}`, t);
  });
  reports.onmessage = (event: MessageEvent<{ type: string; key: string }>) => {
    if (event.data?.type !== 'collect') return;
    const { key } = event.data;
    // Untimed: put the key back, so the next invalidation has something to delete here too.
    void mem.set(KEY, VALUE, null).then(() => {
      asked.add(key);
      answer(key);
    });
  };

  const raw = new BroadcastChannel(RAW_CHANNEL);
  raw.onmessage = (event: MessageEvent<{ seq: number }>) => {
    hear(`raw-bc:${event.data.seq}`, now());
  };
  const sync = new BroadcastChannel(SYNC_CHANNEL);
  sync.onmessage = (event: MessageEvent<{ type: string; to: string; seq: number }>) => {
    if (event.data?.type === 'ping' && event.data.to === role) sync.postMessage({ type: 'pong', from: role, seq: event.data.seq, t: now() });
  };

  const control = new BroadcastChannel(CONTROL_CHANNEL);
  const ready = () =>
    control.postMessage({
      type: 'ready',
      role,
      crossOriginIsolated,
      timerResolutionMs: timerResolution(),
      controlled: navigator.serviceWorker.controller !== null,
      visibilityState: document.visibilityState,
      timeOrigin: performance.timeOrigin,
    });
  control.onmessage = (event: MessageEvent<{ type: string }>) => {
    if (event.data?.type === 'hello') ready();
    if (event.data?.type === 'done') status.textContent = `done (${invalidations} invalidations heard)`;
  };
  ready();
  status.textContent = 'ready';
}

function failReceiver(error: unknown): void {
  const message = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  console.error(error);
  status.textContent = `failed: ${message}`;
  new BroadcastChannel(CONTROL_CHANNEL).postMessage({ type: 'failed', role, error: message });
}

// ---------------------------------------------------------------- coordinator (A)

async function coordinate(): Promise<unknown> {
  const config = {
    warmup: numberParam('warmup', 50),
    rounds: numberParam('rounds', 400),
    syncPings: numberParam('syncPings', 100),
    /** How long A waits after each step before collecting the receivers' times. */
    settleMs: numberParam('settleMs', 10),
    /** 1: the worker also listens on a second `cachette` channel, to time the broadcast's arrival (one more delivery). */
    probe: numberParam('probe', 0),
    seed: numberParam('seed', 1),
  };
  let localInvalidations = 0;
  let localT: number | undefined;
  const { idb, mem } = await setUp(() => {
    localT = now();
    localInvalidations += 1;
  });
  const control = new BroadcastChannel(CONTROL_CHANNEL);
  status.textContent = 'waiting for tabs B, C, D…';
  const tabs = await waitForTabs(control);
  const worker = await askWorker<{ crossOriginIsolated: boolean; timeOrigin: number; invalidations: number }>({ bench: 'hello', probe: config.probe === 1 });
  if (!worker.crossOriginIsolated) throw new Error('the worker is not cross-origin isolated: its clock would step by 100 µs');

  const inbox = new Inbox();
  const sync = new BroadcastChannel(SYNC_CHANNEL);
  const raw = new BroadcastChannel(RAW_CHANNEL);
  const rawDb = await openRawDb();

  status.textContent = 'clock sync…';
  const syncBefore = await syncClocks(sync, config.syncPings);

  const samples = {
    invalidateMs: [] as number[],
    localListenerMs: [] as number[],
    cachette: Object.fromEntries(RECEIVERS.map((r) => [r, [] as number[]])) as Record<string, number[]>,
    workerPostedArrivalMs: [] as number[],
    workerBroadcastArrivalMs: [] as number[],
    rawBc: Object.fromEntries(RECEIVERS.map((r) => [r, [] as number[]])) as Record<string, number[]>,
    rawBcSw: Object.fromEntries(RECEIVERS.map((r) => [r, [] as number[]])) as Record<string, number[]>,
    rawBcSwRoundTripMs: [] as number[],
    rawEquivalent: Object.fromEntries(RECEIVERS.map((r) => [r, [] as number[]])) as Record<string, number[]>,
    rawEquivalentMs: [] as number[],
    rawSwRoundTripMs: [] as number[],
    rawSwOneWayMs: [] as number[],
    rawIdbDeleteMs: [] as number[],
  };
  let rawSeq = 0;

  const runOp = async (op: Op, measured: boolean): Promise<void> => {
    switch (op) {
      case 'cachette': {
        // Untimed: the key exists where A can delete it (B, C, D put theirs back after each).
        await idb.set(KEY, VALUE, null);
        await mem.set(KEY, VALUE, null);
        const n = localInvalidations + 1;
        localT = undefined;
        const t0 = now();
        await invalidate({ keys: [KEY] });
        const t1 = now();
        await sleep(config.settleMs);
        const heard = await inbox.collect('cachette', n, RECEIVERS);
        if (localInvalidations !== n || localT === undefined) throw new Error(`A's own onInvalidate listener fired ${localInvalidations} times for ${n} invalidations`);
        if (!measured) return;
        samples.invalidateMs.push(t1 - t0);
        samples.localListenerMs.push(localT - t0);
        for (const r of RECEIVERS) samples.cachette[r]!.push(heard.get(r)!.t - t0);
        samples.workerPostedArrivalMs.push((heard.get('W')!.posted ?? Number.NaN) - t0);
        if (config.probe === 1) samples.workerBroadcastArrivalMs.push((heard.get('W')!.broadcast ?? Number.NaN) - t0);
        return;
      }
      case 'raw-bc': {
        rawSeq += 1;
        const seq = rawSeq;
        const t0 = now();
        raw.postMessage({ seq });
        await sleep(config.settleMs);
        const heard = await inbox.collect('raw-bc', seq, RECEIVERS);
        if (!measured) return;
        for (const r of RECEIVERS) samples.rawBc[r]!.push(heard.get(r)!.t - t0);
        return;
      }
      case 'raw-equivalent': {
        // A hand-written invalidation with the same steps, in raw platform calls: delete from
        // IndexedDB here, broadcast, then ask the worker to delete from its own database and
        // wait for its answer. The worker's time is when its delete is done (as its listener's).
        await rawIdb(rawDb, (store) => store.put(VALUE, KEY));
        rawSeq += 1;
        const seq = rawSeq;
        const t0 = now();
        await rawIdb(rawDb, (store) => store.delete(KEY));
        raw.postMessage({ seq });
        const { t: workerDone } = await askWorker<{ t: number }>({ bench: 'delete-echo' });
        const t1 = now();
        await sleep(config.settleMs);
        const heard = await inbox.collect('raw-bc', seq, RECEIVERS);
        if (!measured) return;
        samples.rawEquivalentMs.push(t1 - t0);
        for (const r of RECEIVER_TABS) samples.rawEquivalent[r]!.push(heard.get(r)!.t - t0);
        samples.rawEquivalent.W!.push(workerDone - t0);
        return;
      }
      case 'raw-bc+sw': {
        // The two messages Cachette's invalidate sends (a broadcast, then a postMessage to the
        // worker, awaiting its answer), with no storage work on either side.
        rawSeq += 1;
        const seq = rawSeq;
        const t0 = now();
        raw.postMessage({ seq });
        await askWorker<{ t: number }>({ bench: 'echo' });
        const t1 = now();
        await sleep(config.settleMs);
        const heard = await inbox.collect('raw-bc', seq, RECEIVERS);
        if (!measured) return;
        samples.rawBcSwRoundTripMs.push(t1 - t0);
        for (const r of RECEIVERS) samples.rawBcSw[r]!.push(heard.get(r)!.t - t0);
        return;
      }
      case 'raw-sw': {
        const t0 = now();
        const { t } = await askWorker<{ t: number }>({ bench: 'echo' });
        const t1 = now();
        if (!measured) return;
        samples.rawSwRoundTripMs.push(t1 - t0);
        samples.rawSwOneWayMs.push(t - t0);
        return;
      }
      case 'raw-idb-delete': {
        await rawIdb(rawDb, (store) => store.put(VALUE, KEY));
        const t0 = now();
        await rawIdb(rawDb, (store) => store.delete(KEY));
        const t1 = now();
        if (measured) samples.rawIdbDeleteMs.push(t1 - t0);
        return;
      }
    }
  };

  status.textContent = 'measuring…';
  const random = mulberry32(config.seed);
  const order = [...OPS];
  const started = performance.now();
  for (let round = 0; round < config.warmup + config.rounds; round += 1) {
    shuffle(order, random);
    for (const op of order) await runOp(op, round >= config.warmup);
  }
  const interleavedMs = performance.now() - started;

  status.textContent = 'clock sync…';
  const syncAfter = await syncClocks(sync, config.syncPings);
  const workerAfter = await askWorker<{ invalidations: number }>({ bench: 'hello' });
  control.postMessage({ type: 'done' });
  rawDb.close();
  status.textContent = 'done';
  return {
    userAgent: navigator.userAgent,
    crossOriginIsolated,
    timerResolutionMs: timerResolution(),
    config,
    tabs: { A: { visibilityState: document.visibilityState, timeOrigin: performance.timeOrigin }, ...tabs },
    worker: { ...worker, invalidationsAfter: workerAfter.invalidations, scriptURL: navigator.serviceWorker.controller?.scriptURL ?? null },
    invalidations: localInvalidations,
    interleavedMs,
    sync: { before: syncBefore, after: syncAfter },
    samples,
    stray: inbox.stray,
  };
}

/** Asks B, C, D to say they are ready (they also say so once on their own) until all have. */
function waitForTabs(control: BroadcastChannel): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const tabs: Record<string, unknown> = {};
    const finish = (error?: Error) => {
      clearInterval(poll);
      clearTimeout(timer);
      control.onmessage = null;
      if (error) reject(error);
      else resolve(tabs);
    };
    control.onmessage = (event: MessageEvent<{ type: string; role: string; error?: string; controlled?: boolean; crossOriginIsolated?: boolean }>) => {
      const data = event.data;
      if (data?.type === 'failed') finish(new Error(`tab ${data.role} failed: ${data.error}`));
      if (data?.type !== 'ready') return;
      if (!data.crossOriginIsolated) finish(new Error(`tab ${data.role} is not cross-origin isolated`));
      if (!data.controlled) finish(new Error(`tab ${data.role} is not controlled by the worker`));
      tabs[data.role] = data;
      if (RECEIVER_TABS.every((r) => r in tabs)) finish();
    };
    const poll = setInterval(() => control.postMessage({ type: 'hello' }), 250);
    const timer = setTimeout(
      () => finish(new Error(`tabs ${RECEIVER_TABS.filter((r) => !(r in tabs)).join(', ')} not ready within ${READY_TIMEOUT_MS / 1000} s`)),
      READY_TIMEOUT_MS,
    );
    control.postMessage({ type: 'hello' });
  });
}

/** Posts `data` to the controlling worker with a port and resolves to its answer. */
function askWorker<T>(data: unknown): Promise<T> {
  const controller = navigator.serviceWorker.controller;
  if (!controller) return Promise.reject(new Error('the page is not controlled by the worker'));
  const { port1, port2 } = new MessageChannel();
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not answer ${JSON.stringify(data)} within ${REPORT_TIMEOUT_MS} ms`)), REPORT_TIMEOUT_MS);
    port1.onmessage = (event: MessageEvent<T>) => {
      clearTimeout(timer);
      port1.close();
      resolve(event.data);
    };
    controller.postMessage(data, [port2]);
  });
}

/** NTP-style ping-pong with every receiver over a BroadcastChannel: each sample is A's send and receive times and the receiver's time. */
async function syncClocks(sync: BroadcastChannel, pings: number): Promise<Record<string, SyncSample[]>> {
  const out: Record<string, SyncSample[]> = {};
  let seq = 0;
  for (const to of RECEIVERS) {
    out[to] = [];
    for (let i = 0; i < pings; i += 1) {
      seq += 1;
      const mine = seq;
      const pong = new Promise<{ t: number; t1: number }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no clock-sync answer from ${to} within ${REPORT_TIMEOUT_MS} ms`)), REPORT_TIMEOUT_MS);
        sync.onmessage = (event: MessageEvent<{ type: string; from: string; seq: number; t: number }>) => {
          const t1 = now();
          if (event.data?.type !== 'pong' || event.data.seq !== mine) return;
          clearTimeout(timer);
          resolve({ t: event.data.t, t1 });
        };
      });
      const t0 = now();
      sync.postMessage({ type: 'ping', to, seq: mine });
      const { t, t1 } = await pong;
      out[to]!.push({ t0, t, t1 });
    }
  }
  sync.onmessage = null;
  return out;
}

/** Collects the receivers' times for one step on the report channel. */
class Inbox {
  readonly #channel = new BroadcastChannel(REPORT_CHANNEL);
  readonly #got = new Map<string, Report>();
  readonly stray: string[] = [];
  #key: string | undefined;
  #waiter: (() => void) | undefined;

  constructor() {
    this.#channel.onmessage = (event: MessageEvent<Report>) => {
      const data = event.data;
      if (data?.type !== 'report') return;
      if (data.key !== this.#key) this.stray.push(`${data.role} reported ${data.key} while ${this.#key ?? 'nothing'} was collected`);
      else if (this.#got.has(data.role)) this.stray.push(`${data.role} reported ${data.key} twice`);
      else this.#got.set(data.role, data);
      this.#waiter?.();
    };
  }

  /** Asks every receiver for the time it heard `<kind>:<n>`; resolves once all of `roles` answered. */
  async collect(kind: Kind, n: number, roles: readonly string[]): Promise<Map<string, Report>> {
    const key = `${kind}:${n}`;
    this.#key = key;
    this.#got.clear();
    const complete = () => roles.every((r) => this.#got.has(r));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        const missing = roles.filter((r) => !this.#got.has(r));
        reject(new Error(`collecting ${key}: ${missing.join(', ')} did not answer within ${REPORT_TIMEOUT_MS} ms (a receiver that missed a message never hears that key)`));
      }, REPORT_TIMEOUT_MS);
      this.#waiter = () => {
        if (!complete()) return;
        clearTimeout(timer);
        this.#waiter = undefined;
        resolve();
      };
      this.#channel.postMessage({ type: 'collect', key });
    });
    this.#key = undefined;
    return new Map(this.#got);
  }
}

function openRawDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(RAW_IDB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(RAW_IDB_STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error(`opening '${RAW_IDB_NAME}' is blocked`));
  });
}

/** One request in its own readwrite transaction (relaxed durability, as Cachette's writes), resolved on commit. */
function rawIdb(db: IDBDatabase, request: (store: IDBObjectStore) => IDBRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(RAW_IDB_STORE, 'readwrite', { durability: 'relaxed' });
    request(tx.objectStore(RAW_IDB_STORE));
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}


