import { describe, expect, it } from 'vitest';
import { headerListKey, isHeaderListKey, pageKey, parseTags, routeTag, SESSION_TAG, urlOfTag, urlTag, varyTag } from '../../src/core/entry-vocabulary.js';

describe('the entry vocabulary', () => {
  it('reads back the tags it writes, and leaves the others to the caller', () => {
    const url = 'https://app.test/api/authors/1?full=1';
    expect(parseTags([urlTag(url), routeTag('route:1.0:/api/*'), 'authors', SESSION_TAG, varyTag('alice'), 7])).toEqual({
      url,
      routeId: 'route:1.0:/api/*',
      rest: ['authors', SESSION_TAG, varyTag('alice')],
    });
    expect(urlOfTag(urlTag(url))).toBe(url);
    expect(urlOfTag('authors')).toBeUndefined();
  });

  it('tells a learnt Vary list from a response by its key', () => {
    expect(isHeaderListKey(headerListKey('p', 'https://app.test/x'))).toBe(true);
    expect(isHeaderListKey(pageKey('p', 'https://app.test/x', 'h'))).toBe(false);
  });
});
