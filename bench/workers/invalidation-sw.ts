/**
 * The worker of the invalidation fan-out benchmark (bench/invalidation.mjs): Cachette's
 * per-site cache, which sets up its lifecycle and message handling (the invalidation bus
 * on the `cachette` BroadcastChannel and `postMessage` from pages), plus what the benchmark
 * needs to see: the time its `onInvalidate` listener fires, the time a raw BroadcastChannel
 * message arrives, and a raw `postMessage` echo. Times are `timeOrigin + now()` (ms since the
 * epoch, fine-grained: the script is served cross-origin isolated). Each time is kept until
 * the coordinating tab collects it, after the timed part.
 *
 * Channel and message names are repeated in bench/page/invalidation.ts.
 */
import { cacheSite, onInvalidate } from 'cachette/sw';

declare const self: ServiceWorkerGlobalScope;

const REPORT_CHANNEL = 'bench-inv-report';
const RAW_CHANNEL = 'bench-inv-raw';
const SYNC_CHANNEL = 'bench-inv-sync';
const ROLE = 'W';

const now = (): number => performance.timeOrigin + performance.now();

cacheSite();

// What this context heard, kept until the coordinating tab asks for it (after the timed
// part of each step, so reporting never competes with what is being timed).
const heard = new Map<string, number>();
const asked = new Set<string>();
/** When Cachette's `postMessage` of the latest invalidation arrived (the page also broadcasts it). */
let lastPostedArrival = Number.NaN;
/** When its broadcast arrived, heard on a second `cachette` channel: only when the page asks (`probe`), as it adds a delivery. */
let lastBroadcastArrival = Number.NaN;
let probe: BroadcastChannel | undefined;
const reports = new BroadcastChannel(REPORT_CHANNEL);
const answer = (key: string): void => {
  const t = heard.get(key);
  if (t === undefined || !asked.has(key)) return;
  heard.delete(key);
  asked.delete(key);
  const cachette = key.startsWith('cachette:');
  reports.postMessage({ type: 'report', role: ROLE, key, t, posted: cachette ? lastPostedArrival : undefined, broadcast: cachette ? lastBroadcastArrival : undefined });
};
reports.onmessage = (event: MessageEvent<{ type: string; key: string }>) => {
  if (event.data?.type !== 'collect') return;
  asked.add(event.data.key);
  answer(event.data.key);
};
const hear = (key: string, t: number): void => {
  heard.set(key, t);
  answer(key);
};

let invalidations = 0;
onInvalidate(() => {
  const t = now();
  invalidations += 1;
  hear(`cachette:${invalidations}`, t);
});

const raw = new BroadcastChannel(RAW_CHANNEL);
raw.onmessage = (event: MessageEvent<{ seq: number }>) => {
  hear(`raw-bc:${event.data.seq}`, now());
};

// Clock-offset pings from the coordinating page: answered at once, not a task later.
const sync = new BroadcastChannel(SYNC_CHANNEL);
sync.onmessage = (event: MessageEvent<{ type: string; to: string; seq: number }>) => {
  if (event.data?.type === 'ping' && event.data.to === ROLE) sync.postMessage({ type: 'pong', from: ROLE, seq: event.data.seq, t: now() });
};

const RAW_DB = 'bench-inv-raw-sw';
let rawDb: Promise<IDBDatabase> | undefined;

/** Deletes the key from the worker's own database in one readwrite transaction (relaxed, as Cachette's writes). */
async function rawDelete(): Promise<void> {
  rawDb ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(RAW_DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore('kv');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const db = await rawDb;
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction('kv', 'readwrite', { durability: 'relaxed' });
    tx.objectStore('kv').delete('k');
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

// Cachette's own message listener (added first, by cacheSite) ignores these, not being its
// protocol; this one only notes when Cachette's invalidations arrive (the same event, so
// timing it costs no extra message).
self.addEventListener('message', (event) => {
  const data = event.data as { bench?: unknown; cachette?: unknown; type?: unknown } | null;
  const port = event.ports[0];
  if (typeof data !== 'object' || data === null) return;
  if (data.cachette !== undefined && data.type === 'invalidate') lastPostedArrival = now();
  if (!port) return;
  if (data.bench === 'echo') port.postMessage({ t: now() });
  else if (data.bench === 'delete-echo') {
    // A hand-written worker's share of an invalidation: delete from its own database, then answer.
    event.waitUntil(rawDelete().then(() => port.postMessage({ t: now() })));
  }
  else if (data.bench === 'hello') {
    if ((data as { probe?: unknown }).probe === true && !probe) {
      probe = new BroadcastChannel('cachette');
      probe.onmessage = (message: MessageEvent<{ type?: unknown }>) => {
        if (message.data?.type === 'invalidate') lastBroadcastArrival = now();
      };
    }
    port.postMessage({ crossOriginIsolated: self.crossOriginIsolated, timeOrigin: performance.timeOrigin, invalidations });
  }
});
