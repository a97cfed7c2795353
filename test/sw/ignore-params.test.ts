// The key URL of a route with ignoreParams.
import { describe, expect, it } from 'vitest';
import { cacheUrl } from '../../src/sw/ignore-params.js';

describe('cacheUrl', () => {
  it('drops parameters named exactly or matched by a RegExp, keeping the others byte for byte and in order', () => {
    expect(cacheUrl('https://app.test/a?utm_source=x&page=2&utm_medium=y', [/^utm_/])).toBe('https://app.test/a?page=2');
    expect(cacheUrl('https://app.test/a?q=a%20b+c&fbclid=1&z=%7E', ['fbclid'])).toBe('https://app.test/a?q=a%20b+c&z=%7E');
    expect(cacheUrl('https://app.test/a?utm_source=a', [/^utm_/])).toBe('https://app.test/a');
    expect(cacheUrl('https://app.test/a?utm_source=a&id=1', [/^utm_/])).toBe(cacheUrl('https://app.test/a?id=1&utm_source=b', [/^utm_/]));
  });

  it('matches names exactly (no prefix match for strings) and decodes them as URLSearchParams does', () => {
    expect(cacheUrl('https://app.test/a?ref=1&referrer=2', ['ref'])).toBe('https://app.test/a?referrer=2');
    expect(cacheUrl('https://app.test/a?utm%5Fsource=1&a+b=2&x=3', [/^utm_/, 'a b'])).toBe('https://app.test/a?x=3');
    expect(cacheUrl('https://app.test/a?%E0%A4%A=1&x=2', ['%E0%A4%A'])).toBe('https://app.test/a?x=2');
  });

  it('leaves URLs without ignored parameters untouched, and keeps the fragment', () => {
    const url = 'https://app.test/a?b=1&&c';
    expect(cacheUrl(url, ['x'])).toBe(url);
    expect(cacheUrl(url, [])).toBe(url);
    expect(cacheUrl('https://app.test/a', [/./])).toBe('https://app.test/a');
    expect(cacheUrl('https://app.test/a?utm_x=1#top', [/^utm_/])).toBe('https://app.test/a#top');
  });

  it('a global RegExp matches every name, whatever it matched before', () => {
    const g = /^utm_/g;
    expect(cacheUrl('https://app.test/a?utm_a=1&utm_b=2&c=3', [g])).toBe('https://app.test/a?c=3');
    expect(cacheUrl('https://app.test/a?utm_a=1&utm_b=2&c=3', [g])).toBe('https://app.test/a?c=3');
  });
});
