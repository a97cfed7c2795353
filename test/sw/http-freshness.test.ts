import { describe, expect, it } from 'vitest';
import { parseCacheControl } from '../../src/sw/cache-control';
import { ageValue, freshnessLifetime, initialAge, parseHttpDate, staleOnError, storedHeaders, unstorableReason, usability } from '../../src/sw/http-freshness';

const T = Date.UTC(2026, 10, 28, 12, 0, 0);
const httpDate = (ms: number) => new Date(ms).toUTCString();

describe('parseHttpDate', () => {
  it('reads the three HTTP-date forms, names in any case', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
    expect(parseHttpDate('THU, 18 AUG 2050 02:01:18 gMT')).toBe(Date.UTC(2050, 7, 18, 2, 1, 18));
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });

  it('refuses what is not an HTTP-date (the conformance suite\'s invalid Expires values)', () => {
    for (const bad of [
      '0',
      'Thu, 18 Aug 2050 02:01:18 UTC',
      'Thu, 18 Aug 2050 02:01:18 AEST',
      'Thu, 18 Aug 50 02:01:18 GMT',
      'Thu 18 Aug 2050 02:01:18 GMT',
      'Thu, 18  Aug  2050 02:01:18 GMT',
      'Thu, 18-Aug-2050 02:01:18 GMT',
      'Thu, 18 Aug 2050 02.01.18 GMT',
      'Thu, 18 Aug 2050 2:01:18 GMT',
      'Thu, 18 Aug 2050 02:01:18 GMT, Thu, 18 Aug 2050 02:01:19 GMT',
      'Thu, 18 Foo 2050 02:01:18 GMT',
    ]) {
      expect(parseHttpDate(bad), bad).toBeUndefined();
    }
    expect(parseHttpDate(null)).toBeUndefined();
  });
});

describe('ageValue and initialAge', () => {
  it('reads the first Age value as delta-seconds; a malformed one is 0', () => {
    expect(ageValue(new Headers({ Age: '7200, 0' }))).toBe(7200);
    expect(ageValue(new Headers({ Age: '0, 7200' }))).toBe(0);
    expect(ageValue(new Headers({ Age: 'abc' }))).toBe(0);
    expect(ageValue(new Headers({ Age: '-7200' }))).toBe(0);
    expect(ageValue(new Headers({ Age: '7200.0' }))).toBe(0);
    expect(ageValue(new Headers({ Age: '2147483649' }))).toBe(2147483648);
  });

  it('takes the larger of the Date-apparent age and Age plus the request time', () => {
    const headers = new Headers({ Date: httpDate(T - 10_000), Age: '3' });
    expect(initialAge(headers, T - 2_000, T)).toBe(10);
    expect(initialAge(new Headers({ Date: httpDate(T), Age: '30' }), T - 2_000, T)).toBe(32);
    // No (or an invalid) Date: the response time stands in for it.
    expect(initialAge(new Headers({ Date: 'foo' }), T, T)).toBe(0);
  });
});

describe('freshnessLifetime', () => {
  const lifetime = (init: Record<string, string>, status = 200) => freshnessLifetime(status, new Headers(init), T);

  it('prefers max-age, ignores s-maxage, and reads a bad max-age as stale', () => {
    expect(lifetime({ 'Cache-Control': 'max-age=60', Expires: httpDate(T + 3_600_000), Date: httpDate(T) })).toBe(60);
    expect(lifetime({ 'Cache-Control': 's-maxage=3600, max-age=1' })).toBe(1);
    expect(lifetime({ 'Cache-Control': "max-age='3600'" })).toBe(0);
    expect(lifetime({ 'Cache-Control': 'extension="max-age=3600", max-age=1' })).toBe(1);
  });

  it('uses Expires minus Date; an invalid Expires is already stale', () => {
    expect(lifetime({ Expires: httpDate(T + 30_000), Date: httpDate(T) })).toBe(30);
    expect(lifetime({ Expires: httpDate(T + 300_000), Date: httpDate(T + 400_000) })).toBe(0);
    expect(lifetime({ Expires: '0', Date: httpDate(T) })).toBe(0);
  });

  it('allows a tenth of the time since Last-Modified for heuristically cacheable statuses only', () => {
    const init = { 'Last-Modified': httpDate(T - 86_400_000), Date: httpDate(T) };
    expect(lifetime(init)).toBe(8640);
    expect(lifetime(init, 404)).toBe(8640);
    expect(lifetime(init, 201)).toBe(0);
    expect(lifetime({ ...init, 'Cache-Control': 'public' }, 599)).toBe(8640);
    expect(lifetime({})).toBe(0);
  });
});

