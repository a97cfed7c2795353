/**
 * A miss is shared, as Varnish's waiting list and nginx's `proxy_cache_lock`: while the
 * worker fetches a URL to fill an entry, other requests for that URL wait for that fetch
 * instead of sending their own, and are answered from its body. The entry stays listed
 * until the stored copy is written, so the very next request after a miss is answered
 * even while the write is still in flight. A follower waits at most
 * `SHARED_MISS_WAIT_MS` (nginx's `proxy_cache_lock_timeout`), then fetches for itself.
 */

/** What a finished miss hands its followers: the response as it was stored. */
export interface SharedResponse {
  status: number;
  statusText: string;
  /** The headers as stored (Expires and max-age patched in). */
  headers: Headers;
  body: Blob;
  /** When it was stored (ms since the epoch): a follower's answer is a cached one, with `Age`. */
  storedAt: number;
  /** The header names it varies on, and the hash of the leader's values of them. */
  vary: readonly string[];
  varyHash: string;
}

/** A miss in flight, as its leader drives it. */
export interface LeadMiss {
  /** Hands followers the response (or `undefined`: not shareable, each fetches itself). */
  settle(shared: Promise<SharedResponse | undefined> | SharedResponse | undefined): void;
  /** The stored copy is written (or abandoned): later requests read the cache again. */
  finish(): void;
}

/** How long a follower waits for the leader's response before fetching for itself. */
const SHARED_MISS_WAIT_MS = 5_000;

/** A miss in flight, the invalidation generation it began in, and its response once in hand. */
interface InFlight {
  pending: Promise<SharedResponse | undefined>;
  generation: number;
  settled?: SharedResponse;
}

/** Misses in flight (and background refreshes, which are led the same way). */
const inFlight = new Map<string, InFlight>();

/**
 * The response of the miss in flight for `key`, if one began in this invalidation
 * `generation` (a request must not be answered by a fetch made before an invalidation it
 * follows; followers already waiting still get it, as they would have had they fetched
 * themselves at the time). Resolves to `undefined` when the follower must fetch for itself
 * (not shareable, failed, or waited too long).
 * @example const shared = joinMiss(key, bus.generation); if (shared) answer(await shared);
 */
export function joinMiss(key: string, generation: number, waitMs = SHARED_MISS_WAIT_MS): Promise<SharedResponse | undefined> | undefined {
  const found = inFlight.get(key);
  if (!found || found.generation !== generation) return undefined;
  const { pending } = found;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, waitMs, undefined);
  });
  return Promise.race([pending.catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

/**
 * Lists a miss for `key`, begun in invalidation `generation`, so that later requests wait for it.
 * @example const lead = leadMiss(key, bus.generation); try { ... lead.settle(parts) } finally { lead.finish() }
 */
export function leadMiss(key: string, generation: number): LeadMiss {
  let settle!: (value: Promise<SharedResponse | undefined> | SharedResponse | undefined) => void;
  const pending = new Promise<SharedResponse | undefined>((resolve) => {
    settle = resolve;
  });
  const entry: InFlight = { pending, generation };
  void pending.then((shared) => {
    if (shared) entry.settled = shared;
  });
  inFlight.set(key, entry);
  return {
    settle,
    finish() {
      settle(undefined); // a leader that never settled (it threw) frees its followers
      if (inFlight.get(key) === entry) inFlight.delete(key);
    },
  };
}

/**
 * Whether a miss or refresh for `key`, begun in `generation`, is in flight: a stale entry's
 * refresh starts only when none is (one refresh per key at a time).
 * @example if (!missInFlight(key, bus.generation)) refresh();
 */
export function missInFlight(key: string, generation: number): boolean {
  return inFlight.get(key)?.generation === generation;
}

/**
 * The response of the miss or refresh in flight for `key` (begun in `generation`) once it
 * is in hand, without waiting: its entry is still being written, and the very next request
 * must already get it rather than the stale copy it replaces.
 * @example const done = settledMiss(key, bus.generation); if (done) return sharedToResponse(done, 'GET');
 */
export function settledMiss(key: string, generation: number): SharedResponse | undefined {
  const found = inFlight.get(key);
  return found?.generation === generation ? found.settled : undefined;
}

/**
 * A response for a follower from the shared parts (bodiless for HEAD).
 * @example return sharedToResponse(shared, request.method);
 */
export function sharedToResponse(shared: SharedResponse, method: string, now = Date.now()): Response {
  const headers = new Headers(shared.headers);
  // Answered from the cache, as a hit is: it says how old it is (Django's and RFC 9111's Age).
  headers.set('Age', String(Math.max(0, Math.floor((now - shared.storedAt) / 1000))));
  return new Response(method === 'HEAD' ? null : shared.body, { status: shared.status, statusText: shared.statusText, headers });
}
