import { describe, expect, it } from 'vitest';
import {
  isCacheableRequest,
  patchResponseHeaders,
  storeDecision,
  varyHeaders,
  type TimeoutRule,
} from '../../src/sw/cacheability';

const URL_ = 'https://example.test/api/authors';
const SITE: TimeoutRule = { kind: 'site', seconds: 600 };
const ROUTE: TimeoutRule = { kind: 'route', seconds: 600 };

function request(method = 'GET', headers: HeadersInit = {}): Request {
  return new Request(URL_, { method, headers });
}

function response(status = 200, headers: HeadersInit = {}): Response {
  return new Response(status === 204 || status === 304 ? null : 'body', { status, headers });
}

// The platform cannot construct an opaque response outside a real no-cors fetch.
function opaqueResponse(): Response {
  const stub = new Response(null, { status: 200 });
  Object.defineProperty(stub, 'type', { value: 'opaque' });
  Object.defineProperty(stub, 'status', { value: 0 });
  return stub;
}

describe('isCacheableRequest', () => {
  it('accepts GET and HEAD only', () => {
    expect(isCacheableRequest(request('GET'))).toBe(true);
    expect(isCacheableRequest(request('HEAD'))).toBe(true);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      expect(isCacheableRequest(request(method)), method).toBe(false);
    }
  });
});

