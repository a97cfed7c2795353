import { describe, expect, it } from 'vitest';
import { cache, defineCaches, getCache, type Backend, type CacheOptions, type Entry } from '../../src/index.js';

describe('defineCaches and getCache (Django’s CacheHandlerTest)', () => {
  it('returns the same instance for the same alias, and another for another alias', () => {
    defineCaches({ default: { backend: 'memory' }, other: { backend: 'memory', location: 'other' } });
    expect(getCache('default')).toBe(getCache('default'));
    expect(getCache()).toBe(getCache('default'));
    expect(getCache('other')).not.toBe(getCache('default'));
  });

  it('defaults to one idb alias before any call, with Django’s defaults', async () => {
    // A fresh module registry: the configuration this realm starts with.
    const { vi } = await import('vitest');
    vi.resetModules();
    const fresh = await import('../../src/index.js');
    const c = fresh.getCache();
    expect(c.options).toMatchObject({ backend: 'idb', location: '', timeout: 300, keyPrefix: '', version: 1, maxEntries: 300, cullFrequency: 3 });
    expect(c.makeKey('k')).toBe(':1:k');
  });

  it('replaces the configuration on a second call; `cache` follows the default alias', async () => {
    defineCaches({ default: { backend: 'memory', location: 'first' } });
    await cache.set('where', 'first');
    const before = getCache();
    defineCaches({ default: { backend: 'memory', location: 'second' } });
    expect(getCache()).not.toBe(before);
    expect(await cache.get('where')).toBeUndefined();
    expect(cache.options.location).toBe('second');
    defineCaches({ default: { backend: 'memory', location: 'first' } });
    expect(await cache.get('where')).toBe('first');
  });

  it('shares one store between aliases with the same backend and location', async () => {
    defineCaches({
      default: { backend: 'memory', location: 'shared' },
      again: { backend: 'memory', location: 'shared', keyPrefix: 'p' },
      apart: { backend: 'memory', location: 'apart' },
    });
    expect(getCache('again').store).toBe(getCache('default').store);
    expect(getCache('apart').store).not.toBe(getCache('default').store);
  });

  it('names an unknown alias and lists the defined ones', () => {
    defineCaches({ default: { backend: 'memory' }, pages: { backend: 'memory' } });
    expect(() => getCache('nonexistent')).toThrow(TypeError);
    expect(() => getCache('nonexistent')).toThrow(/unknown cache alias 'nonexistent'; defined aliases: 'default', 'pages'/);
  });

  it('rejects an unknown backend, naming it and the accepted ones; the old configuration stays', async () => {
    defineCaches({ default: { backend: 'memory', location: 'kept' } });
    await cache.set('k', 'v');
    expect(() => defineCaches({ default: { backend: 'redis' as CacheOptions['backend'] } })).toThrow(
      /unknown backend 'redis' for cache 'default'; accepted: 'idb', 'cache-storage', 'memory', 'dummy', or a backend object/,
    );
    expect(await cache.get('k')).toBe('v');
  });

  it('takes a backend object where it takes a name; a bad one is a TypeError saying what is wrong', async () => {
    const opened: string[] = [];
    const mine: Backend = {
      name: 'mine',
      open: (location) => {
        opened.push(location);
        const entries = new Map<string, Entry>();
        return {
          get: async (key) => entries.get(key),
          set: async (list) => list.forEach((e) => entries.set(e.key, e)),
          delete: async (keys) => keys.filter((k) => entries.delete(k)),
          list: async () => [...entries.values()].map(({ value: _v, ...info }) => info),
          clear: async () => entries.clear(),
        };
      },
    };
    defineCaches({ default: { backend: mine, location: 'a' }, other: { backend: mine, location: 'a' }, b: { backend: mine, location: 'b' } });
    await cache.set('k', 'v');
    expect(await getCache('other').get('k')).toBe('v');
    expect(await getCache('b').add('k', 'w')).toBe(true); // the core's add over get + set
    expect(opened).toEqual(['a', 'b']); // one store per (backend, location)
    expect(getCache().store.backend).toBe('mine');
    expect(getCache().store.capabilities).toEqual({ sharing: 'realm' });

    const bad: Array<[unknown, RegExp]> = [
      [{ open: () => ({}) }, /the backend object of cache 'default' is not a backend: its name must be 1 to 64 letters/],
      [{ name: 'x' }, /not a backend: it has no open\(location\) method/],
      [{ name: 'x', open: () => ({}), capabilities: { sharing: 'everyone' } }, /its capabilities must be an object like \{ sharing: 'none' \| 'realm' \| 'origin' \}/],
      [42, /unknown backend number 42 for cache 'default'; accepted: 'idb', 'cache-storage', 'memory', 'dummy', or a backend object \{ name, open\(location\) \}/],
    ];
    for (const [backend, message] of bad) expect(() => defineCaches({ default: { backend: backend as Backend } })).toThrow(message);
    defineCaches({ default: { backend: { name: 'half', open: () => ({ get: async () => undefined }) as never } } });
    expect(() => getCache()).toThrow(/backend 'half' opened a store without set, delete, list, clear; a store needs get, set, delete, list and clear/);
  });

  it('rejects malformed options, naming the alias and the option', () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ backend: 'memory', timeout: '300' }, /cache 'default': timeout must be a finite number/],
      [{ backend: 'memory', timeout: Number.NaN }, /timeout/],
      [{ backend: 'memory', maxEntries: 0 }, /maxEntries must be a positive integer, got number 0/],
      [{ backend: 'memory', maxEntries: 2.5 }, /maxEntries/],
      [{ backend: 'memory', cullFrequency: -1 }, /cullFrequency must be an integer >= 0/],
      [{ backend: 'memory', version: 1.5 }, /version must be an integer/],
      [{ backend: 'memory', keyPrefix: 7 }, /keyPrefix must be a string/],
      [{ backend: 'memory', location: null }, /location must be a string/],
      [{ backend: 'memory', keyFunction: 'x' }, /keyFunction must be a function/],
      [{ backend: 'memory', maxEntrys: 10 }, /unknown option 'maxEntrys' for cache 'default'; accepted: backend, location/],
      [{ backend: undefined }, /unknown backend undefined/],
      ['memory', /options of cache 'default' must be an object/],
    ];
    for (const [options, message] of bad) {
      expect(() => defineCaches({ default: options as CacheOptions })).toThrow(TypeError);
      expect(() => defineCaches({ default: options as CacheOptions })).toThrow(message);
    }
    expect(() => defineCaches({ pages: { backend: 'memory' } } as never)).toThrow(/needs a 'default' alias/);
    expect(() => defineCaches(null as never)).toThrow(/takes an object of alias/);
    expect(() => defineCaches({ default: { backend: 'memory' } }, { clock: {} as never })).toThrow(/clock option/);
  });

  it('rejects a keyFunction that returns something else than a string', async () => {
    defineCaches({ default: { backend: 'memory', keyFunction: () => 42 as unknown as string } });
    await expect(cache.get('k')).rejects.toThrow(/keyFunction of cache 'default' must return a string, got number 42/);
  });
});
