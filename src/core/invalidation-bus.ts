/**
 * Invalidation across contexts. `invalidate` removes the matching entries here (shared
 * stores included), then tells every other tab and the worker: on the BroadcastChannel
 * `cachette`, and by `postMessage` to the controlling worker, which a broadcast would not
 * wake, waiting for its answer. Receivers drop their in-memory copies; the worker also
 * clears its own stores (it may keep stores no page configured). Every context runs its
 * `onInvalidate` listeners once per invalidation, whichever way it heard of it.
 */
import { reportError } from './report.js';
import { applyInvalidation, storeId } from './apply-invalidation.js';
import type { Cache } from './cache.js';
import { checkTarget, type InvalidateTarget } from './invalidate-target.js';
import { describe } from './options.js';
import { CHANNEL_NAME, message, parseMessage, type Envelope, type InvalidatedMessage, type PushOrigin } from './protocol.js';

/** What the bus needs from its realm: the configured caches and the time. */
export interface BusHost {
  caches(): Cache[];
  now(): number;
}

/**
 * A context whose own writes can race an invalidation: the worker, storing what it fetched
 * before the change while a page is invalidating it. The bus waits for those writes before an
 * invalidation is done (each one sees the new `generation` and is dropped or undone), and
 * cleans again a store the sender had already cleaned when this context wrote to it since.
 */
export interface WriteGuard {
  /** Resolves once every write begun so far has settled. */
  settle(): Promise<void>;
  /** Whether this context finished a write to the store `id` (see `storeId`) at or after `since`. */
  wroteSince(id: string, since: number): boolean;
}

/** For an invalidation that has an identity of its own: an event pushed by an invalidation hub. */
export interface InvalidateOptions {
  /**
   * Its id (1 to 64 characters) instead of a fresh one. Every context acts once per id, so
   * contexts applying the same event each on their own (tabs without Web Locks, the worker's
   * catch-up) act once: a second `invalidate` with a known id only waits for the first.
   */
  id?: string;
  /** The hub and event it came from, told to the other contexts with the message. */
  pushed?: PushOrigin;
}

/** A listener of invalidations: local ones, from other tabs and from the worker. */
export type InvalidateListener = (target: InvalidateTarget) => void;

/** How long `invalidate` waits for the worker's answer before resolving anyway. */
const WORKER_ANSWER_MS = 2_000;
/** How many recent invalidation ids a context remembers to act once on each. */
const REMEMBERED = 256;

/** One per realm; created by the façade, opening nothing until first used. */
export class InvalidationBus {
  readonly #host: BusHost;
  readonly #listeners = new Set<InvalidateListener>();
  readonly #recent = new Map<string, Promise<void>>();
  #channel: BroadcastChannel | undefined;
  #generation = 0;
  #guard: WriteGuard | undefined;

  constructor(host: BusHost) {
    this.#host = host;
  }

  /**
   * Counts invalidations begun in this context (local or heard): work that read the
   * network before a change compares it before and after writing, so a response fetched
   * before an invalidation is never stored after it.
   */
  get generation(): number {
    return this.#generation;
  }

