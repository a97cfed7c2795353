/**
 * The facts of a `cache-storage` entry, as its stored response carries them in
 * `x-cachette-*` headers, so a read can judge expiry from the headers alone and leave an
 * expired body unread.
 */

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

/** Every header this backend owns starts with this; a stored `Response` value never shows them. */
export const META_PREFIX = 'x-cachette-';

const BODY_TYPES: ReadonlySet<string> = new Set<BodyType>(['json', 'text', 'undefined', 'arraybuffer', 'uint8array', 'blob', 'response', 'opaque']);

/**
 * Sets `meta` on `headers` (a stored response's, or for an opaque response its stored request's).
 * @example writeMeta(headers, { key: ':1:a', expires: Infinity, tags: [], size: 1, used: now, stored: now, type: 'json' })
 */
export function writeMeta(headers: Headers, meta: StoredMeta): void {
  headers.set(`${META_PREFIX}key`, asciiJson(meta.key));
  headers.set(`${META_PREFIX}expires`, meta.expires === Infinity ? 'never' : String(meta.expires));
  headers.set(`${META_PREFIX}tags`, asciiJson(meta.tags));
  headers.set(`${META_PREFIX}size`, String(meta.size));
  headers.set(`${META_PREFIX}used`, String(meta.used));
  if (meta.stored !== undefined) headers.set(`${META_PREFIX}stored`, String(meta.stored));
  headers.set(`${META_PREFIX}type`, meta.type);
}

/**
 * The facts a stored response carries, or `undefined` when its headers are not a valid set
 * of ours (written by someone else, or corrupt), so the entry is treated as absent.
 * @example readMeta(await caches.match(entryUrl(':1:a')))?.expires
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
