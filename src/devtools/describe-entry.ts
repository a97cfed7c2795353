/**
 * Turns a stored entry's facts into what the panel shows: the URL and route of a worker
 * entry (from Cachette's internal tags, which are then hidden), the caller's key and the
 * version of a `prefix:version:key` stored key.
 */
import { isLegacyVaryListKey, parseTags } from '../core/entry-vocabulary.js';
import type { EntryInfo } from '../core/store.js';
import type { PanelEntry } from './panel-data.js';
import { routeNamer } from './route-name.js';

/** The facts of a stored entry the panel reads (a `CacheSnapshot` entry, maybe from the worker). */
type EntryFacts = Pick<EntryInfo, 'key' | 'size' | 'expires' | 'tags'>;

/** What the entry's alias uses to build stored keys. */
export interface KeyShape {
  keyPrefix: string;
  version: number;
}

const GENERIC_KEY = /^([^:]*):(-?\d+):([\s\S]*)$/;

/**
 * The panel's view of one entry of an alias with `shape`; `routeName` turns a route id
 * into its pattern (default: read from the id, see `routeNamer`).
 * @example describeEntry({ key: ':1:greeting', size: 10, expires: Infinity, tags: [] }, { keyPrefix: '', version: 1 })
 * // { label: 'greeting', callerKey: 'greeting', version: 1, expires: null, kind: 'value', ... }
 */
export function describeEntry(facts: EntryFacts, shape: KeyShape, routeName: (id: string) => string = routeNamer()): PanelEntry {
  const { url, routeId, varyList, freshUntil, rest: tags } = parseTags(facts.tags);
  const route = routeId === undefined ? undefined : routeName(routeId);
  const { key, size } = facts;
  const parsed = parseStoredKey(key, shape);
  const kind: PanelEntry['kind'] = url === undefined ? 'value' : varyList || isLegacyVaryListKey(parsed.rest) ? 'vary' : 'response';
  const entry: PanelEntry = {
    key,
    label: url ?? parsed.rest,
    kind,
    size,
    // Until it is stale, for an entry kept past its freshness. JSON (the extension's channel) has no Infinity.
    expires: freshUntil ?? (Number.isFinite(facts.expires) ? facts.expires : null),
    tags,
  };
  if (url !== undefined) entry.url = url;
  if (route !== undefined) entry.route = route;
  if (parsed.version !== undefined) entry.version = parsed.version;
  if (parsed.own) entry.callerKey = parsed.rest;
  return entry;
}

/** The version and the rest of a `prefix:version:key` stored key; `own` when prefix and version are the alias's. */
function parseStoredKey(key: string, shape: KeyShape): { rest: string; version?: number; own: boolean } {
  const head = `${shape.keyPrefix}:`;
  if (key.startsWith(head)) {
    const m = /^(-?\d+):/.exec(key.slice(head.length));
    if (m?.[1] !== undefined) {
      const version = Number(m[1]);
      return { rest: key.slice(head.length + m[0].length), version, own: version === shape.version };
    }
  }
  // Another alias's entry in a shared location, or a keyFunction of the same shape.
  const m = GENERIC_KEY.exec(key);
  if (m?.[2] !== undefined && m[3] !== undefined) return { rest: m[3], version: Number(m[2]), own: false };
  return { rest: key, own: false };
}
