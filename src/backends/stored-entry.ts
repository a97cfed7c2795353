/**
 * What the `cache-storage` backend hands to `cache.put` for an entry: the encoded value as
 * a response carrying the entry's facts in its headers (or, for an opaque response, on the
 * stored request's headers), and the same again under other facts with the body kept.
 */
import type { EncodedValue } from './encode-value.js';
import { writeMeta, type StoredMeta } from './stored-meta.js';

/** Statuses whose responses must have a null body (the fetch spec's "null body status"). */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/**
 * Whether a response with `status` must have a null body (the fetch spec's "null body status").
 * @example hasNullBody(204) // true
 */
export function hasNullBody(status: number): boolean {
  return NULL_BODY_STATUSES.has(status);
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
    writeMeta(headers, meta);
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

/** The response stored for an entry: the encoded body with the entry's facts as headers. */
function storedResponse(encoded: EncodedValue, meta: StoredMeta): Response {
  const headers = new Headers(encoded.headers as Array<[string, string]>);
  writeMeta(headers, meta);
  return new Response(hasNullBody(encoded.status) ? null : encoded.body(), {
    status: encoded.status,
    statusText: encoded.statusText,
    headers,
  });
}

/** The same stored response with other facts (a new expiry, a new key); the body is kept as is. */
async function restamp(stored: Response, meta: StoredMeta): Promise<Response> {
  const headers = new Headers(stored.headers);
  writeMeta(headers, meta);
  // Buffered as a Blob (cheap, and disk-backed in Chromium) rather than streamed, so the
  // put may replace the very entry the body is read from.
  const body = hasNullBody(stored.status) ? null : await stored.blob();
  return new Response(body, { status: stored.status, statusText: stored.statusText, headers });
}
