/**
 * How the worker keeps a response in a cache: as the `Response` itself where the backend
 * stores responses natively (`cache-storage`), else as a plain record of status, headers
 * and bytes (structured-clonable, for `idb` and `memory`). The time it was stored, for the
 * `Age` header of hits, is the entry's own `stored`; entries written before entries carried
 * it keep it inside the value, where it is still read.
 */
import type { Entry } from '../core/store.js';

/** The structured-clonable form of a response. */
export interface ResponseRecord {
  status: number;
  statusText: string;
  headers: [string, string][];
  /** A Blob: IndexedDB keeps large ones as files and hands back a handle, no copy into the worker. */
  body: Blob | ArrayBuffer;
  /** The store time, in records written before entries carried `stored`. */
  storedAt?: number;
}

/** The store time inside a `Response` stored before entries carried `stored`; never shown to the page. */
const LEGACY_STORED_AT = 'cachette-stored-at';

/** Statuses whose responses have no body: a `Response` with those cannot be built with one. */
export const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/** A response taken apart: what is stored, and what followers of a shared miss are served. */
export interface ResponseParts {
  status: number;
  statusText: string;
  headers: Headers;
  body: Blob;
}

/**
 * The value to hand to `cache.set` for a response (whose body this consumes) or its parts.
 * @example await pages.set(key, await toStorable(res.clone(), true), 600)
 */
export async function toStorable(response: Response | ResponseParts, native: boolean): Promise<Response | ResponseRecord> {
  const parts = response instanceof Response ? await takeApart(response) : response;
  if (native) {
    const headers = new Headers(parts.headers);
    // The whole body is in hand: the stored copy then knows its size.
    headers.set('content-length', String(parts.body.size));
    return new Response(NULL_BODY_STATUSES.has(parts.status) ? null : parts.body, { status: parts.status, statusText: parts.statusText, headers });
  }
  return { status: parts.status, statusText: parts.statusText, headers: [...parts.headers], body: parts.body };
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
 * The response a cached entry holds, and when it was stored; `undefined` when the value is
 * not a response (a corrupt or foreign entry: the caller treats it as a miss). Without
 * `stored` (an entry written before entries carried it), the time kept in the value is
 * read, else the response counts as stored now.
 * @example const hit = fromStorable(await pages.getEntry(key) ?? { value: undefined });
 */
export function fromStorable({ value, stored }: Pick<Entry, 'value' | 'stored'>, method = 'GET'): RestoredResponse | undefined {
  const bodyless = method === 'HEAD';
  if (value instanceof Response && value.type === 'opaque') {
    // Stored as it came (see fillOpaque): nothing to strip, and its headers cannot take an Age.
    return { response: value, storedAt: stored ?? Number.NaN };
  }
  if (value instanceof Response) {
    // The backend hands out a fresh Response with mutable headers: edit it in place rather
    // than build another (a second copy pumps the whole body through one more stream).
    const legacy = value.headers.get(LEGACY_STORED_AT);
    if (legacy !== null) value.headers.delete(LEGACY_STORED_AT);
    const response = bodyless && !NULL_BODY_STATUSES.has(value.status) ? new Response(null, { status: value.status, statusText: value.statusText, headers: value.headers }) : value;
    return { response, storedAt: stored ?? finiteOr(Number(legacy ?? Number.NaN), Date.now()) };
  }
  if (!isRecord(value)) return undefined;
  let response: Response;
  try {
    response = new Response(bodyless || NULL_BODY_STATUSES.has(value.status) ? null : value.body, {
      status: value.status,
      statusText: value.statusText,
      headers: value.headers,
    });
  } catch {
    // A header name or value the platform refuses (a record from an older version or a
    // corrupt profile): not a response, so a miss like any other foreign value.
    return undefined;
  }
  return { response, storedAt: stored ?? value.storedAt ?? Date.now() };
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
    (v.storedAt === undefined || (typeof v.storedAt === 'number' && Number.isFinite(v.storedAt)))
  );
}

function finiteOr(n: number, fallback: number): number {
  return Number.isFinite(n) ? n : fallback;
}
