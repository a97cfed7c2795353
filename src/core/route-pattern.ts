/**
 * A route target: a string is a same-origin path pattern (an exact path, `:param` for one
 * non-empty segment, `*` for any run of characters including `/`) matched against the
 * pathname; a RegExp is tested against the full URL, as workbox-routing's `RegExpRoute`.
 */
export type RoutePattern = string | RegExp;

/** A compiled route target. */
export type UrlMatcher = (url: URL) => boolean;

type OriginMatcher = (url: URL, origin: string) => boolean;

type PathToken = { kind: 'text'; text: string } | { kind: 'param'; name: string } | { kind: 'wildcard' };

/** The slice of the platform's `URLPattern` used here (absent from TypeScript's libs and from Node 20). */
interface UrlPatternLike {
  test(input: string): boolean;
}
type UrlPatternConstructor = new (init: { pathname: string }) => UrlPatternLike;

// Compiled once per pattern: route tables are fixed, and invalidations test every target.
const stringMatchers = new Map<string, OriginMatcher>();
const regexpMatchers = new WeakMap<RegExp, OriginMatcher>();

const PARAM_START = /[\p{ID_Start}$_]/u;
const PARAM_PART = /[\p{ID_Continue}$\u200C\u200D]/u;

/**
 * Compiles a route target for the worker at `origin` (its `location.origin`). A string
 * must start with `/` and never matches another origin; a RegExp is tested against
 * `url.href` and, for a cross-origin URL, only matches from index 0 (as `RegExpRoute`).
 *
 * @example
 * const match = compilePattern('/api/authors/:id', location.origin);
 * match(new URL('/api/authors/7?full=1', location.origin)); // true
 */
export function compilePattern(pattern: RoutePattern, origin: string): UrlMatcher {
  const match = originMatcher(pattern);
  return (url) => match(url, origin);
}

/**
 * Whether `url` matches any of `patterns` (compiled on first use, then cached).
 *
 * @example
 * matchesAny(['/api/authors/*', /\/feed\.xml$/], new URL(request.url), location.origin);
 */
export function matchesAny(patterns: readonly RoutePattern[], url: URL, origin: string): boolean {
  return patterns.some((pattern) => originMatcher(pattern)(url, origin));
}

/**
 * Internal, exported for tests: the string-pattern matcher built as an anchored RegExp over
 * the pathname, used where `URLPattern` does not exist. Same semantics as the `URLPattern`
 * path; no origin check.
 *
 * @example
 * compilePathFallback('/api/*')(new URL('https://a.test/api/x/y')); // true
 */
export function compilePathFallback(pattern: string): UrlMatcher {
  const source = tokenize(pattern)
    .map((token) => {
      if (token.kind === 'param') return '[^/]+';
      if (token.kind === 'wildcard') return '.*';
      return canonicalPathText(token.text).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    })
    .join('');
  const regexp = new RegExp(`^${source}$`);
  return (url) => regexp.test(url.pathname);
}

/**
 * Internal, exported for tests: the `URLPattern` pathname pattern for a string pattern, with
 * every literal escaped so only `:param` and `*` are special (URLPattern would otherwise read
 * `?`, `+`, `(`, `{` as syntax, and `*` right after a parameter as its modifier).
 *
 * @example
 * toUrlPatternPathname('/files/:id*'); // '/files/:id{*}'
 */
export function toUrlPatternPathname(pattern: string): string {
  let previous: PathToken['kind'] | undefined;
  let result = '';
  for (const token of tokenize(pattern)) {
    if (token.kind === 'text') result += token.text.replace(/[+*?:{}()\\]/g, '\\$&');
    else if (token.kind === 'param') result += `:${token.name}`;
    else result += previous === 'param' || previous === 'wildcard' ? '{*}' : '*';
    previous = token.kind;
  }
  return result;
}

function originMatcher(pattern: RoutePattern): OriginMatcher {
  if (typeof pattern === 'string') {
    let matcher = stringMatchers.get(pattern);
    if (!matcher) {
      const path = compilePath(pattern);
      matcher = (url, origin) => url.origin === origin && path(url);
      stringMatchers.set(pattern, matcher);
    }
    return matcher;
  }
  if (pattern instanceof RegExp) {
    let matcher = regexpMatchers.get(pattern);
    if (!matcher) {
      matcher = compileRegExp(pattern);
      regexpMatchers.set(pattern, matcher);
    }
    return matcher;
  }
  throw new TypeError(
    `cachette: a route pattern must be a string or a RegExp, got ${describe(pattern)}; ` +
      "accepted: a path like '/api/authors/:id' or '/api/*', or a RegExp",
  );
}

function compilePath(pattern: string): UrlMatcher {
  if (!pattern.startsWith('/')) {
    throw new TypeError(
      `cachette: route pattern '${pattern}' does not start with '/'; ` +
        "accepted: a path like '/api/authors/:id' or '/api/*', or a RegExp",
    );
  }
  const UrlPattern = (globalThis as { URLPattern?: UrlPatternConstructor }).URLPattern;
  if (typeof UrlPattern === 'function') {
    try {
      const urlPattern = new UrlPattern({ pathname: toUrlPatternPathname(pattern) });
      return (url) => urlPattern.test(url.href);
    } catch {
      // The escaping leaves nothing URLPattern should reject; if an engine still does,
      // the fallback has the same semantics.
    }
  }
  return compilePathFallback(pattern);
}

function compileRegExp(pattern: RegExp): OriginMatcher {
  // A private copy: a caller's global or sticky RegExp would otherwise carry `lastIndex`
  // from one test to the next.
  const regexp = new RegExp(pattern.source, pattern.flags.replace('g', ''));
  return (url, origin) => {
    regexp.lastIndex = 0;
    const match = regexp.exec(url.href);
    if (!match) return false;
    // RegExpRoute: a cross-origin URL only matches from its start, so `/\/api\//` cannot
    // catch a third party's `/api/` by accident.
    return url.origin === origin || match.index === 0;
  };
}

// Tokens as URLPattern reads them: `:` + an identifier is a parameter, `*` a wildcard,
// anything else (a `:` without a name included) literal text.
function tokenize(pattern: string): PathToken[] {
  const tokens: PathToken[] = [];
  const chars = Array.from(pattern);
  let text = '';
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    if (char === '*' || (char === ':' && PARAM_START.test(chars[i + 1] ?? ''))) {
      if (text !== '') tokens.push({ kind: 'text', text });
      text = '';
      if (char === '*') {
        tokens.push({ kind: 'wildcard' });
      } else {
        let name = chars[++i]!;
        while (i + 1 < chars.length && PARAM_PART.test(chars[i + 1]!)) name += chars[++i]!;
        tokens.push({ kind: 'param', name });
      }
    } else {
      text += char;
    }
  }
  if (text !== '') tokens.push({ kind: 'text', text });
  return tokens;
}

// URLPattern canonicalizes literal pathname text with the URL parser's path state, as the
// `pathname` setter does (percent-encoding spaces and non-ASCII, `\` as `/`), and matches
// it against the canonical `url.pathname`; the fallback encodes the same way. A text part
// not starting with `/` gets the spec's "/-" prefix so it is parsed as mid-path.
function canonicalPathText(text: string): string {
  const leadingSlash = text.startsWith('/');
  const url = new URL('https://canonical.invalid/');
  url.pathname = leadingSlash ? text : `/-${text}`;
  return leadingSlash ? url.pathname : url.pathname.slice(2);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
