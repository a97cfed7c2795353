/**
 * The contract every backend keeps: DESIGN.md's `Cache` section, ported from Django's
 * tests/cache/tests.py (BaseCacheTests, LocMemCacheTests, DummyCacheTests). One suite,
 * run against every backend, built-in (by name) or your own (a backend object), in
 * happy-dom (test/backends/*.contract.test.ts) and in real Chromium
 * (test/backends/contract.browser.test.ts). What a backend does differently comes from its
 * declared capabilities, never from its name.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinBackends } from '../../src/backends/registry.js';
import { CacheMissError, defineCaches, getCache, type Backend, type BackendName, type CacheOptions } from '../../src/index.js';

/** A clock the tests move by hand. */
export class FakeClock {
  t = Date.UTC(2026, 0, 1);
  now(): number {
    return this.t;
  }
  advance(seconds: number): void {
    this.t += seconds * 1000;
  }
}

let run = 0;

/** Configures a fresh location for one test: `default`, plus aliases over the same store. */
function setup(backend: BackendName | Backend, clock: FakeClock, extra: Partial<CacheOptions> = {}) {
  run += 1;
  const name = typeof backend === 'string' ? backend : backend.name;
  const location = `contract-${name}-${run}-${Math.random().toString(36).slice(2, 8)}`;
  const base = { backend, location, ...extra } as CacheOptions;
  defineCaches(
    {
      default: base,
      v2: { ...base, version: 2 },
      prefix: { ...base, keyPrefix: 'cacheprefix' },
      custom_key: { ...base, keyFunction: (key, prefix, version) => `CUSTOM-${prefix}-${version}-${key}` },
      custom_key2: { ...base, keyFunction: (key, prefix, version) => `CUSTOM-${prefix}-${version}-${key}` },
      small: { ...base, location: `${location}-small`, maxEntries: 30 },
      zero: { ...base, location: `${location}-zero`, maxEntries: 30, cullFrequency: 0 },
      lru: { ...base, location: `${location}-lru`, maxEntries: 9, cullFrequency: 3 },
    },
    { clock },
  );
}

