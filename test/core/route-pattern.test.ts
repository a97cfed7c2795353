import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  compilePathFallback,
  compilePattern,
  matchesAny,
  toUrlPatternPathname,
  type RoutePattern,
} from '../../src/core/route-pattern.js';

const ORIGIN = 'https://example.test';
const at = (path: string) => new URL(path, ORIGIN);

// [pattern, path on ORIGIN, expected]: the semantics both the URLPattern path and the
// fallback must share.
const PATH_CASES: Array<[string, string, boolean]> = [
  ['/api/authors', '/api/authors', true],
  ['/api/authors', '/api/authors?page=2#top', true],
  ['/api/authors', '/api/authors/', false],
  ['/api/authors', '/api/authors/1', false],
  ['/api/authors', '/api', false],
  ['/api/authors', '/API/authors', false],
  ['/api/authors/:id', '/api/authors/7', true],
  ['/api/authors/:id', '/api/authors/7?full=1', true],
  ['/api/authors/:id', '/api/authors/', false],
  ['/api/authors/:id', '/api/authors/7/books', false],
  ['/api/authors/:id/books', '/api/authors/7/books', true],
  ['/api/authors/:id/books', '/api/authors//books', false],
  ['/api/:kind/:id', '/api/authors/7', true],
  ['/files/:name.json', '/files/report.json', true],
  ['/files/:name.json', '/files/.json', false],
  ['/files/:name.json', '/files/report.xml', false],
  ['/api/*', '/api/', true],
  ['/api/*', '/api/authors/7/books', true],
  ['/api/*', '/api', false],
  ['/api/*', '/apix', false],
  ['/*', '/', true],
  ['/*', '/anything/at/all', true],
  ['/static/*.css', '/static/css/site.css', true],
  ['/static/*.css', '/static/css/site.js', false],
  ['/files/:id*', '/files/7', true],
  ['/files/:id*', '/files/7/raw', true],
  ['/files/:id*', '/files/', false],
  ['/a/**', '/a/b/c', true],
  ['/search+(x)?', '/search+(x)%3F', true],
  ['/search+(x)?', '/search+(x)?', false],
  ['/search+(x)?', '/searchx', false],
  ['/{braces}', '/%7Bbraces%7D', true],
  ['/time/12:30', '/time/12:30', true],
  ['/time/12:30', '/time/12:31', false],
  ['/café', '/caf%C3%A9', true],
  ['/with space', '/with%20space', true],
  ['/v1.0/x', '/v1x0/x', false],
  ['/ü/:ñame', '/%C3%BC/anything', true],
];

describe('string patterns', () => {
  it.each(PATH_CASES)('fallback: %s on %s → %s', (pattern, path, expected) => {
    expect(compilePathFallback(pattern)(at(path))).toBe(expected);
  });

  // Uses the runtime's URLPattern where it has one (real Chromium), else the fallback.
  it.each(PATH_CASES)('compilePattern: %s on %s → %s', (pattern, path, expected) => {
    expect(compilePattern(pattern, ORIGIN)(at(path))).toBe(expected);
  });

  it('never matches another origin', () => {
    for (const pattern of ['/api/*', '/*', '/api/authors/:id']) {
      expect(compilePattern(pattern, ORIGIN)(new URL('https://other.test/api/authors/1'))).toBe(false);
      expect(compilePattern(pattern, ORIGIN)(new URL('http://example.test/api/authors/1'))).toBe(false);
    }
    expect(compilePattern('/api/*', ORIGIN)(at('/api/authors/1'))).toBe(true);
  });
});

