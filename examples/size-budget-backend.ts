/**
 * A backend of your own, as the README shows it: a Map per location holding at most
 * `maxBytes` of values (by each entry's approximate `size`), besides Django's `maxEntries`.
 * Only the five required methods; the core supplies `add`, `touch`, `update`, `move`,
 * `getMany` and `deleteTagged` from them. The whole contract suite runs against it
 * (test/backends/size-budget.contract.test.ts).
 */
import { UnstorableValueError, type Backend, type BackendStore, type Entry, type EntryInfo, type WritePolicy } from 'cachette';

/**
 * A `memory`-like backend that also keeps the stored values under `maxBytes`.
 * @example defineCaches({ default: { backend: 'idb' }, thumbs: { backend: sizeBudget(5_000_000) } });
 */
export function sizeBudget(maxBytes: number): Backend {
  return {
    name: 'size-budget',
    capabilities: { sharing: 'realm' },
    open: () => new SizeBudgetStore(maxBytes),
  };
}

class SizeBudgetStore implements BackendStore {
  // A Map keeps insertion order: re-inserting on use keeps it least recently used first.
  readonly #entries = new Map<string, Entry>();
  readonly #maxBytes: number;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  async get(key: string, now: number): Promise<Entry | undefined> {
    const entry = this.#live(key, now);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, { ...entry, used: now });
    return { ...entry, value: structuredClone(entry.value) };
  }

  async set(entries: readonly Entry[], policy: WritePolicy): Promise<void> {
    // Cloned first: an unstorable value leaves the store untouched.
    const copies = entries.map((entry) => ({ ...entry, value: clone(entry) }));
    for (const entry of copies) {
      if (this.#entries.size >= policy.maxEntries) this.#cull(policy);
      this.#entries.delete(entry.key);
      this.#entries.set(entry.key, entry);
    }
    // Over budget: drop the least recently used until it fits.
    let bytes = [...this.#entries.values()].reduce((sum, e) => sum + e.size, 0);
    for (const [key, entry] of this.#entries) {
      if (bytes <= this.#maxBytes) break;
      this.#entries.delete(key);
      bytes -= entry.size;
    }
  }

  async delete(keys: readonly string[], now: number): Promise<string[]> {
    const removed = keys.filter((key) => this.#live(key, now) !== undefined);
    for (const key of keys) this.#entries.delete(key);
    return removed;
  }

  async list(now: number): Promise<EntryInfo[]> {
    return [...this.#entries.values()].filter((e) => e.expires > now).map(({ value: _value, ...info }) => info);
  }

  async clear(): Promise<void> {
    this.#entries.clear();
  }

  #live(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.expires <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  // As Django's LocMemCache: 1/cullFrequency of the entries (all when 0), expired ones first, then the least recently used.
  #cull({ now, cullFrequency }: WritePolicy): void {
    if (cullFrequency === 0) return this.#entries.clear();
    let toRemove = Math.floor(this.#entries.size / cullFrequency);
    for (const [key, entry] of this.#entries) if (entry.expires <= now && this.#entries.delete(key)) toRemove -= 1;
    for (const key of this.#entries.keys()) {
      if (toRemove-- <= 0) break;
      this.#entries.delete(key);
    }
  }
}

function clone(entry: Entry): unknown {
  try {
    return structuredClone(entry.value);
  } catch (error) {
    throw new UnstorableValueError(entry.key, 'values must be structured-clonable', { cause: error });
  }
}
