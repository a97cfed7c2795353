/**
 * How long a stored response may be served, and how it may be served once stale: the
 * facts kept with each worker entry (fresh until when, and its stale windows, RFC 5861) and
 * the pure decisions read from them. An entry must outlive its freshness to be served stale
 * or revalidated, so its storage lifetime (the backend's expiry, which culls it) is its
 * freshness plus the longer stale window, or unlimited when it carries a validator (it is
 * then kept until culled, and refreshed with a conditional request).
 *
 * The facts travel inside the stored response, in a header the page never sees
 * ({@link FRESHNESS_HEADER}, removed on every read), so a hit still costs one storage read.
 */
import { deltaSeconds, parseCacheControl } from './cache-control.js';
import type { TimeoutRule } from './cacheability.js';

/** The facts of one stored response. */
export interface Freshness {
  /** Fresh until (ms since the epoch); `Infinity`: never stale. */
  freshUntil: number;
  /** Seconds after `freshUntil` during which it is served at once while a refresh runs. */
  staleWhileRevalidate: number;
  /** Seconds after `freshUntil` during which it answers when the network fails or answers 5xx. */
  staleIfError: number;
}

/** A route's stale windows, in seconds (0: none). */
export interface StaleWindows {
  staleWhileRevalidate: number;
  staleIfError: number;
}

/**
 * What a found entry allows at `now`: `fresh` (serve it), `stale` (serve it at once and
 * refresh it in the background), `network` (ask the network, conditionally when it has a
 * validator; it may still answer an error within its stale-if-error window), or `unusable`
 * (a miss).
 */
export type EntryState = 'fresh' | 'stale' | 'network' | 'unusable';

/** The header that carries an entry's {@link Freshness} inside the stored response (never served). */
export const FRESHNESS_HEADER = 'cachette-freshness';

/**
 * The route's windows for one response: a `cacheSite` response's own `stale-while-revalidate=N`
 * and `stale-if-error=N` directives override the options, as its `max-age` overrides
 * `seconds`; a route's (`cachePage`, `cacheRoutes`) options win, as its TTL does.
 * @example staleWindows({ kind: 'site', seconds: 600 }, { staleWhileRevalidate: 0, staleIfError: 0 }, new Headers({ 'Cache-Control': 'max-age=60, stale-if-error=86400' }))
 * // { staleWhileRevalidate: 0, staleIfError: 86400 }
 */
export function staleWindows(rule: TimeoutRule, route: StaleWindows, headers: Headers): StaleWindows {
  if (rule.kind !== 'site') return { ...route };
  const directives = parseCacheControl(headers.get('cache-control'));
  return {
    staleWhileRevalidate: deltaSeconds(directives.get('stale-while-revalidate')) ?? route.staleWhileRevalidate,
    staleIfError: deltaSeconds(directives.get('stale-if-error')) ?? route.staleIfError,
  };
}

/**
 * The backend timeout for an entry fresh for `seconds` (`null`: never stale): unlimited when
 * it carries a validator, else its freshness plus the longer stale window.
 * @example storageSeconds(60, { staleWhileRevalidate: 30, staleIfError: 600 }, false) // 660
 */
export function storageSeconds(seconds: number | null, windows: StaleWindows, validator: boolean): number | null {
  if (seconds === null || validator) return null;
  return seconds + Math.max(windows.staleWhileRevalidate, windows.staleIfError);
}

/**
 * What an entry allows at `now` (see {@link EntryState}).
 * @example entryState({ freshUntil: 1000, staleWhileRevalidate: 5, staleIfError: 0 }, 3000, false) // 'stale'
 */
export function entryState(f: Freshness, now: number, validator: boolean): EntryState {
  if (now < f.freshUntil) return 'fresh';
  const past = now - f.freshUntil;
  if (past < f.staleWhileRevalidate * 1000) return 'stale';
  if (validator || past < f.staleIfError * 1000) return 'network';
  return 'unusable';
}

/**
 * Whether an entry may answer for a failed network (rejected, or 5xx) at `now`: fresh, or
 * expired less than its stale-if-error window ago.
 * @example servesOnError({ freshUntil: 1000, staleWhileRevalidate: 0, staleIfError: 60 }, 30_000) // true
 */
export function servesOnError(f: Freshness, now: number): boolean {
  return now - f.freshUntil < f.staleIfError * 1000;
}

/**
 * Writes `f` into the headers of the copy to be stored.
 * @example writeFreshness(stored, { freshUntil: now + 60_000, staleWhileRevalidate: 30, staleIfError: 0 });
 */
export function writeFreshness(headers: Headers, f: Freshness): void {
  const until = Number.isFinite(f.freshUntil) ? String(Math.round(f.freshUntil)) : 'never';
  headers.set(FRESHNESS_HEADER, `fresh-until=${until}, swr=${f.staleWhileRevalidate}, sie=${f.staleIfError}`);
}

/**
 * The facts a stored response carries, removing their header (the page never sees it). An
 * entry stored without it (before stale windows existed, or opaque) is fresh until its
 * backend expiry `expires` and has no stale windows.
 * @example const f = takeFreshness(restored.response.headers, entry.expires);
 */
export function takeFreshness(headers: Headers, expires: number): Freshness {
  const raw = headers.get(FRESHNESS_HEADER);
  const fallback = { freshUntil: expires, staleWhileRevalidate: 0, staleIfError: 0 };
  if (raw === null) return fallback;
  headers.delete(FRESHNESS_HEADER);
  const fields = new Map(raw.split(',').map((part) => part.trim().split('=') as [string, string | undefined]));
  const until = fields.get('fresh-until');
  const freshUntil = until === 'never' ? Infinity : Number(until);
  const swr = Number(fields.get('swr'));
  const sie = Number(fields.get('sie'));
  if (Number.isNaN(freshUntil) || !(swr >= 0) || !(sie >= 0)) return fallback;
  return { freshUntil, staleWhileRevalidate: swr, staleIfError: sie };
}
