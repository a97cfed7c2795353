/**
 * A small in-memory Cache Storage API for unit tests in Node or happy-dom, where `caches`
 * does not exist. It keeps the behaviours the `cache-storage` backend depends on:
 * - `put` consumes the response's body and stores a copy; `match` returns a new Response
 *   each time (built with whatever `Response` is global, Node's or happy-dom's);
 * - `put` refuses what the real API refuses (a non-GET request, status 206, `Vary: *`,
 *   a used body) and replaces an existing entry at the end of the key order;
 * - a `Cache` obtained before `caches.delete(name)` keeps working on an orphan nobody else
 *   sees, as Chromium's does, and `open` then creates a new, empty cache.
 * Query options (`ignoreSearch`, `ignoreMethod`, `ignoreVary`) are not modelled: passing one
 * throws, rather than silently matching differently from a browser.
 *
 * The `cache-storage` backend keeps its entries' facts in IndexedDB beside the Cache: a test
 * that installs this fake gets fake IndexedDB too (where the realm has none).
 */
import 'fake-indexeddb/auto';

/** One stored response, copied out of the Response that was put. */
interface StoredResponse {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: ArrayBuffer | null;
}

type Entries = Map<string, StoredResponse>;

/**
 * Installs a fresh fake as `globalThis.caches`; returns the function that puts back what was there.
 * @example
 * let uninstall: () => void;
 * beforeEach(() => { uninstall = installFakeCacheStorage(); });
 * afterEach(() => uninstall());
 */
export function installFakeCacheStorage(): () => void {
  const previous = Object.getOwnPropertyDescriptor(globalThis, 'caches');
  Object.defineProperty(globalThis, 'caches', { value: new FakeCacheStorage(), configurable: true, writable: true });
  return () => {
    if (previous) Object.defineProperty(globalThis, 'caches', previous);
    else delete (globalThis as { caches?: CacheStorage }).caches;
  };
}

/**
 * The fake `caches`: named caches in creation order.
 * @example const cache = await new FakeCacheStorage().open('cachette')
 */
export class FakeCacheStorage implements CacheStorage {
  readonly #caches = new Map<string, Entries>();

  async open(cacheName: string): Promise<Cache> {
    let entries = this.#caches.get(cacheName);
    if (!entries) {
      entries = new Map();
      this.#caches.set(cacheName, entries);
    }
    return new FakeCache(entries);
  }

  async has(cacheName: string): Promise<boolean> {
    return this.#caches.has(cacheName);
  }

  async delete(cacheName: string): Promise<boolean> {
    return this.#caches.delete(cacheName);
  }

  async keys(): Promise<string[]> {
    return [...this.#caches.keys()];
  }

  async match(request: RequestInfo | URL, options?: MultiCacheQueryOptions): Promise<Response | undefined> {
    checkOptions(options);
    if (options?.cacheName !== undefined) {
      const entries = this.#caches.get(options.cacheName);
      return entries ? new FakeCache(entries).match(request) : undefined;
    }
    for (const entries of this.#caches.values()) {
      const found = await new FakeCache(entries).match(request);
      if (found) return found;
    }
    return undefined;
  }
}

/**
 * One handle on a named cache. Spy on its prototype to see what a store does, e.g.
 * @example const put = vi.spyOn(FakeCache.prototype, 'put')
 */
export class FakeCache implements Cache {
  readonly #entries: Entries;

  constructor(entries: Entries) {
    this.#entries = entries;
  }

  async match(request: RequestInfo | URL, options?: CacheQueryOptions): Promise<Response | undefined> {
    checkOptions(options);
    const stored = this.#entries.get(urlOf(request));
    return stored ? toResponse(stored) : undefined;
  }

  async matchAll(request?: RequestInfo | URL, options?: CacheQueryOptions): Promise<ReadonlyArray<Response>> {
    checkOptions(options);
    const url = request === undefined ? undefined : urlOf(request);
    return [...this.#entries].filter(([u]) => url === undefined || u === url).map(([, stored]) => toResponse(stored));
  }

  async put(request: RequestInfo | URL, response: Response): Promise<void> {
    const url = urlOf(request);
    if (typeof request === 'object' && 'method' in request && request.method !== 'GET') {
      throw new TypeError(`Cache.put: request method '${request.method}' is unsupported`);
    }
    if (response.status === 206) throw new TypeError('Cache.put: partial response (status code 206) is unsupported');
    const vary = response.headers.get('vary');
    if (vary?.split(',').some((v) => v.trim() === '*')) throw new TypeError("Cache.put: vary header contains '*'");
    if (response.bodyUsed) throw new TypeError('Cache.put: response body is already used');
    const headers: Array<[string, string]> = [];
    response.headers.forEach((value, name) => {
      headers.push([name, value]);
    });
    // Reading the body consumes it, as the real put does; the entry appears only once it is read.
    const body = response.body === null ? null : await response.arrayBuffer();
    this.#entries.delete(url);
    this.#entries.set(url, { status: response.status, statusText: response.statusText, headers, body });
  }

  async delete(request: RequestInfo | URL, options?: CacheQueryOptions): Promise<boolean> {
    checkOptions(options);
    return this.#entries.delete(urlOf(request));
  }

  async keys(request?: RequestInfo | URL, options?: CacheQueryOptions): Promise<ReadonlyArray<Request>> {
    checkOptions(options);
    const url = request === undefined ? undefined : urlOf(request);
    return [...this.#entries.keys()].filter((u) => url === undefined || u === url).map((u) => new Request(u));
  }

  async add(): Promise<void> {
    throw new DOMException('Cache.add fetches from the network: not supported by the fake', 'NotSupportedError');
  }

  async addAll(): Promise<void> {
    throw new DOMException('Cache.addAll fetches from the network: not supported by the fake', 'NotSupportedError');
  }
}

function toResponse(stored: StoredResponse): Response {
  return new Response(stored.body === null ? null : stored.body.slice(0), {
    status: stored.status,
    statusText: stored.statusText,
    headers: stored.headers,
  });
}

/** The URL a request is keyed by: absolute, without its fragment (the real API ignores it). */
function urlOf(request: RequestInfo | URL): string {
  const url = new URL(typeof request === 'string' ? request : request instanceof URL ? request.href : request.url);
  url.hash = '';
  return url.href;
}

function checkOptions(options: CacheQueryOptions | undefined): void {
  if (options?.ignoreSearch || options?.ignoreMethod || options?.ignoreVary) {
    throw new Error('fake-cache-storage: ignoreSearch, ignoreMethod and ignoreVary are not modelled');
  }
}
