/**
 * The small interface every broker implements: where events are appended, kept for
 * replay and heard back. The hub owns the connections; a broker only knows events.
 * `memory-broker.ts` serves one process, `redis-broker.ts` many (Redis Streams).
 */

/** One invalidation as the hub fans it out. Shared by every connection: never mutated. */
export interface BrokerEvent {
  /** `<ms>-<seq>`, normal form. */
  readonly id: string;
  /** The whole SSE frame, built once (`invalidateFrame`). */
  readonly frame: string;
  /** Who may receive it; `undefined` for everyone. */
  readonly audience: readonly string[] | undefined;
}

/** What a resume id leads to. `latest` is the broker's newest id (`'0-0'` when none). */
export type Replay =
  | { readonly gap: false; readonly events: readonly BrokerEvent[]; readonly latest: string }
  | { readonly gap: true; readonly latest: string };

/** Where a broker delivers what it hears, in id order. */
export interface BrokerSink {
  event(event: BrokerEvent): void;
  /** Events were lost (e.g. Redis restarted empty): every client must drop everything. */
  reset(latest: string): void;
}

/** A place to publish events, replay them and hear them. */
export interface Broker {
  /** Connects and starts hearing events; resolves once `latest()` and `since()` can answer. */
  start(sink: BrokerSink): Promise<void>;
  /** Appends an event; resolves with its id. `data` is the target as one-line JSON. */
  publish(data: string, audience: readonly string[] | undefined): Promise<string>;
  /** The newest id heard (`'0-0'` when none). */
  latest(): string;
  /** The retained events after `after`, or a gap when the broker cannot prove it has them all. */
  since(after: string): Promise<Replay>;
  /** Stops hearing and disconnects; idempotent. */
  close(): Promise<void>;
}

/**
 * Whether a connection with `audiences` may receive `event`. A connection of a hub without
 * `audience(req)` has none, so a private event (e.g. XADDed by another app) reaches nobody.
 * @example isFor(event, ['user:42'])
 */
export function isFor(event: BrokerEvent, audiences: readonly string[] | undefined): boolean {
  if (event.audience === undefined) return true;
  if (audiences === undefined) return false;
  return event.audience.some((a) => audiences.includes(a));
}
