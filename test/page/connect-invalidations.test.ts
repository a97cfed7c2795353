// @vitest-environment node
/**
 * connectInvalidations against a real SSE stream (a fake hub on node:http): parsing, resume,
 * reset, 401, backoff, the watchdog, malformed events, ready, close, and one connection for
 * many "tabs" (each its own CacheHandler and InvalidationBus, sharing a lock manager, the
 * BroadcastChannel and fake IndexedDB, as the tabs of an origin share theirs).
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { builtinBackends } from '../../src/backends/registry.js';
import { invalidationBus } from '../../src/invalidations.js';
import { CacheHandler } from '../../src/core/handler.js';
import type { InvalidateTarget } from '../../src/core/invalidate-target.js';
import { InvalidationBus } from '../../src/core/invalidation-bus.js';
import { CHANNEL_NAME } from '../../src/core/protocol.js';
import { pushedInvalidationId } from '../../src/core/push-events.js';
import { readPushState, writePushState } from '../../src/core/push-state.js';
import { onCacheError, type ReportedError } from '../../src/core/report.js';
import { defineCaches, getCache, onInvalidate } from '../../src/index.js';
import { connectInvalidations, resolveConnectOptions, resolveHubUrl, type ConnectInvalidationsOptions } from '../../src/page/connect-invalidations.js';
import type { LockManagerLike } from '../../src/page/leader-election.js';
import { startPushClient } from '../../src/page/push-client.js';
import { startFakeHub, type FakeHub } from '../support/fake-hub.js';
import { fakeLocks } from '../support/fake-locks.js';
import { manualTimers } from '../support/manual-timers.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const unique = () => `push-${Math.random().toString(36).slice(2)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => boolean | Promise<boolean>, what = 'the condition', ms = 3000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
};
const stateOf = async (hub: FakeHub) => (await readPushState(hub.url))?.lastId;

async function fakeHub(): Promise<FakeHub> {
  const hub = await startFakeHub();
  cleanups.push(() => hub.close());
  return hub;
}

/** Errors reported to the console (silenced here: a listener takes them). */
function reports(): ReportedError[] {
  const seen: ReportedError[] = [];
  cleanups.push(onCacheError((report) => seen.push(report)));
  return seen;
}

/** A tab: its own caches and bus; `connect` is connectInvalidations over this tab's bus. */
function tab({ locks = null, shared }: { locks?: LockManagerLike | null; shared?: string } = {}) {
  const handler = new CacheHandler(builtinBackends);
  handler.define({
    default: { backend: 'memory', location: unique() },
    ...(shared ? { shared: { backend: 'idb' as const, location: shared } } : {}),
  });
  const bus = new InvalidationBus(handler);
  const heard: InvalidateTarget[] = [];
  bus.onInvalidate((target) => heard.push(target));
  cleanups.push(() => bus.close());
  return {
    handler,
    bus,
    heard,
    connect(url: string, options: ConnectInvalidationsOptions = {}) {
      const connection = startPushClient(resolveHubUrl(url), { bus, ...resolveConnectOptions({ locks, ...options }) });
      cleanups.push(() => connection.close());
      return connection;
    },
  };
}

