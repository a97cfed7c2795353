/**
 * What `invalidate` takes, and the one check of it: used to reject a caller's bad target
 * with a TypeError, and to drop a malformed one arriving from another context.
 */
import { describe } from './options.js';

/** What to invalidate. Several fields together remove the union of what each matches. */
export interface InvalidateTarget {
  /** Only this alias (default: every configured alias). */
  cache?: string;
  /** The caller's keys (before prefix and version). */
  keys?: string[];
  /** Every key starting with this (the caller's key, before prefix and version). */
  prefix?: string;
  /** Every entry stored with any of these tags (`set(..., { tags })`, route tags, `Cache-Tag`). */
  tags?: string[];
  /** The worker's entries for URLs matching any of these route patterns. */
  routes?: (string | RegExp)[];
  /** Everything (in `cache`, or in every alias). */
  all?: true;
}

const FIELDS = ['cache', 'keys', 'prefix', 'tags', 'routes', 'all'];
/** Bounds on what crosses the channel: a message past them is garbage, not an invalidation. */
const MAX_ITEMS = 10_000;
const MAX_TEXT = 8_192;

/**
 * The target as a fresh, checked object, or a sentence saying what is wrong with it.
 * @example const checked = checkTarget({ keys: ['a'] }); if (typeof checked === 'string') throw new TypeError(checked);
 */
export function checkTarget(raw: unknown): InvalidateTarget | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return `invalidate takes an object like { keys: ['a'] } or { tags: ['authors'] }, got ${describe(raw)}`;
  }
  const t = raw as Record<string, unknown>;
  const target: InvalidateTarget = {};
  for (const name of Object.keys(t)) {
    if (!FIELDS.includes(name)) return `unknown invalidate field '${name}'; accepted: ${FIELDS.join(', ')}`;
  }
  if (t.cache !== undefined) {
    if (typeof t.cache !== 'string' || t.cache.length > MAX_TEXT) return `invalidate: cache must be an alias name, got ${describe(t.cache)}`;
    target.cache = t.cache;
  }
  for (const field of ['keys', 'tags'] as const) {
    const value = t[field];
    if (value === undefined) continue;
    if (!Array.isArray(value) || value.length > MAX_ITEMS || !value.every((v) => typeof v === 'string' && v.length <= MAX_TEXT)) {
      return `invalidate: ${field} must be an array of strings (at most ${MAX_ITEMS}), got ${describe(value)}`;
    }
    target[field] = [...(value as string[])];
  }
  if (t.prefix !== undefined) {
    if (typeof t.prefix !== 'string' || t.prefix.length > MAX_TEXT) return `invalidate: prefix must be a string, got ${describe(t.prefix)}`;
    target.prefix = t.prefix;
  }
  if (t.routes !== undefined) {
    const routes = t.routes;
    const ok =
      Array.isArray(routes) &&
      routes.length <= MAX_ITEMS &&
      routes.every((r) => (typeof r === 'string' && r.startsWith('/') && r.length <= MAX_TEXT) || r instanceof RegExp);
    if (!ok) return `invalidate: routes must be an array of path patterns like '/api/authors/:id' or RegExps, got ${describe(routes)}`;
    target.routes = [...(routes as (string | RegExp)[])];
  }
  if (t.all !== undefined) {
    if (t.all !== true) return `invalidate: all must be true, got ${describe(t.all)}`;
    target.all = true;
  }
  if (!target.keys && target.prefix === undefined && !target.tags && !target.routes && !target.all) {
    return 'invalidate needs at least one of keys, prefix, tags, routes or all: true';
  }
  return target;
}
