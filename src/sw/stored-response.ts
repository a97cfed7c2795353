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

/** A response taken apart: what is stored, and what followers of a shared miss are served. */
export interface ResponseParts {
  status: number;
  statusText: string;
  headers: Headers;
  body: Blob;
}

/**
 * The value to hand to `cache.set` for a response (whose body this consumes) or its parts.
 * @example await pages.set(key, await toStorable(res.clone(), Date.now(), true), 600)
 */
export async function toStorable(response: Response | ResponseParts, storedAt: number, native: boolean): Promise<Response | ResponseRecord> {
  const parts = response instanceof Response ? await takeApart(response) : response;
  if (native) {
    const headers = new Headers(parts.headers);
    headers.set(STORED_AT, String(storedAt));
    // The whole body is in hand: the stored copy then knows its size.
    headers.set('content-length', String(parts.body.size));
    return new Response(parts.body, { status: parts.status, statusText: parts.statusText, headers });
  }
  return { status: parts.status, statusText: parts.statusText, headers: [...parts.headers], body: parts.body, storedAt };
}

/**
 * A response's parts, its body read whole (after the page has its own copy streaming).
 * @example const parts = await takeApart(response.clone());
 */
export async function takeApart(response: Response): Promise<ResponseParts> {
  return { status: response.status, statusText: response.statusText, headers: new Headers(response.headers), body: await response.blob() };
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
  let response: Response;
  try {
    response = new Response(bodyless ? null : value.body, {
      status: value.status,
      statusText: value.statusText,
      headers: value.headers,
    });
  } catch {
    // A header name or value the platform refuses (a record from an older version or a
    // corrupt profile): not a response, so a miss like any other foreign value.
    return undefined;
  }
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
    typeof v.storedAt === 'number' &&
    Number.isFinite(v.storedAt)
  );
}
