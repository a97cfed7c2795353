/**
 * The `memory` backend, as Django's LocMemCache: a Map per location, shared by every
 * alias of that location in this realm. The Map's order is the LRU order (oldest first);
 * values are structured clones, so neither the caller's later mutations nor a reader's
 * reach what is stored.
 */
import { UseStamps } from '../core/clock.js';
import { UnstorableValueError } from '../core/errors.js';
import type { Backend, BackendStore } from '../core/backend.js';
import { isExpired, type Entry, type EntryInfo, type WritePolicy } from '../core/store.js';

/**
 * The `memory` backend: entries in this realm's memory (a tab's, or the worker's).
 * @example defineCaches({ default: { backend: memoryBackend } });
 */
export const memoryBackend: Backend = {
  name: 'memory',
  capabilities: { sharing: 'realm' },
  open: (location) => new MemoryStore(location),
};

class MemoryStore implements BackendStore {
  readonly location: string;
  readonly #entries = new Map<string, Entry>();
  readonly #stamps = new UseStamps();

  constructor(location: string) {
    this.location = location;
  }

  async get(key: string, now: number): Promise<Entry | undefined> {
    const entry = this.#live(key, now);
    if (!entry) return undefined;
    this.#use(entry, now);
    return { ...entry, value: structuredClone(entry.value) };
  }

  async getMany(keys: readonly string[], now: number): Promise<Map<string, Entry>> {
    const found = new Map<string, Entry>();
    for (const key of keys) {
      const entry = await this.get(key, now);
      if (entry) found.set(key, entry);
    }
    return found;
  }

  async set(entries: readonly Entry[], policy: WritePolicy): Promise<void> {
    // Clone everything first so an unstorable value leaves the store untouched.
    const copies = entries.map((entry) => ({ ...entry, value: clone(entry.key, entry.value) }));
    for (const copy of copies) this.#write(copy, policy);
  }

  async add(entry: Entry, policy: WritePolicy): Promise<boolean> {
    if (this.#live(entry.key, policy.now)) return false;
    this.#write({ ...entry, value: clone(entry.key, entry.value) }, policy);
    return true;
  }

  async delete(keys: readonly string[], now: number): Promise<string[]> {
    const removed: string[] = [];
    for (const key of keys) {
      const entry = this.#entries.get(key);
      if (entry && this.#entries.delete(key) && !isExpired(entry, now)) removed.push(key);
    }
    return removed;
  }

  async touch(key: string, expires: number, now: number): Promise<boolean> {
    const entry = this.#live(key, now);
    if (!entry) return false;
    entry.expires = expires;
    return true;
  }

  async update(key: string, now: number, fn: (entry: Entry) => Entry): Promise<Entry | undefined> {
    const entry = this.#live(key, now);
    if (!entry) return undefined;
    const next = fn({ ...entry });
    const stored = { ...next, key, value: clone(key, next.value) };
    this.#entries.set(key, stored);
    this.#use(stored, now);
    return { ...stored, value: structuredClone(stored.value) };
  }

  async move(from: string, to: string, now: number): Promise<boolean> {
    const entry = this.#live(from, now);
    if (!entry) return false;
    this.#entries.delete(from);
    this.#entries.delete(to);
    this.#entries.set(to, { ...entry, key: to });
    return true;
  }

  async list(now: number, limit = Infinity): Promise<EntryInfo[]> {
    const infos: EntryInfo[] = [];
    for (const { value: _value, ...info } of this.#entries.values()) {
      if (infos.length >= limit) break;
      // Copies: a caller's edits to a listing must not reach the stored entry.
      if (!isExpired(info, now)) infos.push({ ...info, tags: [...info.tags] });
    }
    return infos;
  }

  async count(now: number): Promise<number> {
    let live = 0;
    for (const entry of this.#entries.values()) if (!isExpired(entry, now)) live += 1;
    return live;
  }

  async deleteTagged(tags: readonly string[], now: number): Promise<string[]> {
    const wanted = new Set(tags);
    const removed: string[] = [];
    if (wanted.size === 0) return removed;
    // A full scan: a tag index kept in memory would cost every write for the sake of a rare call.
    for (const [key, entry] of this.#entries) {
      if (!entry.tags.some((tag) => wanted.has(tag))) continue;
      this.#entries.delete(key);
      if (!isExpired(entry, now)) removed.push(key);
    }
    return removed;
  }

  async deletePrefix(prefix: string, _now: number): Promise<number> {
    // A scan without copies: in memory, cheaper than any index kept on every write.
    let removed = 0;
    for (const key of this.#entries.keys()) {
      if (key.startsWith(prefix) && this.#entries.delete(key)) removed += 1;
    }
    return removed;
  }

  async tags(prefix: string, _now: number): Promise<string[]> {
    const found = new Set<string>();
    for (const entry of this.#entries.values()) for (const tag of entry.tags) if (tag.startsWith(prefix)) found.add(tag);
    return [...found];
  }

  async clear(): Promise<void> {
    this.#entries.clear();
  }

  async close(): Promise<void> {
    // Nothing to release: the data lives as long as the realm, as LocMemCache's does.
  }

  #live(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && isExpired(entry, now)) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Moves the entry to the most-recently-used end. */
  #use(entry: Entry, now: number): void {
    entry.used = this.#stamps.next(now);
    this.#entries.delete(entry.key);
    this.#entries.set(entry.key, entry);
  }

  #write(entry: Entry, policy: WritePolicy): void {
    if (this.#entries.size >= policy.maxEntries) this.#cull(policy);
    this.#entries.delete(entry.key);
    entry.used = this.#stamps.next(policy.now);
    this.#entries.set(entry.key, entry);
  }

  /** Django's `_cull`, with expired entries removed before any live one. */
  #cull({ cullFrequency, now }: WritePolicy): void {
    if (cullFrequency === 0) {
      this.#entries.clear();
      return;
    }
    const target = Math.floor(this.#entries.size / cullFrequency);
    let removed = 0;
    for (const [key, entry] of this.#entries) {
      if (isExpired(entry, now) && this.#entries.delete(key)) removed += 1;
    }
    for (const key of this.#entries.keys()) {
      if (removed >= target) break;
      this.#entries.delete(key);
      removed += 1;
    }
  }
}

function clone(key: string, value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch (error) {
    throw new UnstorableValueError(key, `values must be structured-clonable (${(error as Error).message})`, { cause: error });
  }
}