describe('RegExp patterns', () => {
  it('are tested against the full URL, query included', () => {
    const match = compilePattern(/\/api\/authors\?page=2$/, ORIGIN);
    expect(match(at('/api/authors?page=2'))).toBe(true);
    expect(match(at('/api/authors?page=3'))).toBe(false);
    expect(compilePattern(/^https:\/\/example\.test\/api\//, ORIGIN)(at('/api/x'))).toBe(true);
  });

  it('match a cross-origin URL only from index 0, as RegExpRoute', () => {
    const anywhere = compilePattern(/\/api\//, ORIGIN);
    expect(anywhere(at('/api/authors'))).toBe(true);
    expect(anywhere(new URL('https://other.test/api/authors'))).toBe(false);

    const anchored = compilePattern(/^https:\/\/cdn\.test\/.*\.js$/, ORIGIN);
    expect(anchored(new URL('https://cdn.test/lib/app.js'))).toBe(true);
    expect(compilePattern(/https:\/\/cdn\.test\//, ORIGIN)(new URL('https://cdn.test/x'))).toBe(true);
  });

  it('give the same answer on every call, even global or sticky ones', () => {
    const global = /authors/g;
    const sticky = /https:/y;
    const url = at('/api/authors');
    for (let i = 0; i < 3; i++) {
      expect(compilePattern(global, ORIGIN)(url)).toBe(true);
      expect(matchesAny([global], url, ORIGIN)).toBe(true);
      expect(matchesAny([sticky], url, ORIGIN)).toBe(true);
    }
    expect(global.lastIndex).toBe(0);
  });
});

describe('validation', () => {
  const ACCEPTED = "accepted: a path like '/api/authors/:id' or '/api/*', or a RegExp";

  it('rejects a string that does not start with /, naming it', () => {
    for (const bad of ['api/authors', '', '*', 'https://example.test/api']) {
      expect(() => compilePattern(bad, ORIGIN)).toThrow(TypeError);
      expect(() => compilePattern(bad, ORIGIN)).toThrow(`'${bad}'`);
      expect(() => compilePattern(bad, ORIGIN)).toThrow(ACCEPTED);
    }
  });

  it('rejects anything but a string or a RegExp', () => {
    for (const bad of [42, null, undefined, {}, ['/api'], () => true]) {
      expect(() => compilePattern(bad as unknown as RoutePattern, ORIGIN)).toThrow(TypeError);
      expect(() => compilePattern(bad as unknown as RoutePattern, ORIGIN)).toThrow(ACCEPTED);
    }
  });

  it('makes matchesAny throw on a bad pattern too', () => {
    expect(() => matchesAny(['/ok', 'bad'], at('/nope'), ORIGIN)).toThrow(TypeError);
  });
});

describe('matchesAny', () => {
  it('is true when any pattern matches', () => {
    const patterns: RoutePattern[] = ['/api/authors/:id', /\/feed\.xml$/];
    expect(matchesAny(patterns, at('/api/authors/3'), ORIGIN)).toBe(true);
    expect(matchesAny(patterns, at('/blog/feed.xml'), ORIGIN)).toBe(true);
    expect(matchesAny(patterns, at('/api/books/3'), ORIGIN)).toBe(false);
    expect(matchesAny([], at('/'), ORIGIN)).toBe(false);
  });
});

describe('the URLPattern path', () => {
  type Init = { pathname: string };
  const original = Object.getOwnPropertyDescriptor(globalThis, 'URLPattern');

  // A recording stand-in: Node 20 and happy-dom have no URLPattern. Its semantics are
  // proved against the fallback in real Chromium (see the case table above).
  function installFakeUrlPattern(answer: (init: Init, input: string) => boolean) {
    const inits: Init[] = [];
    class FakeUrlPattern {
      readonly #init: Init;
      constructor(init: Init) {
        if (init.pathname.includes('explode')) throw new TypeError('Invalid pattern');
        this.#init = init;
        inits.push(init);
      }
      test(input: string): boolean {
        return answer(this.#init, input);
      }
    }
    Object.defineProperty(globalThis, 'URLPattern', { value: FakeUrlPattern, configurable: true, writable: true });
    return inits;
  }

  // Fresh module per test: compiled matchers are cached per pattern.
  async function freshModule() {
    vi.resetModules();
    return import('../../src/core/route-pattern.js');
  }

  afterEach(() => {
    if (original) Object.defineProperty(globalThis, 'URLPattern', original);
    else delete (globalThis as { URLPattern?: unknown }).URLPattern;
  });

  it('is used when the global exists, with the escaped pathname and the full URL', async () => {
    const inputs: string[] = [];
    const inits = installFakeUrlPattern((_init, input) => (inputs.push(input), true));
    const { compilePattern: compile } = await freshModule();
    expect(compile('/api/authors/:id', ORIGIN)(at('/api/authors/1?x=1'))).toBe(true);
    expect(inits).toEqual([{ pathname: '/api/authors/:id' }]);
    expect(inputs).toEqual(['https://example.test/api/authors/1?x=1']);
  });

  it('still refuses other origins before asking URLPattern', async () => {
    installFakeUrlPattern(() => true);
    const { compilePattern: compile } = await freshModule();
    expect(compile('/api/*', ORIGIN)(new URL('https://other.test/api/x'))).toBe(false);
  });

  it('compiles each pattern once across matchesAny calls', async () => {
    const inits = installFakeUrlPattern(() => false);
    const { matchesAny: anyOf } = await freshModule();
    for (let i = 0; i < 3; i++) anyOf(['/a/:id', '/b/*'], at('/c'), ORIGIN);
    expect(inits.map((init) => init.pathname)).toEqual(['/a/:id', '/b/*']);
  });

  it('falls back to the RegExp conversion if URLPattern rejects a pattern', async () => {
    installFakeUrlPattern(() => false);
    const { compilePattern: compile } = await freshModule();
    expect(compile('/explode/:id', ORIGIN)(at('/explode/1'))).toBe(true);
  });

  it('escapes everything URLPattern would read as syntax', () => {
    expect(toUrlPatternPathname('/api/authors/:id')).toBe('/api/authors/:id');
    expect(toUrlPatternPathname('/api/*')).toBe('/api/*');
    expect(toUrlPatternPathname('/files/:id*')).toBe('/files/:id{*}');
    expect(toUrlPatternPathname('/a/**')).toBe('/a/*{*}');
    expect(toUrlPatternPathname('/search+(x)?')).toBe('/search\\+\\(x\\)\\?');
    expect(toUrlPatternPathname('/{braces}')).toBe('/\\{braces\\}');
    expect(toUrlPatternPathname('/time/12:30')).toBe('/time/12\\:30');
    expect(toUrlPatternPathname('/back\\slash')).toBe('/back\\\\slash');
  });
});
