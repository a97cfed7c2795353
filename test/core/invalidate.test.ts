import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinBackends } from '../../src/backends/registry.js';
import { CacheHandler } from '../../src/core/handler.js';
import { InvalidationBus } from '../../src/core/invalidation-bus.js';
import type { InvalidateTarget } from '../../src/core/invalidate-target.js';
import { CHANNEL_NAME, PROTOCOL_VERSION } from '../../src/core/protocol.js';
import { defineCaches, getCache, invalidate, onInvalidate, type CacheOptions } from '../../src/index.js';

const until = async (check: () => boolean | Promise<boolean>, ms = 1000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** Another tab: its own configuration and bus over the same kind of stores. */
function otherTab(config: Record<string, CacheOptions>) {
  const handler = new CacheHandler(builtinBackends);
  handler.define(config);
  const bus = new InvalidationBus(handler);
  bus.listen();
  return { handler, bus };
}

describe('invalidate and getOrSet in flight', () => {
  beforeEach(() => {
    defineCaches({ default: { backend: 'memory', location: `flight-${Math.random()}` } });
  });

  for (const target of [{ keys: ['k'] }, { tags: ['t'] }, { all: true as const }]) {
    it(`a value computing across invalidate(${JSON.stringify(target)}) is neither joined nor stored`, async () => {
      const cache = getCache();
      let release!: (value: string) => void;
      const first = cache.getOrSet('k', () => new Promise<string>((resolve) => (release = resolve)), 60, { tags: ['t'] });
      await new Promise((resolve) => setTimeout(resolve, 0)); // computing now
      await invalidate(target);
      const second = cache.getOrSet('k', () => 'new', 60, { tags: ['t'] });
      // Without the fix the second call joins the first, which is still waiting.
      expect(await Promise.race([second, new Promise((resolve) => setTimeout(resolve, 200, 'joined the old computation'))])).toBe('new');
      release('old');
      expect(await first).toBe('old');
      expect(await cache.get('k')).toBe('new');
    });
  }

  it('an invalidation of another key leaves a computation alone', async () => {
    const cache = getCache();
    let release!: (value: string) => void;
    const first = cache.getOrSet('k', () => new Promise<string>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 0));
    await invalidate({ keys: ['other'] });
    const second = cache.getOrSet('k', () => 'new');
    release('old');
    expect(await second).toBe('old');
    expect(await first).toBe('old');
    expect(await cache.get('k')).toBe('old');
  });
});