/** A fetch whose response body arrives `ms` late, chunk by chunk. */
function laggingFetch(ms: number) {
  return async (url: string, init: RequestInit): Promise<Response> => {
    const response = await fetch(url, init);
    const lag = new TransformStream<Uint8Array, Uint8Array>({
      async transform(chunk, controller) {
        await sleep(ms);
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body!.pipeThrough(lag, { signal: init.signal ?? undefined }), { status: response.status, headers: response.headers });
  };
}

/** Whether `promise` has settled by now. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await sleep(20);
  return done;
}

describe('connectInvalidations: the stream', () => {
  it('applies each event as invalidate(target) under the event’s id, and records the id once applied', async () => {
    const hub = await fakeHub();
    const a = tab({ shared: unique() });
    await a.handler.get().set('k', 1);
    await a.handler.get().set('keep', 1);
    await a.handler.get('shared').set('s', 1, 60, { tags: ['authors'] });
    const sent: unknown[] = [];
    const raw = new BroadcastChannel(CHANNEL_NAME);
    raw.onmessage = (event) => sent.push(event.data);
    cleanups.push(() => raw.close());
    const inits: RequestInit[] = [];
    const connection = a.connect(hub.url, { fetch: (url, init) => (inits.push(init), fetch(url, init)) });
    await connection.ready;
    expect(hub.requests).toEqual([undefined]);
    // A first connection registers the hub for the worker, before any event.
    expect(await readPushState(hub.url)).toMatchObject({ url: hub.url, lastId: '' });
    // The event stream itself must never be answered by a cache: the client asks for no-store.
    expect(inits[0]).toMatchObject({ credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'text/event-stream' } });

    const first = hub.publish({ keys: ['k'] });
    const second = hub.publish({ tags: ['authors'] });
    await until(async () => (await stateOf(hub)) === second, 'the second id recorded');
    expect(a.heard).toEqual([{ keys: ['k'] }, { tags: ['authors'] }]);
    expect(await a.handler.get().has('k')).toBe(false);
    expect(await a.handler.get('shared').has('s')).toBe(false);
    expect(await a.handler.get().get('keep')).toBe(1);
    // Every other context hears it under the hub's id (scoped by the hub: two hubs may issue the same ids), with where it came from.
    await until(() => sent.filter((m) => (m as { type?: string }).type === 'invalidate').length === 2, 'two broadcasts');
    expect(sent.filter((m) => (m as { type?: string }).type === 'invalidate')).toMatchObject([
      { id: pushedInvalidationId(hub.url, first), target: { keys: ['k'] }, pushed: { hub: hub.url, id: first } },
      { id: pushedInvalidationId(hub.url, second), target: { tags: ['authors'] }, pushed: { hub: hub.url, id: second } },
    ]);
  });

  it('resumes after the last applied id: what was published while the app was closed is applied before ready', async () => {
    const hub = await fakeHub();
    hub.replayDelayMs = 15;
    const before = tab();
    const first = before.connect(hub.url);
    await first.ready;
    const seen = hub.publish({ keys: ['seen'] });
    await until(async () => (await stateOf(hub)) === seen, 'the first id recorded');
    first.close();
    before.bus.close();
    await until(() => hub.open === 0, 'the connection closed');

    // Ten more while away: ids '…-10' and '…-11' sort before '…-9' as text, not as ids.
    const away = Array.from({ length: 10 }, (_, i) => hub.publish({ keys: [`away-${i}`] }));
    const after = tab();
    await after.handler.get().set('away-9', 'stale');
    const second = after.connect(hub.url, { timeoutMs: 60_000 });
    await second.ready;
    expect(hub.requests).toEqual([undefined, seen]);
    expect(after.heard).toEqual(away.map((_, i) => ({ keys: [`away-${i}`] })));
    expect(await after.handler.get().has('away-9')).toBe(false);
    expect(await stateOf(hub)).toBe(away.at(-1));
  });

  it('a reset (the resume id is no longer retained) clears every cache, then resumes from the hub’s latest id', async () => {
    const hub = await fakeHub();
    const shared = unique();
    const before = tab({ shared });
    const first = before.connect(hub.url);
    await first.ready;
    const seen = hub.publish({ keys: ['x'] });
    await until(async () => (await stateOf(hub)) === seen, 'the id recorded');
    first.close();
    before.bus.close();
    await until(() => hub.open === 0, 'the connection closed');
    hub.publish({ keys: ['lost-1'] });
    const latest = hub.publish({ keys: ['lost-2'] });
    hub.trim(2);

    const after = tab({ shared });
    await after.handler.get().set('anything', 1);
    await after.handler.get('shared').set('shared-anything', 1);
    const second = after.connect(hub.url);
    await second.ready;
    expect(hub.requests.at(-1)).toBe(seen);
    expect(after.heard).toEqual([{ all: true }]);
    expect(await after.handler.get().has('anything')).toBe(false);
    expect(await after.handler.get('shared').has('shared-anything')).toBe(false);
    expect(await stateOf(hub)).toBe(latest);
    // Live again, from there.
    const next = hub.publish({ keys: ['next'] });
    await until(async () => (await stateOf(hub)) === next, 'the next id recorded');
    expect(after.heard).toEqual([{ all: true }, { keys: ['next'] }]);
  });

  it('records an id only once its invalidation is applied; one that fails is reported, not recorded, and tried again on the next connection', async () => {
    const hub = await fakeHub();
    const seen = reports();
    const a = tab();
    let gate: Promise<void> | undefined;
    let failing = false;
    const applied: string[] = [];
    const bus = {
      listen: () => a.bus.listen(),
      async invalidate(...args: Parameters<InvalidationBus['invalidate']>) {
        await gate;
        if (failing) throw new Error('the store is gone');
        await a.bus.invalidate(...args);
        applied.push(args[1]!.pushed!.id);
      },
    };
    const timers = manualTimers();
    const connection = startPushClient(resolveHubUrl(hub.url), { bus, ...resolveConnectOptions({ locks: null, timers, random: () => 0 }) });
    cleanups.push(() => connection.close());
    await connection.ready;
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const first = hub.publish({ keys: ['a'] });
    await sleep(50);
    expect(await stateOf(hub)).toBe('');
    open();
    await until(async () => (await stateOf(hub)) === first, 'recorded once applied');
    expect(applied).toEqual([first]);

    failing = true;
    hub.publish({ keys: ['b'] });
    await until(() => seen.length === 1, 'the failure reported');
    expect(seen[0]!.context).toMatch(/applying an invalidation pushed by the hub/);
    expect(await stateOf(hub)).toBe(first);
    failing = false;
    hub.dropAll();
    await until(() => timers.pending().includes(0), 'the reconnection');
    timers.fire(0);
    await until(() => applied.length === 2, 'replayed and applied');
    expect(hub.requests.at(-1)).toBe(first);
  });

  it('ignores malformed events (reported once), never throws, and keeps applying the good ones', async () => {
    const hub = await fakeHub();
    const seen = reports();
    const onError = vi.fn();
    const a = tab();
    const connection = a.connect(hub.url, { onError });
    await connection.ready;
    hub.sendRaw('id: 1-1\nevent: invalidate\ndata: {not json\n\n');
    hub.sendRaw('id: 1-2\nevent: invalidate\ndata: {"keys":"a"}\n\n');
    hub.sendRaw('id: 1-3\nevent: invalidate\ndata: {"routes":["no-slash"]}\n\n');
    hub.sendRaw('event: invalidate\ndata: {"keys":["no-id"]}\n\n');
    hub.sendRaw('event: surprise\ndata: hi\n\n');
    hub.sendRaw('data: no event type\n\n');
    hub.sendRaw('retry: soon\nbogus-field: 1\n\n');
    // One good event split across chunks, with CRLF line endings and a heartbeat in between.
    hub.sendRaw(': heartbeat\r\n\r\n');
    const good = hub.publish({ keys: ['good'] });
    await until(async () => (await stateOf(hub)) === good, 'the good id recorded');
    expect(a.heard).toEqual([{ keys: ['good'] }]);
    expect(onError).toHaveBeenCalledTimes(1);
    expect((onError.mock.calls[0]![0] as Error).message).toMatch(/ignored an event: invalidate event 1-1: data is not JSON/);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.context).toMatch(/reading an event from the invalidation hub at http:\/\/127\.0\.0\.1/);
    expect(hub.requests).toHaveLength(1);
  });

  it('an answer that is not an event stream (a fallback route’s HTML, a 404) is reported once and retried with backoff', async () => {
    const hub = await fakeHub();
    reports();
    hub.answer = { status: 200, contentType: 'text/html', body: '<!doctype html><p>app shell</p>' };
    const timers = manualTimers();
    const onError = vi.fn();
    const a = tab();
    a.connect(hub.url, { timers, onError, random: () => 0.5 });
    await until(() => timers.pending().includes(250), 'the first backoff');
    expect(onError).toHaveBeenCalledTimes(1);
    expect((onError.mock.calls[0]![0] as Error).message).toMatch(/answered a text\/html body, expected a text\/event-stream/);
    hub.answer = { status: 404, contentType: 'text/plain', body: 'not found' };
    timers.fire(250);
    await until(() => timers.pending().includes(500), 'the second backoff');
    expect(hub.requests).toHaveLength(2);
    expect(onError).toHaveBeenCalledTimes(1);
  });
});

describe('connectInvalidations: reconnecting', () => {
  it('backs off exponentially with full jitter up to 30 s, and starts over after a healthy connection', async () => {
    const hub = await fakeHub();
    reports();
    hub.answer = { status: 503, contentType: 'text/plain', body: 'deploying' };
    const timers = manualTimers();
    const a = tab();
    a.connect(hub.url, { timers, random: () => 0.5 });
    // random() scales the whole window (full jitter): half of 0.5 s, 1 s, 2 s, ... capped at half of 30 s.
    const expected = [250, 500, 1000, 2000, 4000, 8000, 15_000, 15_000];
    for (const [i, ms] of expected.entries()) {
      await until(() => timers.pending().includes(ms), `backoff ${ms}`);
      expect(hub.requests).toHaveLength(i + 1);
      timers.fire(ms);
    }
    hub.answer = undefined;
    await until(() => hub.open === 1, 'connected');
    // Open for 5 s: healthy. Then the network drops it: the next wait starts from the base again.
    await until(() => timers.pending().includes(5_000), 'the health timer');
    timers.fire(5_000);
    hub.dropAll();
    await until(() => timers.pending().includes(250), 'the backoff, reset');

    // A connection that drops before it is healthy keeps growing the backoff.
    timers.fire(250);
    await until(() => hub.open === 1, 'reconnected');
    hub.dropAll();
    await until(() => timers.pending().includes(500), 'the backoff, growing');
  });

  it('a silent connection (no heartbeat for 45 s) is dropped and reopened, resuming after the last id', async () => {
    const hub = await fakeHub();
    const timers = manualTimers();
    const a = tab();
    const connection = a.connect(hub.url, { timers, random: () => 0 });
    await connection.ready;
    const id = hub.publish({ keys: ['a'] });
    await until(async () => (await stateOf(hub)) === id, 'the id recorded');
    // Every chunk (events, heartbeats) restarts the watchdog: only one is ever pending.
    expect(timers.pending().filter((ms) => ms === 45_000)).toHaveLength(1);
    timers.fire(45_000);
    await until(() => hub.open === 0 && timers.pending().includes(0), 'the connection dropped');
    timers.fire(0);
    await until(() => hub.requests.length === 2, 'reconnected');
    expect(hub.requests[1]).toBe(id);
  });

  it('401: reports once (console and onError), resolves ready, retries no faster than once a minute, and reports again after a success', async () => {
    const hub = await fakeHub();
    const seen = reports();
    hub.refuse = true;
    const timers = manualTimers();
    const onError = vi.fn();
    const a = tab();
    const connection = a.connect(hub.url, { timers, onError, random: () => 0 });
    await connection.ready; // no timer fired: the refusal resolves it
    expect(onError).toHaveBeenCalledTimes(1);
    expect((onError.mock.calls[0]![0] as Error).message).toMatch(/refused the connection \(401\)/);
    expect(seen.map((r) => r.context)).toEqual([`connecting to the invalidation hub at ${hub.url}`]);
    const minute = (ms: number) => ms >= 60_000;
    await until(() => timers.pending().some(minute), 'the refusal retry');
    timers.fire(minute);
    await until(() => hub.requests.length === 2 && timers.pending().some(minute), 'refused again');
    expect(onError).toHaveBeenCalledTimes(1);
    // Nothing but the minute (and ready's own 3 s bound) was ever asked while refused.
    expect(timers.asked.filter((ms) => !minute(ms) && ms !== 3_000)).toEqual([]);

    hub.refuse = false;
    timers.fire(minute);
    await until(() => hub.open === 1 && timers.pending().includes(5_000), 'accepted');
    timers.fire(5_000);
    hub.refuse = true;
    hub.dropAll();
    await until(() => timers.pending().includes(0), 'the backoff after the drop');
    timers.fire(0);
    await until(() => onError.mock.calls.length === 2, 'the new refusal reported');
  });

  it('ready resolves after timeoutMs when the hub is unreachable (not reported: offline is normal), and never rejects', async () => {
    const seen = reports();
    const timers = manualTimers();
    const onError = vi.fn();
    let attempts = 0;
    const a = tab();
    const connection = a.connect('https://hub.invalid/cachette/events', {
      timers,
      onError,
      timeoutMs: 1234,
      random: () => 0,
      fetch: () => (attempts++, Promise.reject(new TypeError('Failed to fetch'))),
    });
    await until(() => attempts === 1 && timers.pending().includes(0), 'the first failure');
    expect(await settled(connection.ready)).toBe(false);
    timers.fire(1234);
    await connection.ready;
    timers.fire(0);
    await until(() => attempts === 2, 'a retry');
    expect(onError).not.toHaveBeenCalled();
    expect(seen).toEqual([]);
  });

  it('close() aborts the stream, clears every timer, resolves ready, starts nothing more, and is idempotent', async () => {
    const hub = await fakeHub();
    hub.answer = { status: 200, contentType: 'text/event-stream', body: '' };
    const timers = manualTimers();
    const locks = fakeLocks();
    const a = tab({ locks });
    const connection = a.connect(hub.url, { timers, random: () => 0 });
    // The body ends at once: a reconnection is pending.
    await until(() => timers.pending().includes(0), 'a pending reconnection');
    expect(locks.held(`cachette-push ${hub.url}`)).toBe(true);
    connection.close();
    connection.close();
    await connection.ready;
    expect(timers.pending()).toEqual([]);
    await until(() => !locks.held(`cachette-push ${hub.url}`), 'the lock released');
    expect(hub.requests).toHaveLength(1);

    // Open: the stream is aborted.
    hub.answer = undefined;
    const b = tab({ locks });
    const open = b.connect(hub.url, { timers });
    await open.ready;
    expect(hub.open).toBe(1);
    open.close();
    await until(() => hub.open === 0, 'the stream aborted');
    await sleep(30);
    expect(hub.requests).toHaveLength(2);
    expect(timers.pending()).toEqual([]);
  });

  it('a hub on another origin gets the resume id as ?lastEventId= (no CORS preflight); its own origin as Last-Event-ID', async () => {
    const hub = await fakeHub();
    const first = tab().connect(hub.url);
    await first.ready;
    const id = hub.publish({ keys: ['a'] });
    await until(async () => (await stateOf(hub)) === id, 'the id recorded');
    first.close();
    vi.stubGlobal('location', { href: 'https://app.test/page', origin: 'https://app.test' });
    cleanups.push(() => {
      vi.unstubAllGlobals();
    });
    const second = tab().connect(hub.url);
    await second.ready;
    expect(hub.requests.at(-1)).toBe(id);
    expect(hub.paths.at(-1)).toBe(`/cachette/events?lastEventId=${id}`);
    second.close();
    vi.stubGlobal('location', { href: `${new URL(hub.url).origin}/page`, origin: new URL(hub.url).origin });
    const third = tab().connect('/cachette/events');
    await third.ready;
    expect(hub.paths.at(-1)).toBe('/cachette/events');
    expect(hub.requests.at(-1)).toBe(id);
  });
});

describe('connectInvalidations: one connection for every tab', () => {
  it('one tab connects; every tab applies each event once; a follower’s ready waits for the leader', async () => {
    const hub = await fakeHub();
    hub.replayDelayMs = 20;
    const locks = fakeLocks();
    const shared = unique();
    const [a, b, c] = [tab({ locks, shared }), tab({ locks, shared }), tab({ locks, shared })];
    for (const t of [a, b, c]) await t.handler.get().set('k', 'in-memory copy');
    await a.handler.get('shared').set('s', 1);
    // A missed event to replay, so the leader takes a while to be ready.
    await writePushState(hub.url, hub.publish({ keys: ['old'] }));
    const missed = hub.publish({ keys: ['missed'] });
    const connections = [a, b, c].map((t) => t.connect(hub.url, { timeoutMs: 60_000 }));
    await Promise.all(connections.map((connection) => connection.ready));
    // Every tab has applied the replayed event by the time its ready resolves.
    for (const t of [a, b, c]) expect(t.heard).toEqual([{ keys: ['missed'] }]);
    expect(hub.requests).toHaveLength(1);
    expect(hub.open).toBe(1);
    expect(await stateOf(hub)).toBe(missed);
    // A tab that starts later asks the leader, which answers.
    const d = tab({ locks, shared });
    await d.connect(hub.url, { timeoutMs: 60_000 }).ready;

    hub.publish({ keys: ['k', 's'] });
    await until(() => [a, b, c, d].every((t) => t.heard.length === (t === d ? 1 : 2)), 'every tab heard it');
    await sleep(30);
    for (const t of [a, b, c]) expect(t.heard).toEqual([{ keys: ['missed'] }, { keys: ['k', 's'] }]);
    for (const t of [a, b, c]) expect(await t.handler.get().has('k')).toBe(false);
    expect(await a.handler.get('shared').has('s')).toBe(false);
    expect(hub.requests).toHaveLength(1);
  });

  it('when the leading tab closes, the next takes over, resumes after what was applied, and loses nothing', async () => {
    const hub = await fakeHub();
    const locks = fakeLocks();
    const [a, b] = [tab({ locks }), tab({ locks })];
    const leader = a.connect(hub.url);
    await leader.ready;
    const follower = b.connect(hub.url);
    await follower.ready;
    const one = hub.publish({ keys: ['1'] });
    await until(() => b.heard.length === 1 && hub.open === 1, 'the follower heard it');
    await until(async () => (await stateOf(hub)) === one, 'the id recorded');
    leader.close();
    // Published while nobody holds the connection.
    hub.publish({ keys: ['2'] });
    await until(() => hub.requests.length === 2, 'the follower connected');
    expect(hub.requests[1]).toBe(one);
    const three = hub.publish({ keys: ['3'] });
    await until(async () => (await stateOf(hub)) === three, 'the last id recorded');
    await sleep(30);
    expect(b.heard).toEqual([{ keys: ['1'] }, { keys: ['2'] }, { keys: ['3'] }]);
    // The tab that closed its connection still hears the others (its bus is open).
    expect(a.heard).toEqual([{ keys: ['1'] }, { keys: ['2'] }, { keys: ['3'] }]);
    expect(hub.open).toBe(1);
  });

  it('a tab taking over resumes after what it heard, even when the leader did not live to record it', async () => {
    const hub = await fakeHub();
    const locks = fakeLocks();
    const [a, b] = [tab({ locks }), tab({ locks })];
    const leader = a.connect(hub.url);
    await leader.ready;
    b.connect(hub.url);
    const one = hub.publish({ keys: ['1'] });
    const two = hub.publish({ keys: ['2'] });
    await until(() => b.heard.length === 2, 'the follower heard both');
    await until(async () => (await stateOf(hub)) === two, 'the id recorded');
    // The leader's last write never landed (it closed between applying and recording).
    await writePushState(hub.url, one, { replace: true });
    leader.close();
    await until(() => hub.requests.length === 2, 'the follower connected');
    expect(hub.requests[1]).toBe(two);
    await sleep(30);
    expect(b.heard).toEqual([{ keys: ['1'] }, { keys: ['2'] }]);
  });

  it('without Web Locks every tab connects on its own, and each still acts once per event', async () => {
    const hub = await fakeHub();
    const [a, b] = [tab({ locks: null }), tab({ locks: null })];
    // b's stream lags: b hears each event from a's broadcast first, then from its own stream.
    await Promise.all([a.connect(hub.url).ready, b.connect(hub.url, { fetch: laggingFetch(40) }).ready]);
    expect(hub.open).toBe(2);
    hub.publish({ keys: ['x'] });
    hub.publish({ keys: ['y'] });
    await until(() => a.heard.length === 2 && b.heard.length === 2, 'both tabs heard both');
    // Each heard every event twice (its own stream and the other tab's broadcast): acted once.
    await sleep(150);
    expect(a.heard).toEqual([{ keys: ['x'] }, { keys: ['y'] }]);
    expect(b.heard).toEqual([{ keys: ['x'] }, { keys: ['y'] }]);
  });

  it('a refusal reaches the following tabs: their ready resolves and they report it once', async () => {
    const hub = await fakeHub();
    reports();
    hub.refuse = true;
    const locks = fakeLocks();
    const [a, b] = [tab({ locks }), tab({ locks })];
    const [onA, onB] = [vi.fn(), vi.fn()];
    const leader = a.connect(hub.url, { onError: onA, timeoutMs: 60_000 });
    const follower = b.connect(hub.url, { onError: onB, timeoutMs: 60_000 });
    await Promise.all([leader.ready, follower.ready]);
    await until(() => onB.mock.calls.length === 1, 'the follower told');
    expect(onA).toHaveBeenCalledTimes(1);
    expect((onB.mock.calls[0]![0] as Error).message).toMatch(/refused the connection \(401\)/);
    expect(hub.requests).toHaveLength(1);
  });

  it('a follower whose leader never answers resolves ready after timeoutMs', async () => {
    const hub = await fakeHub();
    const locks = fakeLocks();
    const name = `cachette-push ${hub.url}`;
    // Someone else holds the lock and says nothing.
    let release!: () => void;
    void locks.request(name, {}, () => new Promise<void>((resolve) => (release = resolve)));
    cleanups.push(() => release());
    const timers = manualTimers();
    const connection = tab({ locks }).connect(hub.url, { timers, timeoutMs: 777 });
    expect(await settled(connection.ready)).toBe(false);
    timers.fire(777);
    await connection.ready;
    connection.close();
    await until(() => locks.waiting(name) === 0, 'the request withdrawn');
    expect(hub.requests).toEqual([]);
  });
});

describe('connectInvalidations: the public entry', () => {
  it('applies pushed events with the realm’s invalidate machinery (getCache, onInvalidate)', async () => {
    const hub = await fakeHub();
    defineCaches({ default: { backend: 'memory', location: unique() } });
    cleanups.push(() => invalidationBus().close());
    await getCache().set('k', 1);
    const heard: InvalidateTarget[] = [];
    cleanups.push(onInvalidate((target) => heard.push(target)));
    const connection = connectInvalidations(hub.url, { locks: null });
    cleanups.push(() => connection.close());
    await connection.ready;
    hub.publish({ keys: ['k'] });
    await until(() => heard.length === 1, 'the realm heard it');
    expect(heard).toEqual([{ keys: ['k'] }]);
    expect(await getCache().has('k')).toBe(false);
  });

  it('rejects a bad url or option with a TypeError naming it', () => {
    const bad: [unknown, unknown, RegExp][] = [
      ['/cachette/events', {}, /outside a page it must be absolute/],
      ['http://[::1', {}, /is not a valid URL/],
      ['ftp://hub.test/events', {}, /must be http: or https:/],
      [42, {}, /url must be the hub's URL/],
      ['https://hub.test/e', { timeoutMs: -1 }, /option timeoutMs must be a number of milliseconds >= 0/],
      ['https://hub.test/e', { timeoutMs: '3000' }, /option timeoutMs/],
      ['https://hub.test/e', { onError: 'log' }, /option onError must be a function/],
      ['https://hub.test/e', { fetch: {} }, /option fetch must be a function/],
      ['https://hub.test/e', { locks: {} }, /option locks must be a LockManager \(navigator\.locks\) or null/],
      ['https://hub.test/e', { timers: { setTimeout } }, /option timers must be an object with setTimeout and clearTimeout/],
      ['https://hub.test/e', { clock: Date }, /option clock/],
      ['https://hub.test/e', { random: 4 }, /option random must be a function/],
      ['https://hub.test/e', { timeout: 5 }, /unknown connectInvalidations option 'timeout'; accepted: timeoutMs, onError/],
      ['https://hub.test/e', null, /options must be an object/],
    ];
    for (const [url, options, message] of bad) {
      expect(() => connectInvalidations(url as string, options as ConnectInvalidationsOptions), String(message)).toThrow(TypeError);
      expect(() => connectInvalidations(url as string, options as ConnectInvalidationsOptions)).toThrow(message);
    }
  });
});
