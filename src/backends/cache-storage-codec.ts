/**
 * How the `cache-storage` backend turns an entry into one `Response` and back. The facts
 * about the entry travel in `x-cachette-*` headers, so a read can judge expiry from the
 * headers alone and leave an expired body unread.
 *
 * Values are checked exactly (anything JSON or the body would change is refused), with one
 * leniency: `-0` reads back as `0`, as JSON has it, since refusing it would surprise more
 * than it protects.
 */
import { UnstorableValueError } from '../core/errors.js';

/** How a stored body is read back: one tag per kind of value the backend accepts. */
export type BodyType = 'json' | 'text' | 'undefined' | 'arraybuffer' | 'uint8array' | 'blob' | 'response' | 'opaque';

/** The entry's facts as its stored response carries them. */
export interface StoredMeta {
  key: string;
  /** ms since the epoch; `Infinity` never expires. */
  expires: number;
  tags: string[];
  size: number;
  used: number;
  /** When the value was written, ms since the epoch; absent in entries written before it existed. */
  stored?: number;
  type: BodyType;
}

/** A value checked and ready to store; `body()` may be called again, for a retried write. */
export interface EncodedValue {
  readonly type: BodyType;
  body(): BodyInit | null;
  readonly status: number;
  readonly statusText: string;
  /** The headers the value itself carries (a `Response`'s, or a Blob's content type). */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** For an opaque response: a fresh copy of it, stored as is (its headers cannot change). */
  readonly opaque?: () => Response;
}

/** Every header this backend owns starts with this; a stored `Response` value never shows them. */
export const META_PREFIX = 'x-cachette-';

/** What a rejection message lists as storable. */
export const ACCEPTED =
  'accepted: JSON-compatible values (null, booleans, finite numbers, strings, and arrays and plain objects of those), ' +
  'or at the top level a string, undefined, an ArrayBuffer, a Uint8Array, a Blob or a Response';

