/**
 * A cache alias's configuration, validated and filled with Django's defaults.
 */

import { backendProblem, type Backend, type BackendName } from './backend.js';

/** Builds the stored key from the caller's key, as Django's `KEY_FUNCTION`. */
export type KeyFunction = (key: string, keyPrefix: string, version: number) => string;

/** One alias's settings, as an entry of Django's `CACHES`. */
export interface CacheOptions {
  /** A built-in backend's name, or a backend object (yours, or a built-in one imported by name). */
  backend: BackendName | Backend;
  /** Which store: aliases with the same backend and location share one. Default `''`. */
  location?: string;
  /** Default timeout in seconds; `null` never expires. Default 300. */
  timeout?: number | null;
  /** Default `''`. */
  keyPrefix?: string;
  /** Default 1. */
  version?: number;
  /** Entries the store holds before culling. Default 300. */
  maxEntries?: number;
  /** Cull `1 / cullFrequency` of the entries when full; 0 empties the store. Default 3. */
  cullFrequency?: number;
  keyFunction?: KeyFunction;
}

/** `CacheOptions` with every default applied. */
export interface ResolvedOptions {
  /** The backend's name. */
  backend: string;
  /** The backend itself. */
  implementation: Backend;
  location: string;
  timeout: number | null;
  keyPrefix: string;
  version: number;
  maxEntries: number;
  cullFrequency: number;
  keyFunction: KeyFunction;
}

/** Django's `default_key_func`. */
const defaultKeyFunction: KeyFunction = (key, keyPrefix, version) => `${keyPrefix}:${version}:${key}`;

const OPTION_NAMES = ['backend', 'location', 'timeout', 'keyPrefix', 'version', 'maxEntries', 'cullFrequency', 'keyFunction'];

/** Validates one alias's options against the built-in backends (by name) and fills in the defaults. */
export function resolveOptions(alias: string, raw: unknown, backends: Readonly<Record<string, Backend>>): ResolvedOptions {
  const where = `cache '${alias}'`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new TypeError(`cachette: the options of ${where} must be an object like { backend: 'idb' }, got ${describe(raw)}`);
  }
  const o = raw as Record<string, unknown>;
  for (const name of Object.keys(o)) {
    if (!OPTION_NAMES.includes(name)) {
      throw new TypeError(`cachette: unknown option '${name}' for ${where}; accepted: ${OPTION_NAMES.join(', ')}`);
    }
  }
  const implementation = checkBackend(o.backend, backends, where);
  return {
    backend: implementation.name,
    implementation,
    location: optional(o.location, '', (v) => typeof v === 'string', `${where}: location must be a string`),
    timeout: o.timeout === undefined ? 300 : checkTimeout(o.timeout, `${where}: timeout`),
    keyPrefix: optional(o.keyPrefix, '', (v) => typeof v === 'string', `${where}: keyPrefix must be a string`),
    version: optional(o.version, 1, Number.isSafeInteger, `${where}: version must be an integer`),
    maxEntries: optional(o.maxEntries, 300, (v) => Number.isSafeInteger(v) && (v as number) > 0, `${where}: maxEntries must be a positive integer`),
    cullFrequency: optional(o.cullFrequency, 3, (v) => Number.isSafeInteger(v) && (v as number) >= 0, `${where}: cullFrequency must be an integer >= 0 (0 empties the store when full)`),
    keyFunction: optional(o.keyFunction, defaultKeyFunction, (v) => typeof v === 'function', `${where}: keyFunction must be a function (key, keyPrefix, version) => string`),
  };
}

function checkBackend(value: unknown, backends: Readonly<Record<string, Backend>>, where: string): Backend {
  const accepted = `accepted: ${Object.keys(backends).map((b) => `'${b}'`).join(', ')}, or a backend object { name, open(location) }`;
  if (typeof value === 'string') {
    const named = Object.hasOwn(backends, value) ? backends[value] : undefined;
    if (named) return named;
    throw new TypeError(`cachette: unknown backend ${describe(value)} for ${where}; ${accepted}`);
  }
  if (typeof value === 'object' && value !== null) {
    const problem = backendProblem(value);
    if (problem) throw new TypeError(`cachette: the backend object of ${where} is not a backend: ${problem}`);
    return value as Backend;
  }
  throw new TypeError(`cachette: unknown backend ${describe(value)} for ${where}; ${accepted}`);
}

/**
 * A timeout in seconds: a finite number (floats allowed; 0 or less expires at once) or
 * `null` (never expires). Returns it, or throws a TypeError naming `what`.
 */
export function checkTimeout(value: unknown, what: string): number | null {
  if (value === null || (typeof value === 'number' && Number.isFinite(value))) return value;
  throw new TypeError(
    `cachette: ${what} must be a finite number of seconds or null (never expires), got ${describe(value)}`,
  );
}

/** A short, safe description of a value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? `an object (${value.constructor?.name ?? 'Object'})` : typeof value;
}

function optional<T>(value: unknown, fallback: T, ok: (v: unknown) => boolean, message: string): T {
  if (value === undefined) return fallback;
  if (!ok(value)) throw new TypeError(`cachette: ${message}, got ${describe(value)}`);
  return value as T;
}
