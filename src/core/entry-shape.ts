/**
 * The check a stored record passes before a backend that keeps whole entries (the `idb`
 * backend) uses it as an `Entry`. A record written by an older version of Cachette, another
 * library or a corrupt profile must be a miss (and be removed), never a hit with an
 * `undefined` value, nor a record that no expiry or culling index reaches.
 */
import { describe } from './options.js';
import type { Entry } from './store.js';

/**
 * What makes `record` something other than a whole `Entry` stored under `key`, or
 * `undefined` when it is one. A stored `undefined` value counts (Cache stores it as a value,
 * as the other backends do); a missing `value` property does not.
 * @example
 * entryShapeProblem({ key: ':1:a', expires: Infinity, tags: [], size: 0, used: 1 }, ':1:a')
 * // "it has no 'value' property"
 */
export function entryShapeProblem(record: unknown, key: unknown): string | undefined {
  if (typeof record !== 'object' || record === null) return `it is ${describe(record)}, not an object`;
  const { key: storedKey, expires, tags, size, used, stored } = record as Record<string, unknown>;
  if (typeof storedKey !== 'string' || storedKey !== key) return `its 'key' is ${shown(storedKey)}, not the string it is stored under`;
  if (!Object.hasOwn(record, 'value')) return "it has no 'value' property";
  if (typeof expires !== 'number' || Number.isNaN(expires)) return `its 'expires' is ${shown(expires)}, not a number of ms (or Infinity)`;
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string')) return `its 'tags' is ${shown(tags)}, not an array of strings`;
  if (typeof size !== 'number' || !Number.isFinite(size) || size < 0) return `its 'size' is ${shown(size)}, not a finite number >= 0`;
  if (typeof used !== 'number' || !Number.isFinite(used)) return `its 'used' is ${shown(used)}, not a finite number of ms`;
  // Absent in entries written before it existed.
  if (stored !== undefined && (typeof stored !== 'number' || !Number.isFinite(stored))) return `its 'stored' is ${describe(stored)}, not a finite number of ms`;
  return undefined;
}

/**
 * Whether `record` is a whole `Entry` stored under `key` (see `entryShapeProblem`).
 * @example if (isEntryShaped(record, key)) return record.value;
 */
export function isEntryShaped(record: unknown, key: unknown): record is Entry {
  return entryShapeProblem(record, key) === undefined;
}

/** A stored field for an error message: `describe`, but an absent field says so. */
function shown(value: unknown): string {
  return value === undefined ? 'missing' : describe(value);
}
