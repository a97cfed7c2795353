/**
 * LRU stamps of hits that storage has not seen yet, for backends whose reads never write
 * (`idb` carries them with its next write transaction; `cache-storage` cannot rewrite an
 * entry's facts without its body, so it only ranks by them when culling and listing).
 */
import { UseStamps } from '../core/clock.js';

/**
 * One context's use stamps: those of writes, and those of hits kept in memory until written.
 * Both come from one strictly increasing sequence, so the LRU order within a context is exact.
 * @example
 * const uses = new PendingUses();
 * entry.used = uses.use(key, now);                 // a hit: remembered, not written
 * info.used = uses.latest(info.key, info.used);    // a listing: the newer of stored and pending
 */
export class PendingUses {
  readonly #stamps = new UseStamps();
  /** Stored key → the newest stamp of a hit not yet written. */
  readonly #pending = new Map<string, number>();

  /** How many keys have a pending stamp. */
  get size(): number {
    return this.#pending.size;
  }

  /** A stamp for an entry written now (its writer stores it; nothing is remembered). */
  stamp(now: number): number {
    return this.#stamps.next(now);
  }

  /** A hit on `key`: a new stamp, remembered until it is written or forgotten. */
  use(key: string, now: number): number {
    const stamp = this.#stamps.next(now);
    this.#pending.set(key, stamp);
    return stamp;
  }

  /** The later of `stored` (the stamp storage holds for `key`) and this context's pending one. */
  latest(key: string, stored: number): number {
    const pending = this.#pending.get(key);
    return pending !== undefined && pending > stored ? pending : stored;
  }

  /** What is pending now, to write (see `written`). */
  snapshot(): Map<string, number> {
    return new Map(this.#pending);
  }

  /** After `batch` (from `snapshot`) was written: forgets the stamps no newer hit replaced since. */
  written(batch: ReadonlyMap<string, number>): void {
    for (const [key, stamp] of batch) {
      if (this.#pending.get(key) === stamp) this.#pending.delete(key);
    }
  }

  /** Forgets `key`'s pending stamp (the entry was rewritten or removed). */
  forget(key: string): void {
    this.#pending.delete(key);
  }

  /** Forgets every pending stamp but those of `keys` (the entries still stored). */
  keepOnly(keys: ReadonlySet<string>): void {
    for (const key of this.#pending.keys()) if (!keys.has(key)) this.#pending.delete(key);
  }

  /** Forgets every pending stamp (the store was emptied). */
  clear(): void {
    this.#pending.clear();
  }
}