/** The shared suite for a storing backend: a built-in one by name, or a backend object. */
export function runCacheContract(backend: Exclude<BackendName, 'dummy'> | Backend): void {
  const declared = typeof backend === 'string' ? builtinBackends[backend] : backend;
  const structured = (declared.capabilities?.values ?? 'structured') === 'structured';

  describe(`${declared.name}: the Cache contract`, () => {
    let clock: FakeClock;
    beforeEach(() => {
      clock = new FakeClock();
      setup(backend, clock);
    });
    afterEach(async () => {
      for (const alias of ['default', 'small', 'zero', 'lru']) {
        await getCache(alias).clear();
        await getCache(alias).close();
      }
    });

    it('sets and gets a value; a missing key gives undefined or the fallback', async () => {
      const c = getCache();
      await c.set('key', 'value');
      expect(await c.get('key')).toBe('value');
      expect(await c.get('does_not_exist')).toBeUndefined();
      expect(await c.get('does_not_exist', 'bang!')).toBe('bang!');
    });

    it('returns a stored null, not the fallback (null is a value)', async () => {
      const c = getCache();
      await c.set('null', null);
      expect(await c.get('null', 'default')).toBeNull();
      expect(await c.has('null')).toBe(true);
      expect(await c.add('null', 'other')).toBe(false);
      expect(await c.getMany(['null'])).toEqual({ null: null });
    });

    it('add stores only when the key is absent', async () => {
      const c = getCache();
      expect(await c.add('addkey1', 'value')).toBe(true);
      expect(await c.add('addkey1', 'newvalue')).toBe(false);
      expect(await c.get('addkey1')).toBe('value');
    });

    it('add with a timeout of 0 on an absent key returns true and keeps nothing readable', async () => {
      const c = getCache();
      expect(await c.add('key-add-0', 'value', 0)).toBe(true);
      expect(await c.get('key-add-0')).toBeUndefined();
      expect(await c.has('key-add-0')).toBe(false);
      await c.set('present', 1);
      expect(await c.add('present', 2, 0)).toBe(false);
      expect(await c.get('present')).toBe(1);
    });

    it('keeps aliases with another keyPrefix apart on the same location', async () => {
      const c = getCache();
      const prefixed = getCache('prefix');
      await c.set('somekey', 'value');
      expect(await prefixed.has('somekey')).toBe(false);
      await prefixed.set('somekey', 'value2');
      expect(await c.get('somekey')).toBe('value');
      expect(await prefixed.get('somekey')).toBe('value2');
    });

    it('stores under Django’s keyPrefix:version:key', async () => {
      const prefixed = getCache('prefix');
      expect(prefixed.makeKey('k')).toBe('cacheprefix:1:k');
      await prefixed.set('k', 1, undefined, { version: 4 });
      const entry = await prefixed.store.get('cacheprefix:4:k', clock.now());
      expect(entry?.value).toBe(1);
    });

    it('getMany returns the keys found, keyed by the caller’s keys, from any iterable', async () => {
      const c = getCache();
      await c.set('a', 'a');
      await c.set('b', 'b');
      await c.set('c', 'c');
      await c.set('d', 'd');
      expect(await c.getMany(['a', 'c', 'd'])).toEqual({ a: 'a', c: 'c', d: 'd' });
      expect(await c.getMany(['a', 'b', 'e'])).toEqual({ a: 'a', b: 'b' });
      expect(await c.getMany(new Set(['b', 'zzz']))).toEqual({ b: 'b' });
      expect(await c.getMany([])).toEqual({});
    });

    it('delete returns whether a value was removed', async () => {
      const c = getCache();
      await c.set('key1', 'spam');
      await c.set('key2', 'eggs');
      expect(await c.delete('key1')).toBe(true);
      expect(await c.get('key1')).toBeUndefined();
      expect(await c.get('key2')).toBe('eggs');
      expect(await c.delete('key1')).toBe(false);
      expect(await c.delete('nonexistent')).toBe(false);
    });

    it('has tells whether a live value is present', async () => {
      const c = getCache();
      await c.set('hello1', 'goodbye1');
      expect(await c.has('hello1')).toBe(true);
      expect(await c.has('goodbye1')).toBe(false);
      await c.set('no_expiry', 'here', null);
      expect(await c.has('no_expiry')).toBe(true);
    });

    it('incr and decr return the new number and keep the expiry', async () => {
      const c = getCache();
      await c.set('answer', 41, 10);
      expect(await c.incr('answer')).toBe(42);
      expect(await c.get('answer')).toBe(42);
      expect(await c.incr('answer', 10)).toBe(52);
      expect(await c.incr('answer', -10)).toBe(42);
      expect(await c.decr('answer')).toBe(41);
      expect(await c.decr('answer', 10)).toBe(31);
      expect(await c.decr('answer', -10)).toBe(41);
      expect(await c.incr('answer', 0.5)).toBe(41.5);
      clock.advance(9);
      expect(await c.get('answer')).toBe(41.5);
      clock.advance(2);
      expect(await c.get('answer')).toBeUndefined();
    });

    it('incr on a missing or expired key rejects with CacheMissError; on a non-number with TypeError', async () => {
      const c = getCache();
      await expect(c.incr('does_not_exist')).rejects.toBeInstanceOf(CacheMissError);
      await expect(c.decr('does_not_exist')).rejects.toBeInstanceOf(CacheMissError);
      await c.set('short', 1, 1);
      clock.advance(2);
      await expect(c.incr('short')).rejects.toBeInstanceOf(CacheMissError);
      await c.set('text', 'abc');
      await expect(c.incr('text')).rejects.toThrow(TypeError);
      await expect(c.incr('text')).rejects.toThrow(/'text'.*not a number/);
      expect(await c.get('text')).toBe('abc');
      await c.set('n', 1);
      await expect(c.incr('n', '2' as unknown as number)).rejects.toThrow(/delta must be a finite number/);
      expect(await c.get('n')).toBe(1);
    });

    it('stores JSON-like data exactly', async () => {
      const c = getCache();
      const stuff = {
        string: 'this is a string',
        int: 42,
        float: 1.5,
        list: [1, 2, 3, 4],
        nested: { a: [{ b: null }], t: true, f: false },
        empty: {},
      };
      await c.set('stuff', stuff);
      expect(await c.get('stuff')).toEqual(stuff);
      for (const v of [0, -1, '', 'ascii', true, false, [], [null]]) {
        await c.set('scalar', v);
        expect(await c.get('scalar')).toEqual(v);
      }
    });

    it('stores a copy: later mutations of the original or of a read value change nothing cached', async () => {
      const c = getCache();
      const value = { list: [1, 2] };
      await c.set('copy', value);
      value.list.push(3);
      const read = (await c.get('copy')) as { list: number[] };
      expect(read).toEqual({ list: [1, 2] });
      read.list.push(99);
      expect(await c.get('copy')).toEqual({ list: [1, 2] });
      expect(await c.get('copy')).not.toBe(await c.get('copy'));
    });

    it('stores unicode keys and values', async () => {
      const c = getCache();
      const data: Record<string, unknown> = {
        'ascii': 'ascii_value',
        'unicode_ascii': 'Iñtërnâtiônàlizætiøn1',
        'Iñtërnâtiônàlizætiøn': 'Iñtërnâtiônàlizætiøn2',
        'ascii2': { x: 1 },
        'emoji 🎉 / with spaces?&=': '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🎉',
      };
      for (const [key, value] of Object.entries(data)) {
        await c.set(key, value);
        expect(await c.get(key)).toEqual(value);
        expect(await c.delete(key)).toBe(true);
        await c.add(key, value);
        expect(await c.get(key)).toEqual(value);
      }
      await c.clear();
      await c.setMany(data);
      expect(await c.getMany(Object.keys(data))).toEqual(data);
    });

    it('stores binary values', async () => {
      const c = getCache();
      const bytes = new Uint8Array(256).map((_, i) => i);
      await c.set('binary', bytes);
      const back = await c.get('binary');
      expect(back).toBeInstanceOf(Uint8Array);
      expect([...(back as Uint8Array)]).toEqual([...bytes]);
      expect(await c.add('binary2', bytes)).toBe(true);
      expect([...((await c.get('binary2')) as Uint8Array)]).toEqual([...bytes]);
    });

    if (structured) {
      it('stores structured-clonable values (Date, Map, Set, nested typed arrays)', async () => {
        const c = getCache();
        const value = { when: new Date(0), map: new Map([['k', 1]]), set: new Set([1, 2]), bytes: new Float64Array([1.5]) };
        await c.set('structured', value);
        expect(await c.get('structured')).toEqual(value);
      });
    }

    it('expires entries after their timeout, on the injected clock', async () => {
      const c = getCache();
      await c.set('expire1', 'very quickly', 1);
      await c.set('expire2', 'very quickly', 1);
      await c.set('expire3', 'very quickly', 1);
      clock.advance(0.9);
      expect(await c.get('expire1')).toBe('very quickly');
      clock.advance(0.2);
      expect(await c.get('expire1')).toBeUndefined();
      expect(await c.add('expire2', 'newvalue')).toBe(true);
      expect(await c.get('expire2')).toBe('newvalue');
      expect(await c.has('expire3')).toBe(false);
      expect(await c.getMany(['expire1', 'expire3'])).toEqual({});
    });

    it('uses the alias timeout by default (300 s, as Django)', async () => {
      const c = getCache();
      await c.set('default-timeout', 1);
      clock.advance(299);
      expect(await c.get('default-timeout')).toBe(1);
      clock.advance(2);
      expect(await c.get('default-timeout')).toBeUndefined();
    });

    it('touch moves a live key’s expiry; 0 expires it; null keeps it forever', async () => {
      const c = getCache();
      await c.set('expire1', 'very quickly', 1);
      expect(await c.touch('expire1', 2)).toBe(true);
      clock.advance(1.5);
      expect(await c.has('expire1')).toBe(true);
      clock.advance(1);
      expect(await c.has('expire1')).toBe(false);

      await c.set('expire2', 'very quickly', 1);
      expect(await c.touch('expire2', null)).toBe(true);
      clock.advance(365 * 24 * 3600);
      expect(await c.get('expire2')).toBe('very quickly');

      expect(await c.touch('expire2', 0)).toBe(true);
      expect(await c.has('expire2')).toBe(false);
      expect(await c.touch('nonexistent')).toBe(false);
    });

    it('setMany stores every value and returns [] on success; honours the timeout', async () => {
      const c = getCache();
      expect(await c.setMany({ key1: 'spam', key2: 'eggs' })).toEqual([]);
      expect(await c.get('key1')).toBe('spam');
      expect(await c.get('key2')).toBe('eggs');
      await c.setMany({ key1: 'spam', key2: 'eggs' }, 1);
      clock.advance(2);
      expect(await c.get('key1')).toBeUndefined();
      expect(await c.setMany({})).toEqual([]);
    });

    it('deleteMany removes only the given keys', async () => {
      const c = getCache();
      await c.setMany({ key1: 'spam', key2: 'eggs', key3: 'ham' });
      await c.deleteMany(['key1', 'key2', 'nope']);
      expect(await c.get('key1')).toBeUndefined();
      expect(await c.get('key2')).toBeUndefined();
      expect(await c.get('key3')).toBe('ham');
    });

    it('clear empties the whole location, for every alias over it', async () => {
      const c = getCache();
      await c.setMany({ key1: 'spam', key2: 'eggs' });
      await getCache('prefix').set('key1', 'prefixed');
      await c.clear();
      expect(await c.get('key1')).toBeUndefined();
      expect(await c.get('key2')).toBeUndefined();
      expect(await getCache('prefix').get('key1')).toBeUndefined();
    });

    it('keeps values for 30 days and more', async () => {
      const c = getCache();
      const days = 24 * 3600;
      await c.set('key1', 'eggs', 60 * days);
      clock.advance(45 * days);
      expect(await c.get('key1')).toBe('eggs');
      expect(await c.add('key2', 'ham', 30 * days + 1)).toBe(true);
      await c.setMany({ key3: 'sausage', key4: 'lobster bisque' }, 30 * days + 1);
      clock.advance(30 * days);
      expect(await c.get('key2')).toBe('ham');
      expect(await c.getMany(['key3', 'key4'])).toEqual({ key3: 'sausage', key4: 'lobster bisque' });
      clock.advance(2);
      expect(await c.get('key2')).toBeUndefined();
    });

    it('keeps a value with timeout null forever', async () => {
      const c = getCache();
      await c.set('key1', 'eggs', null);
      expect(await c.add('key2', 'ham', null)).toBe(true);
      await c.setMany({ key3: 'sausage' }, null);
      clock.advance(100 * 365 * 24 * 3600);
      expect(await c.getMany(['key1', 'key2', 'key3'])).toEqual({ key1: 'eggs', key2: 'ham', key3: 'sausage' });
    });

    it('keeps nothing readable with a timeout of 0 or less, and drops the old value', async () => {
      const c = getCache();
      await c.set('key1', 'eggs', 0);
      expect(await c.get('key1')).toBeUndefined();
      await c.set('key2', 'old');
      await c.set('key2', 'new', -1);
      expect(await c.get('key2')).toBeUndefined();
      await c.setMany({ key3: 'sausage', key4: 'bisque' }, 0);
      expect(await c.getMany(['key3', 'key4'])).toEqual({});
    });

    it('takes float timeouts', async () => {
      const c = getCache();
      await c.set('key1', 'spam', 0.5);
      clock.advance(0.4);
      expect(await c.get('key1')).toBe('spam');
      clock.advance(0.2);
      expect(await c.get('key1')).toBeUndefined();
    });

    it('getOrSet stores and returns the default, or the cached value', async () => {
      const c = getCache();
      expect(await c.get('projector')).toBeUndefined();
      expect(await c.getOrSet('projector', 42)).toBe(42);
      expect(await c.get('projector')).toBe(42);
      expect(await c.getOrSet('projector', 43)).toBe(42);
      expect(await c.getOrSet('null', null)).toBeNull();
      expect(await c.get('null', 'default')).toBeNull();
    });

    it('getOrSet calls a function default, sync or async, only on a miss', async () => {
      const c = getCache();
      let calls = 0;
      const compute = async () => {
        calls += 1;
        return 'computed';
      };
      expect(await c.getOrSet('mykey', compute)).toBe('computed');
      expect(await c.getOrSet('mykey', compute)).toBe('computed');
      expect(calls).toBe(1);
      expect(await c.getOrSet('sync', () => 7)).toBe(7);
    });

    it('getOrSet: another writer’s value wins a race', async () => {
      const c = getCache();
      const value = await c.getOrSet('race', async () => {
        await c.set('race', 'theirs');
        return 'mine';
      });
      expect(value).toBe('theirs');
      expect(await c.get('race')).toBe('theirs');
    });

    it('getOrSet with timeout 0 returns the computed value and keeps nothing', async () => {
      const c = getCache();
      expect(await c.getOrSet('zero', () => 'v', 0)).toBe('v');
      expect(await c.has('zero')).toBe(false);
    });

    it('getOrSet computes once for concurrent calls on one key', async () => {
      const c = getCache();
      let calls = 0;
      const slow = () =>
        new Promise<string>((resolve) => {
          calls += 1;
          setTimeout(() => resolve('once'), 5);
        });
      const results = await Promise.all([c.getOrSet('k', slow), c.getOrSet('k', slow), c.getOrSet('k', slow)]);
      expect(results).toEqual(['once', 'once', 'once']);
      expect(calls).toBe(1);
    });

    it('getOrSet lets a throwing default reject and stores nothing', async () => {
      const c = getCache();
      await expect(
        c.getOrSet('boom', () => {
          throw new Error('render failed');
        }),
      ).rejects.toThrow('render failed');
      expect(await c.has('boom')).toBe(false);
    });

    it('versions: per call and per alias over the same location', async () => {
      const c = getCache();
      const v2 = getCache('v2');
      await c.set('answer1', 42);
      expect(await c.get('answer1')).toBe(42);
      expect(await c.get('answer1', undefined, { version: 1 })).toBe(42);
      expect(await c.get('answer1', undefined, { version: 2 })).toBeUndefined();
      expect(await v2.get('answer1')).toBeUndefined();
      expect(await v2.get('answer1', undefined, { version: 1 })).toBe(42);

      await c.set('answer2', 42, undefined, { version: 2 });
      expect(await c.get('answer2')).toBeUndefined();
      expect(await c.get('answer2', undefined, { version: 2 })).toBe(42);
      expect(await v2.get('answer2')).toBe(42);

      await v2.set('answer3', 42);
      expect(await c.get('answer3')).toBeUndefined();
      expect(await c.get('answer3', undefined, { version: 2 })).toBe(42);

      await v2.set('answer4', 42, undefined, { version: 1 });
      expect(await c.get('answer4')).toBe(42);
      expect(await v2.get('answer4')).toBeUndefined();
    });

    it('versions apply to add, has, delete, getMany, setMany, deleteMany, incr', async () => {
      const c = getCache();
      const v2 = getCache('v2');
      expect(await c.add('answer', 37, undefined, { version: 2 })).toBe(true);
      expect(await c.add('answer', 42, undefined, { version: 2 })).toBe(false);
      expect(await v2.get('answer')).toBe(37);
      expect(await c.has('answer', { version: 2 })).toBe(true);
      expect(await c.has('answer')).toBe(false);
      expect(await c.delete('answer')).toBe(false);
      expect(await c.delete('answer', { version: 2 })).toBe(true);

      await c.setMany({ ford1: 37, arthur1: 42 }, undefined, { version: 2 });
      expect(await c.getMany(['ford1', 'arthur1'])).toEqual({});
      expect(await c.getMany(['ford1', 'arthur1'], { version: 2 })).toEqual({ ford1: 37, arthur1: 42 });
      expect(await v2.getMany(['ford1', 'arthur1'])).toEqual({ ford1: 37, arthur1: 42 });
      await c.deleteMany(['ford1', 'arthur1'], { version: 2 });
      expect(await v2.getMany(['ford1', 'arthur1'])).toEqual({});

      await c.set('answer1', 37, undefined, { version: 1 });
      await c.set('answer1', 42, undefined, { version: 2 });
      expect(await c.incr('answer1', 1, { version: 2 })).toBe(43);
      expect(await c.get('answer1')).toBe(37);
      expect(await v2.decr('answer1')).toBe(42);
    });

    it('incrVersion and decrVersion move the value and drop the old version', async () => {
      const c = getCache();
      const v2 = getCache('v2');
      await c.set('answer', 42, undefined, { version: 2 });
      expect(await c.get('answer')).toBeUndefined();
      expect(await c.get('answer', undefined, { version: 2 })).toBe(42);
      expect(await c.incrVersion('answer', 1, { version: 2 })).toBe(3);
      expect(await c.get('answer', undefined, { version: 2 })).toBeUndefined();
      expect(await c.get('answer', undefined, { version: 3 })).toBe(42);

      await v2.set('answer2', 42);
      expect(await v2.incrVersion('answer2')).toBe(3);
      expect(await v2.get('answer2')).toBeUndefined();
      expect(await v2.get('answer2', undefined, { version: 3 })).toBe(42);

      expect(await c.decrVersion('answer', 1, { version: 3 })).toBe(2);
      expect(await c.get('answer', undefined, { version: 2 })).toBe(42);
      expect(await c.get('answer', undefined, { version: 3 })).toBeUndefined();

      await expect(c.incrVersion('does_not_exist')).rejects.toBeInstanceOf(CacheMissError);
      await expect(c.decrVersion('does_not_exist')).rejects.toBeInstanceOf(CacheMissError);
    });

    it('incrVersion keeps the expiry', async () => {
      const c = getCache();
      await c.set('short', 'x', 10);
      await c.incrVersion('short');
      clock.advance(9);
      expect(await c.get('short', undefined, { version: 2 })).toBe('x');
      clock.advance(2);
      expect(await c.get('short', undefined, { version: 2 })).toBeUndefined();
    });

    it('custom key functions decide the stored key', async () => {
      const c = getCache();
      const custom = getCache('custom_key');
      const custom2 = getCache('custom_key2');
      await c.set('answer1', 42);
      expect(await c.get('answer1')).toBe(42);
      expect(await custom.get('answer1')).toBeUndefined();
      expect(await custom2.get('answer1')).toBeUndefined();
      await custom.set('answer2', 42);
      expect(await c.get('answer2')).toBeUndefined();
      expect(await custom.get('answer2')).toBe(42);
      expect(await custom2.get('answer2')).toBe(42);
      expect(custom.makeKey('answer2')).toBe('CUSTOM--1-answer2');
    });

    it('culls as Django: 49 distinct keys with maxEntries 30 leave 29; with cullFrequency 0, 19', async () => {
      for (const [alias, expected] of [['small', 29], ['zero', 19]] as const) {
        const c = getCache(alias);
        for (let i = 1; i < 50; i += 1) await c.set(`cull${i}`, 'value', 1000);
        let count = 0;
        for (let i = 1; i < 50; i += 1) if (await c.has(`cull${i}`)) count += 1;
        expect(count, alias).toBe(expected);
      }
    });

    it('setMany and add cull too; incr and touch never do', async () => {
      const c = getCache('small');
      const keys = Array.from({ length: 49 }, (_, i) => `many${i}`);
      const addedKeys = Array.from({ length: 21 }, (_, i) => `added${i}`);
      const liveCount = async () => Object.keys(await c.getMany([...keys, ...addedKeys])).length;
      await c.setMany(Object.fromEntries(keys.map((k, i) => [k, i])));
      expect(await liveCount()).toBe(29);
      // 29 → 30, then a cull to 20 before the 2nd add, and so on: 20 adds end at 29, one more at 30.
      for (const key of addedKeys.slice(0, 20)) expect(await c.add(key, 0)).toBe(true);
      expect(await liveCount()).toBe(29);
      expect(await c.add('added20', 0)).toBe(true);
      expect(await liveCount()).toBe(30);
      // The store is full: a write would cull now, incr and touch must not.
      for (let i = 0; i < 5; i += 1) await c.incr('added20');
      expect(await c.touch('added20', 100)).toBe(true);
      expect(await c.touch('added19', null)).toBe(true);
      expect(await liveCount()).toBe(30);
      expect(await c.get('added20')).toBe(5);
    });

    it('culls expired entries before live ones', async () => {
      const c = getCache('lru');
      for (let i = 0; i < 3; i += 1) await c.set(`short${i}`, i, 1);
      for (let i = 0; i < 6; i += 1) await c.set(`long${i}`, i, null);
      clock.advance(2);
      await c.set('new', 'n', null);
      for (let i = 0; i < 6; i += 1) expect(await c.get(`long${i}`), `long${i}`).toBe(i);
      expect(await c.get('new')).toBe('n');
    });

    it('LRU: get moves a key to the front', async () => {
      const c = getCache('lru');
      for (let key = 0; key < 9; key += 1) await c.set(String(key), key, null);
      for (let key = 0; key < 6; key += 1) expect(await c.get(String(key))).toBe(key);
      await c.set('9', 9, null);
      for (let key = 0; key < 6; key += 1) expect(await c.get(String(key))).toBe(key);
      for (let key = 6; key < 9; key += 1) expect(await c.get(String(key))).toBeUndefined();
      expect(await c.get('9')).toBe(9);
    });

    it('LRU: set moves a key to the front', async () => {
      const c = getCache('lru');
      for (let key = 0; key < 9; key += 1) await c.set(String(key), key, null);
      for (let key = 3; key < 9; key += 1) await c.set(String(key), key, null);
      await c.set('9', 9, null);
      for (let key = 3; key < 10; key += 1) expect(await c.get(String(key))).toBe(key);
      for (let key = 0; key < 3; key += 1) expect(await c.get(String(key))).toBeUndefined();
    });

    it('LRU: incr moves a key to the front', async () => {
      const c = getCache('lru');
      for (let key = 0; key < 9; key += 1) await c.set(String(key), key, null);
      for (let key = 0; key < 6; key += 1) expect(await c.incr(String(key))).toBe(key + 1);
      await c.set('9', 9, null);
      for (let key = 0; key < 6; key += 1) expect(await c.get(String(key))).toBe(key + 1);
      for (let key = 6; key < 9; key += 1) expect(await c.get(String(key))).toBeUndefined();
      expect(await c.get('9')).toBe(9);
    });

    it('keeps tags with the entry', async () => {
      const c = getCache();
      await c.set('tagged', 1, 60, { tags: ['authors', 'author:7', 'authors'] });
      const entry = await c.store.get(c.makeKey('tagged'), clock.now());
      expect(entry?.tags.sort()).toEqual(['author:7', 'authors']);
      expect(entry?.expires).toBe(clock.now() + 60_000);
    });

    it('keeps the time the value was stored with the entry: writes set it; touch, incr and version moves keep it', async () => {
      const c = getCache();
      const written = clock.now();
      await c.set('s', 1, 60);
      await c.add('a', 1, 60);
      await c.setMany({ m: 1 }, 60);
      clock.advance(5);
      expect(await c.touch('s', 120)).toBe(true);
      expect(await c.incr('s')).toBe(2);
      expect(await c.incrVersion('a')).toBe(2);
      expect((await c.getEntry('s'))?.stored).toBe(written);
      expect((await c.getEntry('a', { version: 2 }))?.stored).toBe(written);
      expect((await c.getEntry('m'))?.stored).toBe(written);
      expect((await c.store.list(clock.now())).find((info) => info.key === c.makeKey('s'))?.stored).toBe(written);
      await c.set('s', 3, 60);
      expect(await c.getEntry('s')).toMatchObject({ value: 3, stored: clock.now() });
      expect(await c.getEntry('missing')).toBeUndefined();
      expect(c.stats()).toEqual({ hits: 4, misses: 1 }); // getEntry counts as get does
    });

    it('close releases the store; the next call reopens it', async () => {
      const c = getCache();
      await c.set('persist', 'yes', null);
      await c.close();
      expect(await c.get('persist')).toBe('yes');
      await c.close();
      await c.set('after-close', 1);
      expect(await c.get('after-close')).toBe(1);
    });

    describe('listing and tags', () => {
      it('list shows every live entry’s facts, without its value', async () => {
        const c = getCache();
        await c.set('a', 'A', 60, { tags: ['authors', 'author:7'] });
        await c.set('b', { n: 1 }, null);
        const listed = await c.store.list(clock.now());
        expect(listed.map((info) => info.key).sort()).toEqual([c.makeKey('a'), c.makeKey('b')].sort());
        for (const info of listed) expect(info).not.toHaveProperty('value');
        const a = listed.find((info) => info.key === c.makeKey('a'));
        expect(a?.expires).toBe(clock.now() + 60_000);
        expect(a?.tags.sort()).toEqual(['author:7', 'authors']);
        expect(a?.size).toBeGreaterThan(0);
        expect(listed.find((info) => info.key === c.makeKey('b'))).toMatchObject({ expires: Infinity, tags: [] });
      });

      it('list shows a hit’s use, hides expired entries and reflects deletes', async () => {
        const c = getCache();
        await c.set('short', 1, 10);
        await c.set('long', 2, null);
        await c.set('gone', 3, null);
        const hit = await c.store.get(c.makeKey('long'), clock.now());
        const long = (await c.store.list(clock.now())).find((info) => info.key === c.makeKey('long'));
        expect(long?.used).toBe(hit?.used);
        clock.advance(11);
        expect(await c.delete('gone')).toBe(true);
        expect((await c.store.list(clock.now())).map((info) => info.key)).toEqual([c.makeKey('long')]);
        await c.clear();
        expect(await c.store.list(clock.now())).toEqual([]);
      });

      it('deleteTagged removes entries with any of the tags, across versions and key prefixes, reporting live ones', async () => {
        const c = getCache();
        const v2 = getCache('v2');
        const prefixed = getCache('prefix');
        const other = getCache('small'); // another location
        await c.set('a', 1, null, { tags: ['authors', 'author:7'] });
        await v2.set('a', 2, null, { tags: ['author:7'] });
        await prefixed.set('p', 3, null, { tags: ['other', 'authors'] });
        await c.set('expired', 4, 10, { tags: ['authors'] });
        await c.set('untagged', 5, null);
        await c.set('books', 6, null, { tags: ['books'] });
        await other.set('a', 7, null, { tags: ['authors'] });
        clock.advance(11);

        const removed = await c.store.deleteTagged(['authors', 'author:7', 'absent'], clock.now());
        expect(removed.sort()).toEqual([c.makeKey('a'), v2.makeKey('a'), prefixed.makeKey('p')].sort());
        expect(await c.get('a')).toBeUndefined();
        expect(await v2.get('a')).toBeUndefined();
        expect(await prefixed.get('p')).toBeUndefined();
        expect(await c.get('untagged')).toBe(5);
        expect(await c.get('books')).toBe(6);
        expect(await other.get('a')).toBe(7);
        expect((await c.store.list(clock.now())).map((info) => info.key).sort()).toEqual([c.makeKey('books'), c.makeKey('untagged')].sort());

        expect(await c.store.deleteTagged(['authors'], clock.now())).toEqual([]);
        expect(await c.store.deleteTagged([], clock.now())).toEqual([]);
        expect(await c.get('books')).toBe(6);
      });

      it('deletePrefix removes exactly the live stored keys under the prefix, and counts them', async () => {
        const c = getCache();
        const v2 = getCache('v2');
        const other = getCache('small'); // another location
        for (const key of ['user:1', 'user:2', 'user:10', 'user:\uffff', 'user:\uffff:x', 'expired-user']) await c.set(key, key, null);
        await c.set('user:3', 3, 10); // expires before the deletion
        // Neighbours of the range: the next code unit after ':' is ';', and shorter or other prefixes.
        for (const key of ['user;1', 'user', 'users:1', 'usen:1']) await c.set(key, key, null);
        await v2.set('user:1', 'v2', null);
        await other.set('user:1', 'other', null);
        clock.advance(11);

        // Five live entries; the expired one may go too (a key range does), or be left to a cull.
        expect([5, 6]).toContain(await c.store.deletePrefix(c.makeKey('user:'), clock.now()));
        const left = (await c.store.list(clock.now())).map((info) => info.key).sort();
        expect(left).toEqual([c.makeKey('expired-user'), c.makeKey('usen:1'), c.makeKey('user'), c.makeKey('user;1'), c.makeKey('users:1'), v2.makeKey('user:1')].sort());
        expect(await other.get('user:1')).toBe('other');
        expect(await c.store.deletePrefix(c.makeKey('user:'), clock.now())).toBe(0);
        // A new write after the deletion is counted and culled as usual.
        await c.set('user:1', 'again', null);
        expect(await c.get('user:1')).toBe('again');
      });

      it('tags lists the distinct tags under a prefix, without reading values', async () => {
        const c = getCache();
        await c.set('a', 1, null, { tags: ['cachette:url:https://app.test/a', 'authors'] });
        await c.set('b', 2, null, { tags: ['cachette:url:https://app.test/b', 'authors'] });
        await c.set('b2', 3, null, { tags: ['cachette:url:https://app.test/b'] });
        await c.set('c', 4, null, { tags: ['cachette:urlish'] });
        expect((await c.store.tags('cachette:url:', clock.now())).sort()).toEqual(['cachette:url:https://app.test/a', 'cachette:url:https://app.test/b']);
        expect((await c.store.tags('', clock.now())).sort()).toEqual(['authors', 'cachette:url:https://app.test/a', 'cachette:url:https://app.test/b', 'cachette:urlish']);
        expect(await c.store.tags('nothing', clock.now())).toEqual([]);
      });

      it('list with a limit lists at most that many live entries; count counts the live ones', async () => {
        const c = getCache();
        for (const key of ['a', 'b', 'c', 'd', 'e']) await c.set(key, key, null);
        await c.set('soon', 1, 10);
        await getCache('small').set('elsewhere', 1, null); // another location
        expect(await c.store.count(clock.now())).toBe(6);
        clock.advance(11);
        expect(await c.store.count(clock.now())).toBe(5);
        const all = (await c.store.list(clock.now())).map((info) => info.key).sort();
        expect(all).toEqual(['a', 'b', 'c', 'd', 'e'].map((key) => c.makeKey(key)));
        const some = await c.store.list(clock.now(), 2);
        expect(some).toHaveLength(2);
        for (const info of some) expect(all).toContain(info.key);
        expect(await c.store.list(clock.now(), 0)).toEqual([]);
        expect(await c.store.list(clock.now(), 50)).toHaveLength(5);
      });
    });

    describe('bad input is a TypeError that names it, and loses nothing', () => {
      beforeEach(async () => {
        await getCache().set('survivor', 'still here');
      });
      afterEach(async () => {
        expect(await getCache().get('survivor')).toBe('still here');
      });

      it('rejects keys that are not strings, in every method', async () => {
        const c = getCache();
        const bad = [42, null, undefined, { toString: () => 'x' }, Symbol('s')] as unknown as string[];
        for (const key of bad) {
          await expect(c.get(key)).rejects.toThrow(TypeError);
          await expect(c.set(key, 1)).rejects.toThrow(/keys must be strings/);
          await expect(c.add(key, 1)).rejects.toThrow(TypeError);
          await expect(c.getOrSet(key, 1)).rejects.toThrow(TypeError);
          await expect(c.delete(key)).rejects.toThrow(TypeError);
          await expect(c.has(key)).rejects.toThrow(TypeError);
          await expect(c.touch(key)).rejects.toThrow(TypeError);
          await expect(c.incr(key)).rejects.toThrow(TypeError);
          await expect(c.incrVersion(key)).rejects.toThrow(TypeError);
          await expect(c.getMany([key])).rejects.toThrow(TypeError);
          await expect(c.deleteMany(['survivor', key])).rejects.toThrow(TypeError);
        }
        await expect(c.getMany('abc' as unknown as string[])).rejects.toThrow(/iterable of strings/);
        await expect(c.setMany(null as unknown as Record<string, unknown>)).rejects.toThrow(/setMany takes an object/);
      });

      it('rejects timeouts that are not finite numbers or null', async () => {
        const c = getCache();
        for (const timeout of ['10', Number.NaN, Infinity, {}, true]) {
          await expect(c.set('k', 1, timeout as unknown as number)).rejects.toThrow(/timeout for key 'k' must be a finite number of seconds or null/);
          await expect(c.add('k', 1, timeout as unknown as number)).rejects.toThrow(TypeError);
          await expect(c.touch('survivor', timeout as unknown as number)).rejects.toThrow(TypeError);
          await expect(c.getOrSet('k', 1, timeout as unknown as number)).rejects.toThrow(TypeError);
        }
        expect(await c.has('k')).toBe(false);
      });

      it('rejects versions that are not integers, and tags that are not strings', async () => {
        const c = getCache();
        await expect(c.get('k', undefined, { version: 1.5 })).rejects.toThrow(/version must be an integer, got number 1.5/);
        await expect(c.set('k', 1, undefined, { version: '2' as unknown as number })).rejects.toThrow(TypeError);
        await expect(c.set('k', 1, undefined, { tags: 'authors' as unknown as string[] })).rejects.toThrow(/tags for key 'k' must be an array of strings/);
        await expect(c.incrVersion('survivor', 0.5)).rejects.toThrow(/delta must be an integer/);
      });

      it('rejects a value the backend cannot store, naming the key; the old value and the others survive', async () => {
        const c = getCache();
        await c.set('victim', 'old value');
        const unstorable = { nested: { fn: () => 1 } };
        await expect(c.set('victim', unstorable)).rejects.toThrow(TypeError);
        await expect(c.set('victim', unstorable)).rejects.toThrow(/'victim'/);
        expect(await c.get('victim')).toBe('old value');
        await expect(c.add('fresh', unstorable)).rejects.toThrow(/'fresh'/);
        expect(await c.has('fresh')).toBe(false);
        await expect(c.setMany({ good: 1, bad: unstorable })).rejects.toThrow(/'bad'/);
        expect(await c.has('good')).toBe(false);
      });

      it('rejects an unstorable value even when the store is full, without culling', async () => {
        const c = getCache('lru');
        for (let key = 0; key < 9; key += 1) await c.set(String(key), key, null);
        await expect(c.set('bad', () => 1)).rejects.toThrow(/'bad'/);
        for (let key = 0; key < 9; key += 1) expect(await c.get(String(key))).toBe(key);
      });
    });
  });
}

