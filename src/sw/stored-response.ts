/**
 * How the worker keeps a response in a cache: as the `Response` itself where the backend
 * stores responses natively (`cache-storage`), else as a plain record of status, headers
 * and bytes (structured-clonable, for `idb` and `memory`). Either way the time it was
 * stored travels with it, for the `Age` header of hits.
 */

/** The structured-clonable form of a response. */
export interface ResponseRecord {
  status: number;
  statusText: string;
  headers: [string, string][];
  /** A Blob: IndexedDB keeps large ones as files and hands back a handle, no copy into the worker. */
  body: Blob | ArrayBuffer;
  storedAt: number;
}

/** Carries the store time inside a natively stored `Response`; never shown to the page. */
const STORED_AT = 'cachette-stored-at';

/**
 * The value to hand to `cache.set` for `response` (whose body this consumes).
 * @example await pages.set(key, await toStorable(res.clone(), Date.now(), true), 600)
 */
export async function toStorable(response: Response, storedAt: number, native: boolean): Promise<Response | ResponseRecord> {
  const headers = new Headers(response.headers);
  if (native) {
    headers.set(STORED_AT, String(storedAt));
    // Read whole (this runs after the page has its response): the stored copy then knows its size.
    const body = await response.blob();
    headers.set('content-length', String(body.size));
    return new Response(body, { status: response.status, statusText: response.statusText, headers });
  }
  return {
    status: response.status,
    statusText: response.statusText,
    headers: [...headers],
    body: await response.blob(),
    storedAt,
  };
}

/** A response read back from a cache, and when it was stored. */
export interface RestoredResponse {
  response: Response;
  storedAt: number;
}

/**
 * The response a cached value holds, or `undefined` when the value is not one (a corrupt
 * or foreign entry: the caller treats it as a miss).
 * @example const hit = fromStorable(await pages.get(key));
 */
export function fromStorable(value: unknown, method = 'GET'): RestoredResponse | undefined {
  const bodyless = method === 'HEAD';
  if (value instanceof Response && value.type === 'opaque') {
    // Stored as it came (see storeOpaque): nothing to strip, no time to read.
    return { response: value, storedAt: Number.NaN };
  }
  if (value instanceof Response) {
    // The backend hands out a fresh Response with mutable headers: edit it in place rather
    // than build another (a second copy pumps the whole body through one more stream).
    const storedAt = Number(value.headers.get(STORED_AT));
    value.headers.delete(STORED_AT);
    const response = bodyless ? new Response(null, { status: value.status, statusText: value.statusText, headers: value.headers }) : value;
    return { response, storedAt: Number.isFinite(storedAt) ? storedAt : Date.now() };
  }
  if (!isRecord(value)) return undefined;
  const response = new Response(bodyless ? null : value.body, {
    status: value.status,
    statusText: value.statusText,
    headers: value.headers,
  });
  return { response, storedAt: value.storedAt };
}

function isRecord(value: unknown): value is ResponseRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.status === 'number' &&
    v.status >= 200 &&
    v.status <= 599 &&
    typeof v.statusText === 'string' &&
    Array.isArray(v.headers) &&
    v.headers.every((h) => Array.isArray(h) && h.length === 2 && typeof h[0] === 'string' && typeof h[1] === 'string') &&
    (v.body instanceof ArrayBuffer || (typeof Blob !== 'undefined' && v.body instanceof Blob)) &&
    typeof v.storedAt === 'number'
  );
}