describe('invalidate', () => {
  let location: string;
  beforeEach(() => {
    location = `inv-${Math.random().toString(36).slice(2)}`;
    defineCaches({
      default: { backend: 'memory', location },
      shared: { backend: 'idb', location },
      prefixed: { backend: 'memory', location, keyPrefix: 'p' },
    });
  });
  afterEach(async () => {
    await getCache('shared').clear();
  });

  it('removes keys (the caller’s keys, in every alias or only in `cache`)', async () => {
    await getCache().set('a', 1);
    await getCache('prefixed').set('a', 2);
    await getCache().set('b', 3);
    await invalidate({ keys: ['a'], cache: 'prefixed' });
    expect(await getCache().get('a')).toBe(1);
    expect(await getCache('prefixed').get('a')).toBeUndefined();
    await invalidate({ keys: ['a'] });
    expect(await getCache().get('a')).toBeUndefined();
    expect(await getCache().get('b')).toBe(3);
  });

  it('removes every key under a prefix: every variant of a fragment', async () => {
    await getCache().set('template.cache.sidebar.aaa', '<p>a</p>');
    await getCache().set('template.cache.sidebar.bbb', '<p>b</p>');
    await getCache().set('template.cache.footer.ccc', '<p>c</p>');
    await invalidate({ prefix: 'template.cache.sidebar.' });
    expect(await getCache().getMany(['template.cache.sidebar.aaa', 'template.cache.sidebar.bbb', 'template.cache.footer.ccc'])).toEqual({
      'template.cache.footer.ccc': '<p>c</p>',
    });
  });

  it('removes tagged entries in every store, shared (idb) and in-memory', async () => {
    await getCache().set('m', 1, 60, { tags: ['authors'] });
    await getCache('shared').set('s', 1, 60, { tags: ['authors', 'x'] });
    await getCache('shared').set('keep', 1, 60, { tags: ['articles'] });
    await invalidate({ tags: ['authors'] });
    expect(await getCache().has('m')).toBe(false);
    expect(await getCache('shared').has('s')).toBe(false);
    expect(await getCache('shared').has('keep')).toBe(true);
  });

  it('removes the worker’s entries by route pattern (string paths and RegExps)', async () => {
    const origin = globalThis.location.origin;
    const store = getCache('shared').store;
    const entry = (key: string, url: string) => ({ key, value: 1, expires: Infinity, tags: [`cachette:url:${url}`], size: 1, used: 0 });
    await store.set(
      [entry('a1', `${origin}/api/authors/1`), entry('a2', `${origin}/api/authors/2?x=1`), entry('art', `${origin}/api/articles`), entry('other', 'https://elsewhere.test/api/authors/3')],
      { maxEntries: 300, cullFrequency: 3, now: Date.now() },
    );
    await invalidate({ routes: ['/api/authors/:id'] });
    expect((await store.list(Date.now())).map((e) => e.key).sort()).toEqual(['art', 'other']);
    // Cross-origin, a RegExp must match from the start of the URL (workbox-routing's rule).
    await invalidate({ routes: [/elsewhere\.test/] });
    expect((await store.list(Date.now())).map((e) => e.key).sort()).toEqual(['art', 'other']);
    await invalidate({ routes: [/^https:\/\/elsewhere\.test\//] });
    expect((await store.list(Date.now())).map((e) => e.key)).toEqual(['art']);
  });

  it('all: true empties every store (or only `cache`’s)', async () => {
    await getCache().set('a', 1);
    await getCache('shared').set('b', 1);
    await invalidate({ all: true, cache: 'shared' });
    expect(await getCache().get('a')).toBe(1);
    expect(await getCache('shared').get('b')).toBeUndefined();
    await invalidate({ all: true });
    expect(await getCache().get('a')).toBeUndefined();
  });

  it('rejects a malformed target with a TypeError naming it', async () => {
    const bad: [unknown, RegExp][] = [
      [null, /invalidate takes an object/],
      [{}, /needs at least one of keys, prefix, tags, routes or all/],
      [{ keys: 'a' }, /keys must be an array of strings/],
      [{ keys: [1] }, /keys must be an array of strings/],
      [{ tags: [null] }, /tags must be an array of strings/],
      [{ routes: ['api/x'] }, /routes must be an array of path patterns/],
      [{ all: 'yes' }, /all must be true/],
      [{ key: ['a'] }, /unknown invalidate field 'key'; accepted: cache, keys, prefix, tags, routes, all/],
    ];
    await getCache().set('survivor', 1);
    for (const [target, message] of bad) {
      await expect(invalidate(target as InvalidateTarget)).rejects.toThrow(TypeError);
      await expect(invalidate(target as InvalidateTarget)).rejects.toThrow(message);
    }
    expect(await getCache().get('survivor')).toBe(1);
  });

  it('runs this context’s listeners once per invalidation, with the target; unsubscribe stops them', async () => {
    const heard: InvalidateTarget[] = [];
    const stop = onInvalidate((t) => heard.push(t));
    const throwing = onInvalidate(() => {
      throw new Error('a listener bug');
    });
    await invalidate({ keys: ['x'], tags: ['t'] });
    expect(heard).toEqual([{ keys: ['x'], tags: ['t'] }]);
    stop();
    throwing();
    await invalidate({ keys: ['y'] });
    expect(heard).toHaveLength(1);
  });

  it('reaches another tab: its in-memory copies are dropped and its listeners run once', async () => {
    const tab = otherTab({ default: { backend: 'memory', location: `${location}-tab2` } });
    try {
      await tab.handler.get().set('a', 'in tab 2');
      await tab.handler.get().set('b', 'kept');
      const heard: InvalidateTarget[] = [];
      tab.bus.onInvalidate((t) => heard.push(t));
      await invalidate({ keys: ['a'] });
      await until(() => heard.length > 0);
      expect(heard).toEqual([{ keys: ['a'] }]);
      expect(await tab.handler.get().get('a')).toBeUndefined();
      expect(await tab.handler.get().get('b')).toBe('kept');
      // The same message heard twice (channel and postMessage) acts once.
      const again = { cachette: PROTOCOL_VERSION, type: 'invalidate', id: 'dup-1', target: { keys: ['b'] } };
      await tab.bus.receive(again);
      await tab.bus.receive(again);
      expect(heard).toHaveLength(2);
    } finally {
      tab.bus.close();
    }
  });

  it('answers the sender once its stores are clean (the worker’s reply)', async () => {
    const tab = otherTab({ default: { backend: 'memory', location: `${location}-w` } });
    try {
      await tab.handler.get().set('k', 1);
      const answers: unknown[] = [];
      await tab.bus.receive({ cachette: PROTOCOL_VERSION, type: 'invalidate', id: 'ack-1', target: { keys: ['k'] } }, (a) => answers.push(a));
      expect(answers).toEqual([{ cachette: PROTOCOL_VERSION, type: 'invalidated', id: 'ack-1' }]);
      expect(await tab.handler.get().has('k')).toBe(false);
    } finally {
      tab.bus.close();
    }
  });

  it('an invalidation with its own id (a pushed event) acts once per context, whichever way it arrives first', async () => {
    const tab = otherTab({ default: { backend: 'memory', location: `${location}-id` } });
    const raw = new BroadcastChannel(CHANNEL_NAME);
    (raw as { unref?: () => void }).unref?.();
    try {
      const sent: unknown[] = [];
      raw.onmessage = (event) => sent.push(event.data);
      const heard: InvalidateTarget[] = [];
      tab.bus.onInvalidate((t) => heard.push(t));
      const pushed = { hub: 'https://app.test/cachette/events', id: '1700000000000-1' };
      // Applied here first, then the same id heard from another tab: once.
      await tab.handler.get().set('a', 1);
      await tab.bus.invalidate({ keys: ['a'] }, { id: '1700000000000-1', pushed });
      await tab.bus.receive({ cachette: PROTOCOL_VERSION, type: 'invalidate', id: '1700000000000-1', target: { keys: ['a'] } });
      await tab.bus.invalidate({ keys: ['a'] }, { id: '1700000000000-1', pushed });
      expect(heard).toEqual([{ keys: ['a'] }]);
      expect(await tab.handler.get().has('a')).toBe(false);
      await until(() => sent.length === 1);
      expect(sent[0]).toMatchObject({ type: 'invalidate', id: '1700000000000-1', target: { keys: ['a'] }, pushed });
      // Heard first, then applied with the same id (a tab taking over replays it): once, and not sent again.
      await tab.handler.get().set('b', 1);
      await tab.bus.receive({ cachette: PROTOCOL_VERSION, type: 'invalidate', id: '1700000000000-2', target: { keys: ['b'] } });
      await tab.bus.invalidate({ keys: ['b'] }, { id: '1700000000000-2' });
      expect(heard).toEqual([{ keys: ['a'] }, { keys: ['b'] }]);
      await new Promise((r) => setTimeout(r, 20));
      expect(sent).toHaveLength(1);
      // Without an id each call is its own invalidation.
      await tab.bus.invalidate({ keys: ['c'] });
      await tab.bus.invalidate({ keys: ['c'] });
      expect(heard).toHaveLength(4);
    } finally {
      raw.close();
      tab.bus.close();
    }
  });

  it('rejects an invalidation id or push origin that receivers would drop, with a TypeError naming it', async () => {
    const tab = otherTab({ default: { backend: 'memory', location: `${location}-badid` } });
    try {
      await expect(tab.bus.invalidate({ keys: ['a'] }, { id: '' })).rejects.toThrow(/invalidation id must be a string of 1 to 64 characters/);
      await expect(tab.bus.invalidate({ keys: ['a'] }, { id: 'x'.repeat(65) })).rejects.toThrow(TypeError);
      await expect(tab.bus.invalidate({ keys: ['a'] }, { pushed: { hub: '', id: '1-0' } })).rejects.toThrow(/pushed must be/);
      await expect(tab.bus.invalidate({ keys: ['a'] }, { pushed: { hub: 'https://a.test/', id: 'x'.repeat(65) } })).rejects.toThrow(/pushed must be/);
    } finally {
      tab.bus.close();
    }
  });

  it('ignores garbage on the channel without throwing, and keeps working', async () => {
    const tab = otherTab({ default: { backend: 'memory', location: `${location}-g` } });
    const raw = new BroadcastChannel(CHANNEL_NAME);
    (raw as { unref?: () => void }).unref?.();
    try {
      await tab.handler.get().set('k', 'kept');
      const heard: InvalidateTarget[] = [];
      tab.bus.onInvalidate((t) => heard.push(t));
      const garbage: unknown[] = [
        null,
        42,
        'invalidate',
        [],
        { type: 'invalidate' },
        { cachette: 2, type: 'invalidate', id: 'v2', target: { keys: ['k'] } },
        { cachette: PROTOCOL_VERSION, type: 'invalidate', id: 'x', target: { keys: 'k' } },
        { cachette: PROTOCOL_VERSION, type: 'invalidate', id: 'y'.repeat(100), target: { keys: ['k'] } },
        { cachette: PROTOCOL_VERSION, type: 'invalidate', id: 'z', target: { keys: Array.from({ length: 20_000 }, (_, i) => `k${i}`) } },
        { cachette: PROTOCOL_VERSION, type: 'nonsense', id: 'w' },
      ];
      for (const g of garbage) raw.postMessage(g);
      const hostile = {
        get cachette(): number {
          throw new Error('hostile getter');
        },
      };
      await expect(tab.bus.receive(hostile)).resolves.toBeUndefined();
      await new Promise((r) => setTimeout(r, 50));
      expect(heard).toEqual([]);
      expect(await tab.handler.get().get('k')).toBe('kept');
      raw.postMessage({ cachette: PROTOCOL_VERSION, type: 'invalidate', id: 'real', target: { keys: ['k'] } });
      await until(() => heard.length === 1);
      expect(await tab.handler.get().get('k')).toBeUndefined();
    } finally {
      raw.close();
      tab.bus.close();
    }
  });
});
