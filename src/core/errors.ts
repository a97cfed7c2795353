/**
 * Thrown by the operations that need an existing entry (`incr`, `decr`, `incrVersion`,
 * `decrVersion`, as Django's ValueError), and only those: an ordinary `get` reports a miss
 * as `undefined`, because a miss is not an error.
 *
 * @example
 * try {
 *   await cache.incr('hits');
 * } catch (error) {
 *   if (error instanceof CacheMissError) console.log(error.key, error.alias); // 'hits' 'default'
 * }
 */
export class CacheMissError extends Error {
  override readonly name = 'CacheMissError';
  /** The key as the caller passed it (before prefixing and versioning). */
  readonly key: string;
  /** The alias of the cache that missed, when known. */
  readonly alias: string | undefined;

  constructor(key: string, alias?: string) {
    super(
      alias === undefined
        ? `cachette: key '${key}' is not in cache`
        : `cachette: key '${key}' is not in cache '${alias}'`,
    );
    this.key = key;
    this.alias = alias;
  }
}

/**
 * A store throws this when it cannot keep a value exactly (for example a function,
 * or a value the structured-clone algorithm would silently change), so the caller can report
 * the failure instead of caching something different from what was set. The platform error,
 * if any, is kept as `cause`.
 *
 * @example
 * throw new UnstorableValueError(':1:user', 'functions cannot be stored', { cause: error });
 */
export class UnstorableValueError extends Error {
  override readonly name = 'UnstorableValueError';
  /** The key as the store saw it (prefixed and versioned). */
  readonly storedKey: string;
  /** What about the value made it unstorable. */
  readonly reason: string;

  constructor(storedKey: string, reason: string, options?: { cause?: unknown }) {
    super(`cachette: cannot store '${storedKey}': ${reason}`, options);
    this.storedKey = storedKey;
    this.reason = reason;
  }
}
