/**
 * How the devtools panel writes sizes, durations and ratios: short, fixed-width enough to
 * scan down a column, and never throwing on odd input (data arrives from other contexts).
 */

/**
 * Bytes as a short human size.
 * @example formatBytes(1536) // '1.5 KB'
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/**
 * The time left until `expires` (ms since the epoch; `null` never) at `now`.
 * @example formatTimeLeft(Date.now() + 65_000, Date.now()) // '1m 05s'
 */
export function formatTimeLeft(expires: number | null, now: number): string {
  if (expires === null || expires === Infinity) return 'never';
  const left = expires - now;
  if (!(left > 0)) return 'expired';
  return formatDuration(Math.ceil(left / 1000));
}

/**
 * Seconds as a compact duration: `42s`, `4m 05s`, `3h 12m`, `5d 3h`.
 * @example formatDuration(600) // '10m 00s'
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'never';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/**
 * A route or cache TTL in seconds (`null`: never) as the panel shows it.
 * @example formatTtl(600) // '600s (10m)'
 */
export function formatTtl(ttl: number | null): string {
  if (ttl === null || !Number.isFinite(ttl)) return 'never';
  if (ttl < 60) return `${ttl}s`;
  return `${ttl}s (${formatDuration(ttl).replace(/ 00s$| 00m$/, '')})`;
}

/**
 * Hits over lookups as a percentage, or a dash before the first lookup.
 * @example formatRatio(3, 1) // '75%'
 */
export function formatRatio(hits: number, misses: number): string {
  const total = hits + misses;
  return total > 0 ? `${Math.round((hits / total) * 100)}%` : '–';
}

/**
 * A wall-clock time of day.
 * @example formatClock(Date.now()) // '14:03:27'
 */
export function formatClock(time: number): string {
  const d = new Date(time);
  return Number.isNaN(d.getTime()) ? '' : `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * A same-origin URL as its path (what route patterns match), else the URL in full.
 * @example relativeUrl('https://app.test/api/x', 'https://app.test') // '/api/x'
 */
export function relativeUrl(url: string, origin: string): string {
  return origin && url.startsWith(`${origin}/`) ? url.slice(origin.length) : url;
}

/**
 * The origin of `url`, or `''` when it is missing or not a URL.
 * @example originOf('https://app.test/sw.js') // 'https://app.test'
 */
export function originOf(url: string | undefined): string {
  try {
    return url ? new URL(url).origin : '';
  } catch {
    return '';
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
