import { describe, expect, it } from 'vitest';
import { freshTag, isLegacyVaryListKey, pageKey, parseTags, routeTag, SESSION_TAG, urlOfTag, urlTag, VARY_LIST_TAG, varyTag } from '../../src/core/entry-vocabulary.js';

describe('the entry vocabulary', () => {
  it('reads back the tags it writes, and leaves the others to the caller', () => {
    const url = 'https://app.test/api/authors/1?full=1';
    expect(parseTags([urlTag(url), routeTag('route:1.0:/api/*'), 'authors', SESSION_TAG, varyTag('alice'), 7])).toEqual({
      url,
      routeId: 'route:1.0:/api/*',
      varyList: false,
      rest: ['authors', SESSION_TAG, varyTag('alice')],
    });
    expect(urlOfTag(urlTag(url))).toBe(url);
    expect(urlOfTag('authors')).toBeUndefined();
  });

  it('tells a Vary list from a response: by its tag, or by the key an earlier version gave it', () => {
    expect(parseTags([urlTag('https://app.test/x'), VARY_LIST_TAG]).varyList).toBe(true);
    expect(isLegacyVaryListKey('cachette.sw.headers.p.https://app.test/x')).toBe(true);
    expect(isLegacyVaryListKey(pageKey('p', 'https://app.test/x', 'h'))).toBe(false);
  });

  it('reads when an entry kept past its freshness goes stale, for the panel', () => {
    expect(parseTags([urlTag('https://app.test/x'), freshTag(1_800_000_000_000.4), 'authors'])).toEqual({
      url: 'https://app.test/x',
      varyList: false,
      freshUntil: 1_800_000_000_000,
      rest: ['authors'],
    });
    expect(parseTags(['cachette:fresh-until:soon']).freshUntil).toBeUndefined();
  });
});
