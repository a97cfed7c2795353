/**
 * Checks of the worker API's arguments: each failure is a TypeError naming the argument
 * and what is accepted.
 */
import { describe } from '../core/options.js';

/** A cache alias option (default `'default'`). */
export function aliasOption(value: unknown, where: string): string {
  if (value === undefined) return 'default';
  if (typeof value !== 'string' || value === '') throw new TypeError(`cachette: ${where}: cache must be an alias name, got ${describe(value)}`);
  return value;
}

/** A key prefix option (default `''`). */
export function prefixOption(value: unknown, where: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new TypeError(`cachette: ${where}: keyPrefix must be a string, got ${describe(value)}`);
  return value;
}

/** A TTL in seconds: a finite number or `null` (never expires). */
export function ttlOption(value: unknown, where: string, allowNull = true): number | null {
  if ((value === null && allowNull) || (typeof value === 'number' && Number.isFinite(value))) return value;
  throw new TypeError(`cachette: ${where} must be a finite number of seconds${allowNull ? ' or null (never expires)' : ''}, got ${describe(value)}`);
}

/** A stale window in seconds (`staleWhileRevalidate`, `staleIfError`): a finite number ≥ 0, default 0. */
export function windowOption(value: unknown, where: string, name: string): number {
  if (value === undefined) return 0;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw new TypeError(`cachette: ${where}: ${name} must be a finite number of seconds ≥ 0, got ${describe(value)}`);
}

/** `ignoreParams`: an array of query-parameter names (matched exactly) or RegExps. */
export function ignoreParamsOption(value: unknown, where: string): (string | RegExp)[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((p) => (typeof p === 'string' && p !== '') || p instanceof RegExp)) {
    throw new TypeError(`cachette: ${where}: ignoreParams must be an array of query parameter names or RegExps (e.g. ['fbclid', /^utm_/]), got ${describe(value)}`);
  }
  return [...value];
}

/** Tags: an array of strings. */
export function tagsOption(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((t) => typeof t === 'string')) {
    throw new TypeError(`cachette: ${where}: tags must be an array of strings, got ${describe(value)}`);
  }
  return [...value];
}

/** Rejects option names that are not in `accepted`. */
export function knownOptions(options: object, accepted: readonly string[], where: string): void {
  for (const name of Object.keys(options)) {
    if (!accepted.includes(name)) throw new TypeError(`cachette: unknown option '${name}' for ${where}; accepted: ${accepted.join(', ')}`);
  }
}

/** An options object or undefined. */
export function optionsObject(value: unknown, where: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`cachette: ${where} takes an options object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}