describe('unstorableReason', () => {
  const get = new Request('https://app.test/a');
  const reason = (init: ResponseInit, request = get) => unstorableReason(request, new Response('x', init));

  it('stores heuristically cacheable statuses and anything with explicit freshness', () => {
    expect(reason({ status: 200 })).toBeUndefined();
    expect(reason({ status: 404 })).toBeUndefined();
    expect(reason({ status: 599, headers: { 'Cache-Control': 'public' } })).toBeUndefined();
    expect(reason({ status: 500, headers: { 'Cache-Control': 'max-age=60' } })).toBeUndefined();
    expect(reason({ status: 200, headers: { 'Cache-Control': 'no-cache' } })).toBeUndefined();
    expect(reason({ status: 200, headers: { 'Cache-Control': 'private, max-age=60' } })).toBeUndefined();
  });

  it('refuses no-store (either side), Vary: *, partial content and statuses without freshness', () => {
    expect(reason({ status: 200, headers: { 'Cache-Control': 'No-StOrE' } })).toBe('Cache-Control: no-store');
    expect(reason({ status: 200 }, new Request('https://app.test/a', { headers: { 'Cache-Control': 'no-store' } }))).toBe('request Cache-Control: no-store');
    expect(reason({ status: 200, headers: { Vary: 'Foo, *' } })).toBe('Vary: *');
    expect(reason({ status: 206 })).toBe('status 206');
    expect(reason({ status: 503 })).toBe('status 503 without explicit freshness');
    expect(reason({ status: 200 }, new Request('https://app.test/a', { method: 'POST', body: 'x' }))).toBe('method POST');
  });
});

describe('storedHeaders', () => {
  it('drops connection-specific fields and those Connection lists', () => {
    const stored = storedHeaders(new Headers({ Connection: 'a, b', a: '1', b: '2', c: '3', 'Keep-Alive': 'timeout=5', Upgrade: 'h2c' }));
    expect([...stored.keys()]).toEqual(['c']);
  });
});

describe('usability', () => {
  const cc = (header: string) => parseCacheControl(header);
  const facts = (age: number, lifetime: number, header = '') => ({ age, lifetime, directives: cc(header) });

  it('serves a fresh response, revalidates a stale one', () => {
    expect(usability(facts(10, 60), cc(''))).toBe('fresh');
    expect(usability(facts(60, 60), cc(''))).toBe('revalidate');
  });

  it('honours the request: no-cache, max-age, min-fresh, max-stale, and the page\'s cache mode', () => {
    expect(usability(facts(10, 60), cc('no-cache'))).toBe('revalidate');
    expect(usability(facts(10, 60), cc(''), 'no-cache')).toBe('revalidate');
    expect(usability(facts(10, 60), cc('max-age=5'))).toBe('revalidate');
    expect(usability(facts(10, 60), cc('min-fresh=55'))).toBe('revalidate');
    expect(usability(facts(70, 60), cc('max-stale=20'))).toBe('fresh');
    expect(usability(facts(70, 60), cc('max-stale'))).toBe('fresh');
    expect(usability(facts(70, 60), cc(''), 'force-cache')).toBe('fresh');
    expect(usability(facts(70, 60, 'must-revalidate'), cc('max-stale'))).toBe('revalidate');
  });

  it('always revalidates no-cache responses; serves stale within stale-while-revalidate', () => {
    expect(usability(facts(0, 600, 'no-cache'), cc(''))).toBe('revalidate');
    expect(usability(facts(3, 1, 'max-age=1, stale-while-revalidate=4'), cc(''))).toBe('stale-while-revalidate');
    expect(usability(facts(6, 1, 'max-age=1, stale-while-revalidate=4'), cc(''))).toBe('revalidate');
  });
});

describe('staleOnError', () => {
  const facts = (age: number, lifetime: number, header = '') => ({ age, lifetime, directives: parseCacheControl(header) });
  const none = parseCacheControl('');

  it('serves stale when disconnected, never under must-revalidate or no-cache', () => {
    expect(staleOnError(facts(100, 10), none, 'network')).toBe(true);
    expect(staleOnError(facts(100, 10, 'must-revalidate'), none, 'network')).toBe(false);
    expect(staleOnError(facts(100, 10, 'no-cache'), none, 'network')).toBe(false);
  });

  it('serves stale for a 5xx only within a stale-if-error window', () => {
    expect(staleOnError(facts(100, 10), none, 'status')).toBe(false);
    expect(staleOnError(facts(30, 10, 'stale-if-error=60'), none, 'status')).toBe(true);
    expect(staleOnError(facts(100, 10, 'stale-if-error=60'), none, 'status')).toBe(false);
    expect(staleOnError(facts(100, 10, 'stale-if-error=60'), none, 'network')).toBe(false);
  });
});