describe('storeDecision', () => {
  it('stores a GET 200 for the policy seconds', () => {
    expect(storeDecision(request(), response(), SITE)).toEqual({ store: true, seconds: 600 });
    expect(storeDecision(request(), response(), ROUTE)).toEqual({ store: true, seconds: 600 });
  });

  it('never stores other statuses, 304 included', () => {
    for (const status of [404, 304, 206, 301, 302, 204, 201, 500, 503]) {
      const decision = storeDecision(request(), response(status), SITE);
      expect(decision, String(status)).toEqual({ store: false, reason: `status ${status}` });
    }
  });

  it('never stores responses to POST or PUT', () => {
    expect(storeDecision(request('POST'), response(), ROUTE)).toEqual({ store: false, reason: 'method POST' });
    expect(storeDecision(request('PUT'), response(), ROUTE)).toEqual({ store: false, reason: 'method PUT' });
  });

  it('never stores a HEAD response (HEAD is answered from the GET entry)', () => {
    const decision = storeDecision(request('HEAD'), new Response(null, { status: 200 }), SITE);
    expect(decision.store).toBe(false);
    expect(decision).toMatchObject({ reason: expect.stringContaining('HEAD') });
  });

  it('never stores private, no-cache or no-store, whatever the case or company', () => {
    const cases: Array<[string, string]> = [
      ['private', 'private'],
      ['no-cache', 'no-cache'],
      ['no-store', 'no-store'],
      ['public, max-age=60, No-Store', 'no-store'],
      ['max-age=60, PRIVATE', 'private'],
      ['no-cache="Set-Cookie", max-age=60', 'no-cache'],
      ['private="Set-Cookie"', 'private'],
    ];
    for (const [header, directive] of cases) {
      for (const policy of [SITE, ROUTE]) {
        const decision = storeDecision(request(), response(200, { 'Cache-Control': header }), policy);
        expect(decision, header).toEqual({ store: false, reason: `Cache-Control: ${directive}` });
      }
    }
  });

  it('does not mistake lookalike directives for the forbidden ones', () => {
    for (const header of ['public, no-transform', 'public, noprivate, no-cachex, no-stored, private2']) {
      const decision = storeDecision(request(), response(200, { 'Cache-Control': header }), SITE);
      expect(decision, header).toEqual({ store: true, seconds: 600 });
    }
  });

  it('UpdateCacheMiddleware: private, no-cache or no-store anywhere in the header refuses storage', () => {
    const cases: Array<[string, string]> = [
      ['max-age=60, foo="bar, no-store', 'no-store'],
      ['max-age=60 no-store', 'no-store'],
      ['max-age=60;Private', 'private'],
      ['public, ext="x private y"', 'private'],
      ['public, no-cache-ish', 'no-cache'],
      ['public, x-private-foo', 'private'],
    ];
    for (const [header, directive] of cases) {
      for (const policy of [SITE, ROUTE]) {
        const decision = storeDecision(request(), response(200, { 'Cache-Control': header }), policy);
        expect(decision, header).toEqual({ store: false, reason: `Cache-Control: ${directive}` });
      }
    }
  });

  it('never stores Vary: *', () => {
    expect(storeDecision(request(), response(200, { Vary: '*' }), SITE)).toEqual({ store: false, reason: 'Vary: *' });
    expect(storeDecision(request(), response(200, { Vary: 'Accept, *' }), ROUTE)).toEqual({
      store: false,
      reason: 'Vary: *',
    });
    expect(storeDecision(request(), response(200, { Vary: 'Accept' }), ROUTE)).toEqual({ store: true, seconds: 600 });
  });

  it('never stores a response that sets a cookie', () => {
    const withCookie = response(200);
    // A Response's headers drop Set-Cookie in a spec-exact engine (happy-dom keeps an
    // appended one); a free-standing Headers keeps it, so stand that in where needed.
    withCookie.headers.append('Set-Cookie', 'sessionid=abc');
    if (!withCookie.headers.has('set-cookie')) {
      Object.defineProperty(withCookie, 'headers', { value: new Headers({ 'Set-Cookie': 'sessionid=abc' }) });
    }
    expect(withCookie.headers.has('set-cookie')).toBe(true);
    expect(storeDecision(request('GET', { Cookie: 'a=1' }), withCookie, SITE)).toEqual({
      store: false,
      reason: 'Set-Cookie',
    });
  });

  describe('site policy (UpdateCacheMiddleware)', () => {
    it("lets the response's max-age override the seconds", () => {
      const decision = storeDecision(request(), response(200, { 'Cache-Control': 'max-age=30' }), SITE);
      expect(decision).toEqual({ store: true, seconds: 30 });
      const quoted = storeDecision(request(), response(200, { 'Cache-Control': 'max-age="30"' }), SITE);
      expect(quoted).toEqual({ store: true, seconds: 30 });
    });

    it('get_max_age: the last max-age wins', () => {
      const last = storeDecision(request(), response(200, { 'Cache-Control': 'max-age=10, public, max-age=30' }), SITE);
      expect(last).toEqual({ store: true, seconds: 30 });
      const lastBad = storeDecision(request(), response(200, { 'Cache-Control': 'max-age=30, max-age=-1' }), SITE);
      expect(lastBad.store).toBe(false);
    });

    it('UpdateCacheMiddleware: a negative or malformed max-age expires at once, so is not stored', () => {
      const bad = ['max-age=-1', 'max-age=abc', 'max-age=', 'max-age', 'max-age=1.5', 'max-age="60', 'max-age="6"0', 'max-age=+5'];
      for (const header of bad) {
        const decision = storeDecision(request(), response(200, { 'Cache-Control': header }), SITE);
        expect(decision, header).toEqual({
          store: false,
          reason: expect.stringMatching(/^Cache-Control: max-age.*stale at once/),
        });
      }
      expect(storeDecision(request(), response(200, { 'Cache-Control': 'max-age=abc' }), SITE)).toEqual({
        store: false,
        reason: 'Cache-Control: max-age=abc (not delta-seconds: stale at once)',
      });
    });

    it('UpdateCacheMiddleware: a huge max-age stores for 2^31 seconds and patches a valid Expires', () => {
      const res = response(200, { 'Cache-Control': 'public, max-age=99999999999999999999' });
      const decision = storeDecision(request(), res, SITE);
      expect(decision).toEqual({ store: true, seconds: 2147483648 });
      const headers = new Headers(res.headers);
      patchResponseHeaders(headers, decision.store ? decision.seconds : 0, Date.UTC(2024, 0, 15, 12, 0, 0));
      expect(headers.get('Expires')).toBe('Sat, 02 Feb 2092 15:14:08 GMT');
      expect(headers.get('Cache-Control')).toBe('public, max-age=2147483648');
    });

    it('does not store max-age=0', () => {
      const decision = storeDecision(request(), response(200, { 'Cache-Control': 'public, max-age=0' }), SITE);
      expect(decision).toEqual({ store: false, reason: 'Cache-Control: max-age=0' });
    });

    it('uses the seconds without max-age (s-maxage ignored)', () => {
      expect(storeDecision(request(), response(200), SITE)).toEqual({ store: true, seconds: 600 });
      expect(storeDecision(request(), response(200, { 'Cache-Control': 's-maxage=5' }), SITE)).toEqual({
        store: true,
        seconds: 600,
      });
    });

    it('does not store with seconds <= 0', () => {
      expect(storeDecision(request(), response(), { kind: 'site', seconds: 0 }).store).toBe(false);
      expect(storeDecision(request(), response(), { kind: 'site', seconds: -5 }).store).toBe(false);
    });
  });

  describe('route policy (cache_page)', () => {
    it('lets the route TTL win over max-age, even max-age=0', () => {
      for (const cc of ['max-age=30', 'max-age=0', 'max-age=9999', 'max-age=-1', 'max-age=abc']) {
        const decision = storeDecision(request(), response(200, { 'Cache-Control': cc }), ROUTE);
        expect(decision, cc).toEqual({ store: true, seconds: 600 });
      }
    });

    it('stores a null TTL as never expiring', () => {
      const decision = storeDecision(request(), response(200, { 'Cache-Control': 'max-age=0' }), {
        kind: 'route',
        seconds: null,
      });
      expect(decision).toEqual({ store: true, seconds: null });
    });

    it('does not store with a TTL <= 0', () => {
      expect(storeDecision(request(), response(), { kind: 'route', seconds: 0 })).toEqual({
        store: false,
        reason: 'ttl 0',
      });
      expect(storeDecision(request(), response(), { kind: 'route', seconds: -1 }).store).toBe(false);
    });
  });

  describe('opaque responses', () => {
    it('are not stored by default', () => {
      expect(storeDecision(request(), opaqueResponse(), ROUTE)).toEqual({ store: false, reason: 'opaque response' });
      expect(storeDecision(request(), opaqueResponse(), ROUTE, { opaque: false }).store).toBe(false);
    });

    it('are stored when the route opts in', () => {
      expect(storeDecision(request(), opaqueResponse(), ROUTE, { opaque: true })).toEqual({ store: true, seconds: 600 });
    });

    it('the opt-in does not admit other status-0 responses', () => {
      expect(storeDecision(request(), Response.error(), ROUTE, { opaque: true })).toEqual({
        store: false,
        reason: 'status 0',
      });
    });
  });
});