  /** Makes every invalidation wait for `guard`'s writes (the worker's); returns the undo. */
  guardWrites(guard: WriteGuard): () => void {
    this.#guard = guard;
    return () => {
      if (this.#guard === guard) this.#guard = undefined;
    };
  }

  /** Starts hearing other contexts (idempotent). */
  listen(): void {
    if (this.#channel || typeof BroadcastChannel === 'undefined') return;
    const channel = new BroadcastChannel(CHANNEL_NAME);
    // Node keeps a process alive while a channel is open; a cache should not.
    (channel as { unref?: () => void }).unref?.();
    channel.onmessage = (event: MessageEvent) => {
      void this.receive(event.data);
    };
    channel.onmessageerror = () => {};
    this.#channel = channel;
  }

  /** Stops hearing other contexts. */
  close(): void {
    this.#channel?.close();
    this.#channel = undefined;
  }

  /**
   * Removes what `target` matches everywhere; resolves once this context's stores (and the
   * controlling worker's, when it answers) no longer hold it and the message is sent. With
   * `options.id` already seen here (applied or heard), only waits for that invalidation.
   */
  async invalidate(raw: InvalidateTarget, options: InvalidateOptions = {}): Promise<void> {
    const target = checkTarget(raw);
    if (typeof target === 'string') throw new TypeError(`cachette: ${target}`);
    const { id = newId(), pushed } = options;
    if (typeof id !== 'string' || id.length === 0 || id.length > 64) {
      throw new TypeError(`cachette: an invalidation id must be a string of 1 to 64 characters, got ${describe(id)}`);
    }
    // Receivers drop a malformed message silently: refuse it here, where someone hears.
    if (pushed !== undefined && !parseMessage(message({ type: 'invalidate', id, target: { all: true }, applied: [], pushed }))) {
      throw new TypeError(`cachette: pushed must be { hub: an absolute URL, id: '' or an event id of at most 64 characters }, got ${describe(pushed)}`);
    }
    const known = this.#recent.get(id);
    if (known) return known;
    this.listen();
    this.#generation += 1;
    const caches = this.#host.caches();
    // Wall-clock time, not the host clock: the receiver compares it with its own writes.
    const at = Date.now();
    const done = this.#settled(applyInvalidation(caches, target, { shared: true, now: this.#host.now() }));
    this.#remember(id, done.catch(() => {}));
    await done;
    const applied = [...new Set(caches.filter((c) => c.store.capabilities.sharing === 'origin').map((c) => storeId(c.store)))];
    const envelope = message({ type: 'invalidate', id, target, applied, at, ...(pushed ? { pushed: { hub: pushed.hub, id: pushed.id } } : {}) });
    this.#channel?.postMessage(envelope);
    await tellWorker(envelope);
    // Listeners last: one that re-renders fetches through the worker, which must be clean by then.
    this.#notify(target);
  }

  /** Subscribes to every invalidation; returns the unsubscribe function. */
  onInvalidate(listener: InvalidateListener): () => void {
    if (typeof listener !== 'function') throw new TypeError('cachette: onInvalidate takes a function (target) => void');
    this.listen();
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Handles a message from another context if it is an invalidation (anything else is
   * ignored, never thrown). `reply` answers the sender once this context is done.
   */
  receive(data: unknown, reply?: (answer: Envelope<InvalidatedMessage>) => void): Promise<void> {
    const msg = parseMessage(data);
    if (msg?.type !== 'invalidate') return Promise.resolve();
    let done = this.#recent.get(msg.id);
    if (!done) {
      this.#generation += 1;
      const shared = isServiceWorker();
      const { at } = msg;
      const guard = this.#guard;
      // A store this context wrote to since the sender cleaned it may hold what the sender removed.
      const skip = new Set(at === undefined || !guard ? msg.applied : msg.applied.filter((id) => !guard.wroteSince(id, at)));
      done = this.#settled(applyInvalidation(this.#host.caches(), msg.target, { shared, now: this.#host.now(), skip }))
        .catch((error: unknown) => reportError(error, 'applying an invalidation from another context'))
        // A tab waits for the controlling worker too before its listeners run (they may refetch
        // through it); the worker knows the id and answers as soon as its own stores are clean.
        .then(() => (shared ? undefined : tellWorker(msg)))
        .then(() => this.#notify(msg.target));
      this.#remember(msg.id, done);
    }
    if (!reply) return done;
    return done.then(() => {
      try {
        reply(message({ type: 'invalidated', id: msg.id }));
      } catch (error) {
        reportError(error, 'answering an invalidation');
      }
    });
  }

  /** Done once `applied` is, and every write this context had begun has settled (each sees the new generation). */
  async #settled(applied: Promise<void>): Promise<void> {
    await Promise.all([applied, this.#guard?.settle()]);
  }

  #notify(target: InvalidateTarget): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(structuredClone(target));
      } catch (error) {
        reportError(error, 'an onInvalidate listener');
      }
    }
  }

  #remember(id: string, done: Promise<void>): void {
    this.#recent.set(id, done);
    if (this.#recent.size > REMEMBERED) this.#recent.delete(this.#recent.keys().next().value as string);
  }
}

/** Posts to the page's controlling worker, if any, and waits (bounded) for its answer. */
async function tellWorker(envelope: Envelope): Promise<void> {
  const controller = (globalThis as { navigator?: { serviceWorker?: { controller?: ServiceWorker | null } } }).navigator?.serviceWorker
    ?.controller;
  if (!controller || typeof MessageChannel === 'undefined') return;
  const { port1, port2 } = new MessageChannel();
  const answered = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, WORKER_ANSWER_MS);
    port1.onmessage = (event: MessageEvent) => {
      const answer = parseMessage(event.data);
      if (answer?.type === 'invalidated') {
        clearTimeout(timer);
        resolve();
      }
    };
  });
  try {
    controller.postMessage(envelope, [port2]);
  } catch (error) {
    reportError(error, 'telling the worker about an invalidation');
    return;
  }
  await answered;
  port1.close();
}

function isServiceWorker(): boolean {
  const scope = (globalThis as { ServiceWorkerGlobalScope?: abstract new () => unknown }).ServiceWorkerGlobalScope;
  return typeof scope === 'function' && globalThis instanceof scope;
}

function newId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return c?.randomUUID ? c.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
