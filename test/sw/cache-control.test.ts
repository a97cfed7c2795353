import { describe, expect, it } from 'vitest';
import { maxAgeSeconds, parseCacheControl, splitHeaderList } from '../../src/sw/cache-control';

describe('parseCacheControl', () => {
  it('gives an empty map for a missing or empty header', () => {
    expect(parseCacheControl(null).size).toBe(0);
    expect(parseCacheControl('').size).toBe(0);
    expect(parseCacheControl(' , ,, ').size).toBe(0);
  });

  it('lowercases names, keeps values, and marks valueless directives true', () => {
    const cc = parseCacheControl('Public, MAX-AGE=60,no-transform');
    expect([...cc]).toEqual([
      ['public', true],
      ['max-age', '60'],
      ['no-transform', true],
    ]);
  });

  it('trims whitespace around names, values and commas', () => {
    const cc = parseCacheControl('  max-age = 30 ,\tprivate  ');
    expect(cc.get('max-age')).toBe('30');
    expect(cc.get('private')).toBe(true);
  });

  it('unquotes quoted values, keeping commas and escapes inside them', () => {
    const cc = parseCacheControl('no-cache="Set-Cookie, X-Foo", private="a\\"b", max-age="5"');
    expect(cc.get('no-cache')).toBe('Set-Cookie, X-Foo');
    expect(cc.get('private')).toBe('a"b');
    expect(cc.get('max-age')).toBe('5');
  });

  it('keeps the first of duplicate directives', () => {
    expect(parseCacheControl('max-age=10, Max-Age=99').get('max-age')).toBe('10');
  });

  it('tolerates garbage', () => {
    const cc = parseCacheControl('=oops, ,"unterminated, max-age=7');
    expect(cc.has('')).toBe(false);
    expect(() => parseCacheControl('"""=,,,==\\')).not.toThrow();
    expect(parseCacheControl('no-cache="unterminated').get('no-cache')).toBe('unterminated');
  });
});

describe('splitHeaderList', () => {
  it('splits on commas outside quotes and drops empty elements', () => {
    expect(splitHeaderList('a, b="x, y",, c')).toEqual(['a', 'b="x, y"', 'c']);
  });
});

describe('maxAgeSeconds', () => {
  const ages = (value: string | null) =>
    maxAgeSeconds(new Headers(value === null ? {} : { 'Cache-Control': value }));

  it('reads max-age as a non-negative integer', () => {
    expect(ages('public, max-age=30')).toBe(30);
    expect(ages('max-age=0')).toBe(0);
    expect(ages('MAX-AGE=86400')).toBe(86400);
    expect(ages('max-age="45"')).toBe(45);
  });

  it('ignores s-maxage, which is for shared caches', () => {
    expect(ages('s-maxage=30')).toBeUndefined();
    expect(ages('s-maxage=30, max-age=5')).toBe(5);
  });

  it('is undefined when absent or malformed', () => {
    expect(ages(null)).toBeUndefined();
    expect(ages('public')).toBeUndefined();
    expect(ages('max-age')).toBeUndefined();
    expect(ages('max-age=')).toBeUndefined();
    expect(ages('max-age=-1')).toBeUndefined();
    expect(ages('max-age=1.5')).toBeUndefined();
    expect(ages('max-age=abc')).toBeUndefined();
    expect(ages('max-age=10s')).toBeUndefined();
  });
});