describe('patchResponseHeaders', () => {
  const now = Date.UTC(2024, 0, 15, 12, 0, 0);

  it('sets Expires to now + seconds and adds max-age', () => {
    const headers = new Headers();
    patchResponseHeaders(headers, 600, now);
    expect(headers.get('Expires')).toBe('Mon, 15 Jan 2024 12:10:00 GMT');
    expect(headers.get('Cache-Control')).toBe('max-age=600');
  });

  it('keeps an existing Expires and the other Cache-Control directives', () => {
    const headers = new Headers({
      Expires: 'Tue, 16 Jan 2024 00:00:00 GMT',
      'Cache-Control': 'public, no-transform, stale-while-revalidate=30',
    });
    patchResponseHeaders(headers, 600, now);
    expect(headers.get('Expires')).toBe('Tue, 16 Jan 2024 00:00:00 GMT');
    expect(headers.get('Cache-Control')).toBe('public, no-transform, stale-while-revalidate=30, max-age=600');
  });

  it('replaces a larger max-age in place and keeps a smaller one (patch_cache_control takes the minimum)', () => {
    const larger = new Headers({ 'Cache-Control': 'public, Max-Age=9999, must-revalidate' });
    patchResponseHeaders(larger, 600, now);
    expect(larger.get('Cache-Control')).toBe('public, max-age=600, must-revalidate');

    const smaller = new Headers({ 'Cache-Control': 'max-age=30, public' });
    patchResponseHeaders(smaller, 600, now);
    expect(smaller.get('Cache-Control')).toBe('max-age=30, public');
  });

  it('writes one year for null (never expires)', () => {
    const headers = new Headers();
    patchResponseHeaders(headers, null, now);
    expect(headers.get('Expires')).toBe('Tue, 14 Jan 2025 12:00:00 GMT');
    expect(headers.get('Cache-Control')).toBe('max-age=31536000');
  });

  it('patch_cache_control: a negative or malformed existing max-age is replaced by max-age=0', () => {
    for (const [before, after] of [
      ['public, max-age=-1', 'public, max-age=0'],
      ['max-age=abc, public', 'max-age=0, public'],
      ['max-age', 'max-age=0'],
    ]) {
      const headers = new Headers({ 'Cache-Control': before! });
      patchResponseHeaders(headers, 600, now);
      expect(headers.get('Cache-Control'), before).toBe(after);
    }
  });

  it('patch_cache_control: the last of repeated max-age directives is the existing one, written once', () => {
    const lastLarger = new Headers({ 'Cache-Control': 'max-age=30, public, max-age=9999' });
    patchResponseHeaders(lastLarger, 600, now);
    expect(lastLarger.get('Cache-Control')).toBe('max-age=600, public');

    const lastSmaller = new Headers({ 'Cache-Control': 'max-age=9999, max-age=30' });
    patchResponseHeaders(lastSmaller, 600, now);
    expect(lastSmaller.get('Cache-Control')).toBe('max-age=30');
  });

  it('patch_response_headers: huge, infinite or NaN seconds are clamped, never an invalid Expires', () => {
    for (const [seconds, expires, maxAge] of [
      [1e20, 'Sat, 02 Feb 2092 15:14:08 GMT', 2147483648],
      [Infinity, 'Sat, 02 Feb 2092 15:14:08 GMT', 2147483648],
      [Number.NaN, 'Mon, 15 Jan 2024 12:00:00 GMT', 0],
      [-Infinity, 'Mon, 15 Jan 2024 12:00:00 GMT', 0],
    ] as const) {
      const headers = new Headers();
      patchResponseHeaders(headers, seconds, now);
      expect(headers.get('Expires'), String(seconds)).toBe(expires);
      expect(headers.get('Cache-Control'), String(seconds)).toBe(`max-age=${maxAge}`);
    }
  });

  it('clamps negative seconds to 0 and floors fractional ones in max-age', () => {
    const negative = new Headers();
    patchResponseHeaders(negative, -5, now);
    expect(negative.get('Expires')).toBe('Mon, 15 Jan 2024 12:00:00 GMT');
    expect(negative.get('Cache-Control')).toBe('max-age=0');

    const fractional = new Headers();
    patchResponseHeaders(fractional, 1.5, now);
    expect(fractional.get('Cache-Control')).toBe('max-age=1');
  });
});

describe('varyHeaders', () => {
  it('lowercases, trims and dedupes field names', () => {
    const res = response(200, { Vary: ' Accept-Encoding ,Cookie,, cookie, ACCEPT-encoding , Authorization' });
    expect(varyHeaders(res)).toEqual(['accept-encoding', 'cookie', 'authorization']);
  });

  it('joins several Vary headers', () => {
    const res = response(200, [
      ['Vary', 'Accept'],
      ['Vary', 'Cookie'],
    ]);
    expect(varyHeaders(res)).toEqual(['accept', 'cookie']);
  });

  it('is empty without Vary and keeps *', () => {
    expect(varyHeaders(response(200))).toEqual([]);
    expect(varyHeaders(response(200, { Vary: '*' }))).toEqual(['*']);
  });
});
