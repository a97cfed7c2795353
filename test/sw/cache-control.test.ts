import { describe, expect, it } from 'vitest';
import {
  MAX_DELTA_SECONDS,
  deltaSeconds,
  maxAgeSeconds,
  mentionsDirective,
  parseCacheControl,
  splitHeaderList,
} from '../../src/sw/cache-control';

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

  it('get_max_age / patch_cache_control: of duplicate directives the last wins, as in a dict', () => {
    expect(parseCacheControl('max-age=10, Max-Age=99').get('max-age')).toBe('99');
    expect(parseCacheControl('no-cache="Set-Cookie", no-cache').get('no-cache')).toBe(true);
  });

  it('keeps a broken quoted value raw instead of guessing at its end', () => {
    expect(parseCacheControl('max-age="6"0').get('max-age')).toBe('"6"0');
    expect(parseCacheControl('max-age="60').get('max-age')).toBe('"60');
    expect(parseCacheControl('no-cache="unterminated').get('no-cache')).toBe('"unterminated');
  });

  it('tolerates garbage', () => {
    const cc = parseCacheControl('=oops, ,"unterminated, max-age=7');
    expect(cc.has('')).toBe(false);
    expect(() => parseCacheControl('"""=,,,==\\')).not.toThrow();
    expect(parseCacheControl('no-cache="unterminated').has('no-cache')).toBe(true);
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

  it('is undefined only when absent', () => {
    expect(ages(null)).toBeUndefined();
    expect(ages('public')).toBeUndefined();
    expect(ages('max-agent=5, x-max-age=5')).toBeUndefined();
  });

  it('get_max_age, read by RFC 9111 §4.2.1: a negative or malformed max-age is 0 (stale at once)', () => {
    for (const bad of ['max-age', 'max-age=', 'max-age=-1', 'max-age=1.5', 'max-age=abc', 'max-age=10s', 'max-age=+5', 'max-age=60 public', 'max-age=""']) {
      expect(ages(bad), bad).toBe(0);
    }
  });

  it('get_max_age: accepts the quoted form (RFC 9111 §5.2) but not a broken one', () => {
    expect(ages('max-age="60"')).toBe(60);
    expect(ages('max-age="60')).toBe(0);
    expect(ages('max-age="6"0')).toBe(0);
  });

  it('get_max_age: the last max-age wins', () => {
    expect(ages('max-age=10, public, max-age=30')).toBe(30);
    expect(ages('max-age=30, max-age=abc')).toBe(0);
  });

  it('get_max_age: a huge max-age is clamped to 2^31 seconds (RFC 9111 §1.2.2)', () => {
    expect(ages('max-age=99999999999999999999')).toBe(2147483648);
    expect(ages(`max-age=${'9'.repeat(400)}`)).toBe(2147483648);
    expect(ages('max-age=2147483649')).toBe(2147483648);
    expect(ages('max-age=2147483647')).toBe(2147483647);
  });
});

describe('deltaSeconds', () => {
  it('reads digits only, clamped to MAX_DELTA_SECONDS, else undefined', () => {
    expect(deltaSeconds('0060')).toBe(60);
    expect(deltaSeconds('99999999999999999999')).toBe(MAX_DELTA_SECONDS);
    for (const bad of [undefined, true, '', '-1', '1.5', '1e3', ' 5', 'abc'] as const) {
      expect(deltaSeconds(bad), String(bad)).toBeUndefined();
    }
  });
});

describe('mentionsDirective', () => {
  it('finds a directive anywhere in the raw header, in any case, as a whole word', () => {
    expect(mentionsDirective('max-age=60, foo="bar, no-store', 'no-store')).toBe(true);
    expect(mentionsDirective('max-age=60 No-Store', 'no-store')).toBe(true);
    expect(mentionsDirective('max-age=60;private', 'private')).toBe(true);
    expect(mentionsDirective('private="Set-Cookie"', 'private')).toBe(true);
  });

  it('counts hyphenated lookalikes (refusing is safe), but not longer words', () => {
    expect(mentionsDirective('no-cache-ish', 'no-cache')).toBe(true);
    expect(mentionsDirective('x-private-foo', 'private')).toBe(true);
    expect(mentionsDirective('noprivate, private2, private_x, no-cachex', 'private')).toBe(false);
    expect(mentionsDirective('no-cachex, no-transform', 'no-cache')).toBe(false);
    expect(mentionsDirective(null, 'private')).toBe(false);
  });
});
