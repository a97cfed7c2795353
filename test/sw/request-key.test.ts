// @vitest-environment node
// (Node's own Response and Blob: happy-dom's Blob is not the one Response.blob() makes.)
import { beforeEach, describe, expect, it } from 'vitest';
import { defineCaches, getCache } from '../../src/index.js';
import { md5Hex } from '../../src/core/md5.js';
import { pageKey } from '../../src/core/entry-vocabulary.js';
import { forgetVaryLists, keep, lookUp, NO_VARY, varyHash } from '../../src/sw/request-key.js';
import { toStorable } from '../../src/sw/stored-response.js';

const jar = (cookies: Record<string, string>) => ({
  getAll: async () => Object.entries(cookies).map(([name, value]) => ({ name, value })),
});

describe('request keys (Django’s learn_cache_key / get_cache_key)', () => {
  beforeEach(() => {
    defineCaches({ default: { backend: 'memory', location: `keys-${Math.random()}` } });
    forgetVaryLists();
  });

  it('keys the page by URL (with its query) and the hash of the varied values', () => {
    expect(pageKey('p', 'https://a.test/x?q=1', 'h')).toBe('cachette.sw.page.p.GET.https://a.test/x?q=1.h');
    expect(pageKey('p', 'https://a.test/x?q=1', 'h')).not.toBe(pageKey('p', 'https://a.test/x?q=2', 'h'));
    expect(pageKey('p1', 'https://a.test/x', 'h')).not.toBe(pageKey('p2', 'https://a.test/x', 'h'));
  });

  it('keeps the Vary list with the URL’s own entry, and memoises it', async () => {
    const cache = getCache();
    const url = 'https://a.test/articles';
    const fr = new Request(url, { headers: { 'accept-language': 'fr' } });
    const stored = await toStorable(new Response('fr', { headers: { vary: 'Accept-Language' } }), false);
    const hash = (await varyHash(fr, ['accept-language'])) as string;
    expect(await keep(cache, '', url, stored, { vary: ['accept-language'], hash, seconds: 60, tags: [] })).toBe(pageKey('', url, hash));
    // No response for a request without Accept-Language yet: the URL's own key holds the list.
    expect(await cache.get(pageKey('', url, NO_VARY))).toEqual({ vary: ['accept-language'] });
    forgetVaryLists();
    const found = await lookUp(cache, '', fr);
    expect(found && 'restored' in found && (await found.restored.response.text())).toBe('fr');
    expect(await lookUp(cache, '', new Request(url, { headers: { 'accept-language': 'en' } }))).toBeUndefined();
  });

  it('md5 of nothing is NO_VARY, the key of a response that does not vary', () => {
    expect(md5Hex('')).toBe(NO_VARY);
  });

  it('hashes the request’s values of the varied headers: another value, another key', async () => {
    const en = new Request('https://a.test/', { headers: { 'accept-language': 'en' } });
    const fr = new Request('https://a.test/', { headers: { 'accept-language': 'fr' } });
    const none = new Request('https://a.test/');
    expect(await varyHash(en, [])).toBe(md5Hex(''));
    expect(await varyHash(en, ['accept-language'])).not.toBe(await varyHash(fr, ['accept-language']));
    expect(await varyHash(en, ['accept-language'])).toBe(await varyHash(en.clone(), ['accept-language']));
    expect(await varyHash(none, ['accept-language'])).toBe(md5Hex(''));
  });

  it('keys a response varying on Cookie by the session read from the cookie store', async () => {
    const request = new Request('https://a.test/me');
    const alice = await varyHash(request, ['cookie'], jar({ session: 'alice' }));
    const bob = await varyHash(request, ['cookie'], jar({ session: 'bob' }));
    expect(alice).toBeDefined();
    expect(alice).not.toBe(bob);
    expect(await varyHash(request, ['cookie'], jar({ b: '2', a: '1' }))).toBe(await varyHash(request, ['cookie'], jar({ a: '1', b: '2' })));
  });

  it('gives no key when the session cannot be read (no cookie store)', async () => {
    expect(await varyHash(new Request('https://a.test/me'), ['cookie'], null)).toBeUndefined();
  });

  it('keys by Authorization as the page sent it', async () => {
    const a = new Request('https://a.test/me', { headers: { authorization: 'Bearer a' } });
    const b = new Request('https://a.test/me', { headers: { authorization: 'Bearer b' } });
    expect(await varyHash(a, ['authorization'])).not.toBe(await varyHash(b, ['authorization']));
  });
});