/** A fixed fake origin: the URLs only name entries, so they must parse the same in any realm. */
const ORIGIN = 'https://cachette.invalid/';
const BODY_TYPES: ReadonlySet<string> = new Set<BodyType>(['json', 'text', 'undefined', 'arraybuffer', 'uint8array', 'blob', 'response', 'opaque']);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Statuses whose responses must have a null body (the fetch spec's "null body status"). */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/**
 * The synthetic request URL an entry is stored under: `https://cachette.invalid/` and the
 * percent-encoded key.
 * @example entryUrl(':1:a b') // 'https://cachette.invalid/%3A1%3Aa%20b'
 */
export function entryUrl(storedKey: string): string {
  // Serialized by the URL parser, so it equals the `url` of the requests `cache.keys()` returns.
  return new URL(ORIGIN + encodeKeySegment(storedKey)).href;
}

/**
 * Checks `value` and prepares it for storage, or throws `UnstorableValueError` naming what
 * was found and what is accepted. Synchronous on purpose: it runs before the first await of a
 * write, so the caller may consume a `Response` value right after handing it over.
 * @example encodeValue(':1:a', { n: 1 }).type // 'json'
 */
export function encodeValue(storedKey: string, value: unknown): EncodedValue {
  const plain = (type: BodyType, body: BodyInit | null, headers: Array<[string, string]> = []): EncodedValue => ({
    type,
    body: () => body,
    status: 200,
    statusText: '',
    headers,
  });
  if (value === undefined) return plain('undefined', null);
  if (typeof value === 'string') {
    // A body is UTF-8, where a lone surrogate would become U+FFFD; JSON escapes it exactly.
    return LONE_SURROGATE.test(value) ? plain('json', JSON.stringify(value)) : plain('text', value);
  }
  if (isExactly(value, globalThis.ArrayBuffer)) return plain('arraybuffer', value.slice(0));
  // A copy of exactly the view's bytes, taken now: the caller may reuse its array right after.
  if (isExactly(value, globalThis.Uint8Array)) return plain('uint8array', value.slice());
  if (isExactly(value, globalThis.Blob)) {
    // Blobs are immutable, so no copy is needed; the content type carries `type` exactly.
    return plain('blob', value, value.type ? [['content-type', value.type]] : []);
  }
  if (typeof Response !== 'undefined' && value instanceof Response) return encodeResponse(storedKey, value);
  const found = findNonJson(value, 'value', new Set());
  if (found !== undefined) throw new UnstorableValueError(storedKey, `found ${found}; ${ACCEPTED}`);
  return plain('json', JSON.stringify(value));
}

/**
 * The response stored for an entry: the encoded body with the entry's facts as headers.
 * @example await cache.put(entryUrl(meta.key), storedResponse(encodeValue(meta.key, 1), meta))
 */
export function storedResponse(encoded: EncodedValue, meta: StoredMeta): Response {
  const headers = new Headers(encoded.headers as Array<[string, string]>);
  setMeta(headers, meta);
  return new Response(NULL_BODY_STATUSES.has(encoded.status) ? null : encoded.body(), {
    status: encoded.status,
    statusText: encoded.statusText,
    headers,
  });
}

/**
 * The request and response to `cache.put` for an entry. An opaque response's headers are
 * hidden and immutable, so its facts ride on the stored request's headers instead (read
 * back through `cache.keys(url)`).
 * @example await cache.put(...storedEntry(entryUrl(meta.key), encodeValue(meta.key, 1), meta))
 */
export function storedEntry(url: string, encoded: EncodedValue, meta: StoredMeta): [RequestInfo, Response] {
  if (encoded.opaque) {
    const headers = new Headers();
    setMeta(headers, meta);
    return [new Request(url, { headers }), encoded.opaque()];
  }
  return [url, storedResponse(encoded, meta)];
}

/**
 * The entry to put again under other facts (a new expiry, a new key), body kept.
 * @example await cache.put(...(await restampEntry(url, hit.response, { ...meta, expires })))
 */
export async function restampEntry(url: string, stored: Response, meta: StoredMeta): Promise<[RequestInfo, Response]> {
  if (stored.type === 'opaque') return storedEntry(url, { type: 'opaque', status: 0, statusText: '', headers: [], body: () => null, opaque: () => stored }, meta);
  return [url, await restamp(stored, meta)];
}

/**
 * The same stored response with other facts (a new expiry, a new key); the body is kept as is.
 * @example await cache.put(url, await restamp(hit, { ...meta, expires: Infinity }))
 */
export async function restamp(stored: Response, meta: StoredMeta): Promise<Response> {
  const headers = new Headers(stored.headers);
  setMeta(headers, meta);
  // Buffered as a Blob (cheap, and disk-backed in Chromium) rather than streamed, so the
  // put may replace the very entry the body is read from.
  const body = NULL_BODY_STATUSES.has(stored.status) ? null : await stored.blob();
  return new Response(body, { status: stored.status, statusText: stored.statusText, headers });
}

/**
 * The facts a stored response carries, or `undefined` when its headers are not a valid set
 * of ours (written by someone else, or corrupt), so the entry is treated as absent.
 * @example readMeta(storedResponse(encodeValue(':1:a', 1), meta))?.expires
 */
export function readMeta(response: Response): StoredMeta | undefined {
  return readMetaHeaders(response.headers);
}

/**
 * The facts in a set of headers (a stored response's, or for an opaque response its stored
 * request's), or `undefined` when they are not a valid set of ours.
 * @example readMetaHeaders((await cache.keys(url))[0].headers)
 */
export function readMetaHeaders(h: Headers): StoredMeta | undefined {
  const key = parseJson(h.get(`${META_PREFIX}key`));
  const tags = parseJson(h.get(`${META_PREFIX}tags`));
  const rawExpires = h.get(`${META_PREFIX}expires`);
  const expires = rawExpires === 'never' ? Infinity : parseNumber(rawExpires);
  const size = parseNumber(h.get(`${META_PREFIX}size`));
  const used = parseNumber(h.get(`${META_PREFIX}used`));
  const rawStored = h.get(`${META_PREFIX}stored`);
  const stored = rawStored === null ? undefined : parseNumber(rawStored);
  const type = h.get(`${META_PREFIX}type`);
  if (typeof key !== 'string' || !Array.isArray(tags) || !tags.every((t): t is string => typeof t === 'string')) return undefined;
  if (expires === undefined || size === undefined || used === undefined) return undefined;
  if (rawStored !== null && stored === undefined) return undefined;
  if (type === null || !BODY_TYPES.has(type)) return undefined;
  return { key, expires, tags, size, used, ...(stored === undefined ? {} : { stored }), type: type as BodyType };
}

/**
 * The value a stored response holds: a fresh object (or a fresh `Response`) on every call.
 * @example await decodeValue(hit, 'json') // { n: 1 }
 */
export async function decodeValue(stored: Response, type: BodyType): Promise<unknown> {
  switch (type) {
    case 'undefined':
      return undefined;
    case 'opaque':
      // Each match hands out a fresh opaque response; there is nothing to rebuild (or that could be).
      return stored;
    case 'text':
      return stored.text();
    case 'json':
      return JSON.parse(await stored.text()) as unknown;
    case 'arraybuffer':
      return stored.arrayBuffer();
    case 'uint8array':
      return new Uint8Array(await stored.arrayBuffer());
    case 'blob': {
      const blob = await stored.blob();
      // `blob()` would derive the type from a parsed MIME type; the header holds Blob.type verbatim.
      return blob.slice(0, blob.size, stored.headers.get('content-type') ?? '');
    }
    case 'response': {
      // One pass into a list: copying a Headers object goes through its slow iterable path.
      const kept: [string, string][] = [];
      for (const [name, value] of stored.headers) if (!name.startsWith(META_PREFIX)) kept.push([name, value]);
      const headers = new Headers(kept);
      const body = NULL_BODY_STATUSES.has(stored.status) ? null : stored.body;
      return new Response(body, { status: stored.status, statusText: stored.statusText, headers });
    }
  }
}

function encodeResponse(storedKey: string, value: Response): EncodedValue {
  const reject = (reason: string): never => {
    throw new UnstorableValueError(storedKey, `${reason}; ${ACCEPTED}`);
  };
  if (value.type === 'opaque') {
    const copy = value.clone();
    return { type: 'opaque', body: () => null, status: 0, statusText: '', headers: [], opaque: () => copy.clone() };
  }
  if (value.bodyUsed) reject('a Response whose body was already read');
  if (value.body?.locked) reject('a Response whose body is being read');
  // Opaque and error responses have status 0 and cannot be rebuilt with our headers.
  if (value.status < 200 || value.status > 599) reject(`a Response with status ${value.status} (an opaque or error response)`);
  // The Cache Storage API itself refuses these; refusing here keeps the store unchanged.
  if (value.status === 206) reject('a partial (206) Response, which the Cache Storage API refuses');
  const headers: Array<[string, string]> = [];
  value.headers.forEach((v, name) => {
    headers.push([name, v]);
  });
  for (const [name, v] of headers) {
    if (name.toLowerCase().startsWith(META_PREFIX)) reject(`a Response with a '${name}' header (the '${META_PREFIX}' prefix is reserved)`);
    if (name.toLowerCase() === 'vary' && v.split(',').some((part) => part.trim() === '*')) {
      reject("a Response with 'Vary: *', which the Cache Storage API refuses");
    }
  }
  // Cloned now, while the caller still holds an unread body; each write takes a clone of
  // this spare, so a retried write still has a body and the caller's response stays unread.
  const spare = value.clone();
  return {
    type: 'response',
    body: () => spare.clone().body,
    status: value.status,
    statusText: value.statusText,
    headers,
  };
}

/** Where `value` stops being exactly JSON-representable (a description and a path), or `undefined`. */
function findNonJson(value: unknown, path: string, ancestors: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${String(value)} at ${path}`;
    case 'undefined':
      return `undefined at ${path}`;
    case 'function':
      return `a function at ${path}`;
    case 'symbol':
      return `a symbol at ${path}`;
    case 'bigint':
      return `a bigint at ${path}`;
    default:
  }
  if (value === null) return undefined;
  const object = value as object;
  if (ancestors.has(object)) return `a cycle at ${path}`;
  const proto: unknown = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null && proto !== Array.prototype) {
    const name = (object as { constructor?: { name?: unknown } }).constructor?.name;
    const what = typeof name !== 'string' || name === '' ? 'a class instance' : /^[AEIO]/.test(name) ? `an ${name}` : `a ${name}`;
    const nested = path !== 'value' && isBinaryLike(object) ? ' (binary values, Blobs and Responses are accepted only at the top level)' : '';
    return `${what} at ${path}${nested}`;
  }
  // Symbol-keyed and non-enumerable properties would be dropped by JSON.stringify.
  if (Object.getOwnPropertySymbols(object).length > 0) return `symbol-keyed properties at ${path}`;
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      const items: unknown[] = object;
      // Holes (read back as null) and named properties (dropped) would not survive JSON.
      for (let i = 0; i < items.length; i++) {
        if (!(i in items)) return `an array with a hole at ${path}[${i}]`;
        const found = findNonJson(items[i], `${path}[${i}]`, ancestors);
        if (found !== undefined) return found;
      }
      return Object.keys(items).length === items.length ? undefined : `an array with named properties at ${path}`;
    }
    if (proto === Array.prototype) return `an object with the Array prototype at ${path}`;
    if (Object.getOwnPropertyNames(object).length !== Object.keys(object).length) {
      return `non-enumerable properties at ${path}`;
    }
    for (const [name, item] of Object.entries(object)) {
      const found = findNonJson(item, `${path}${propertyPath(name)}`, ancestors);
      if (found !== undefined) return found;
    }
    return undefined;
  } finally {
    ancestors.delete(object);
  }
}

function isBinaryLike(object: object): boolean {
  return (
    object instanceof ArrayBuffer ||
    ArrayBuffer.isView(object) ||
    (typeof Blob !== 'undefined' && object instanceof Blob) ||
    (typeof Response !== 'undefined' && object instanceof Response)
  );
}

/** `value` is an instance of exactly `ctor` (not a subclass such as File or Buffer, whose extra facts would be lost). */
function isExactly<T extends object>(value: unknown, ctor: (abstract new (...args: never[]) => T) | undefined): value is T {
  return ctor !== undefined && typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === ctor.prototype;
}

function propertyPath(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

function setMeta(headers: Headers, meta: StoredMeta): void {
  headers.set(`${META_PREFIX}key`, asciiJson(meta.key));
  headers.set(`${META_PREFIX}expires`, meta.expires === Infinity ? 'never' : String(meta.expires));
  headers.set(`${META_PREFIX}tags`, asciiJson(meta.tags));
  headers.set(`${META_PREFIX}size`, String(meta.size));
  headers.set(`${META_PREFIX}used`, String(meta.used));
  if (meta.stored !== undefined) headers.set(`${META_PREFIX}stored`, String(meta.stored));
  headers.set(`${META_PREFIX}type`, meta.type);
}

/** JSON with every non-ASCII character escaped: header values must be bytes, keys and tags may be any text. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function parseNumber(text: string | null): number | undefined {
  if (text === null || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * `encodeURIComponent`, plus `%uXXXX` for what it cannot express (lone surrogates) and for
 * keys a URL parser would rewrite: a path segment of `.` or `..` (even as `%2E`) is
 * resolved away, so those keys would collide with ''. `encodeURIComponent` never emits
 * `%u`, so the encoding stays one-to-one.
 */
function encodeKeySegment(key: string): string {
  if (/^\.{1,2}$/.test(key)) return '%u002E'.repeat(key.length);
  try {
    return encodeURIComponent(key);
  } catch {
    let out = '';
    for (const char of key) {
      const code = char.charCodeAt(0);
      out += char.length === 1 && code >= 0xd800 && code <= 0xdfff ? `%u${code.toString(16).toUpperCase()}` : encodeURIComponent(char);
    }
    return out;
  }
}
