/**
 * How the `cache-storage` backend checks a value and turns it into a response body (and
 * what the body is read back as). Values are checked exactly: anything JSON or the body
 * would change is refused, with one leniency: `-0` reads back as `0`, as JSON has it, since
 * refusing it would surprise more than it protects.
 */
import { UnstorableValueError } from '../core/errors.js';
import { META_PREFIX, type BodyType } from './stored-meta.js';

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

/** What a rejection message lists as storable. */
const ACCEPTED =
  'accepted: JSON-compatible values (null, booleans, finite numbers, strings, and arrays and plain objects of those), ' +
  'or at the top level a string, undefined, an ArrayBuffer, a Uint8Array, a Blob or a Response';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

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
