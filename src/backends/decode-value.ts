/**
 * How the `cache-storage` backend reads a value back from its stored response, by the body
 * type the entry's facts name (see `encodeValue` for how it was written).
 */
import { hasNullBody } from './stored-entry.js';
import { META_PREFIX, type BodyType } from './stored-meta.js';

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
      const body = hasNullBody(stored.status) ? null : stored.body;
      return new Response(body, { status: stored.status, statusText: stored.statusText, headers });
    }
  }
}