/** Django's DummyCacheTests: the interface, caching nothing. */
export function runDummyContract(): void {
  describe('dummy: caches nothing, with Django’s return values', () => {
    beforeEach(() => setup('dummy', new FakeClock()));

    it('reads miss, add succeeds, delete/has/touch are false, incr rejects', async () => {
      const c = getCache();
      await c.set('key', 'value');
      expect(await c.get('key')).toBeUndefined();
      expect(await c.get('key', 'fallback')).toBe('fallback');
      expect(await c.add('addkey1', 'value')).toBe(true);
      expect(await c.add('addkey1', 'newvalue')).toBe(true);
      expect(await c.get('addkey1')).toBeUndefined();
      expect(await c.getMany(['a', 'b'])).toEqual({});
      expect(await c.delete('key')).toBe(false);
      expect(await c.has('key')).toBe(false);
      expect(await c.touch('key')).toBe(false);
      await expect(c.incr('answer')).rejects.toBeInstanceOf(CacheMissError);
      await expect(c.decr('answer')).rejects.toBeInstanceOf(CacheMissError);
      await expect(c.incrVersion('answer')).rejects.toBeInstanceOf(CacheMissError);
      expect(await c.setMany({ a: 1, b: 2 })).toEqual([]);
      await c.deleteMany(['a', 'b']);
      await c.clear();
      await c.close();
    });

    it('list, deleteTagged, deletePrefix and tags find nothing', async () => {
      const c = getCache();
      await c.set('tagged', 1, null, { tags: ['t'] });
      expect(await c.store.list(Date.now())).toEqual([]);
      expect(await c.store.deleteTagged(['t'], Date.now())).toEqual([]);
      expect(await c.store.deletePrefix(c.makeKey('tag'), Date.now())).toBe(0);
      expect(await c.store.tags('', Date.now())).toEqual([]);
    });

    it('getOrSet returns the computed default every time', async () => {
      const c = getCache();
      let calls = 0;
      expect(await c.getOrSet('mykey', () => (calls += 1))).toBe(1);
      expect(await c.getOrSet('mykey', () => (calls += 1))).toBe(2);
    });

    it('still rejects bad keys and timeouts', async () => {
      const c = getCache();
      await expect(c.get(1 as unknown as string)).rejects.toThrow(TypeError);
      await expect(c.set('k', 1, 'soon' as unknown as number)).rejects.toThrow(TypeError);
    });
  });
}
