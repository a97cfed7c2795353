/**
 * The broker for one server process: the last `retain` events in a ring, in memory.
 * It cannot know what an earlier process published, so it vouches only for ids from its
 * own start on: a client resuming from before (a restart) or from an event it has already
 * dropped gets a reset.
 */
import type { Broker, BrokerEvent, BrokerSink, Replay } from './broker.js';
import { compareEventIds, EventIdSequence, NO_EVENT } from './event-id.js';
import { invalidateFrame } from './sse-frames.js';

/** What the memory broker needs. */
export interface MemoryBrokerOptions {
  /** Events kept for replay. */
  retain: number;
  /** Milliseconds since the epoch, for ids. */
  now(): number;
}

/**
 * A broker kept in this process's memory.
 * @example const broker = createMemoryBroker({ retain: 10_000, now: Date.now });
 */
export function createMemoryBroker({ retain, now }: MemoryBrokerOptions): Broker {
  const start = now();
  const ids = new EventIdSequence(start);
  const ring: (BrokerEvent | undefined)[] = [];
  let head = 0; // index of the oldest retained event
  let size = 0;
  // Every event after `floor` is retained: the last dropped id, or this broker's start.
  let floor = `${Math.max(0, Math.floor(start))}-0`;
  let sink: BrokerSink | undefined;

  const at = (i: number): BrokerEvent => ring[(head + i) % retain] as BrokerEvent;
  // With no event yet, the position is `floor`: a client that stores it and comes back
  // resumes with nothing to replay, or gets a reset if this broker restarted meanwhile
  // (an empty `ready` would leave it nothing to resume from, and it would miss events).
  const latest = (): string => (size === 0 ? floor : at(size - 1).id);

  return {
    async start(s) {
      sink = s;
    },
    async publish(data, audience) {
      const id = ids.next(now());
      const stored: BrokerEvent = { id, frame: invalidateFrame(id, data), audience };
      if (size < retain) {
        ring[(head + size) % retain] = stored;
        size += 1;
      } else {
        floor = at(0).id;
        ring[head] = stored;
        head = (head + 1) % retain;
      }
      sink?.event(stored);
      return stored.id;
    },
    latest,
    async since(after) {
      const newest = size === 0 ? floor : latest();
      if (compareEventIds(after, floor) < 0 || compareEventIds(after, newest) > 0) {
        return { gap: true, latest: latest() } satisfies Replay;
      }
      const events: BrokerEvent[] = [];
      for (let i = firstAfter(after); i < size; i += 1) events.push(at(i));
      return { gap: false, events, latest: latest() } satisfies Replay;
    },
    async close() {
      sink = undefined;
    },
  };

  // Binary search: the index of the first retained event after `after`.
  function firstAfter(after: string): number {
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEventIds(at(mid).id, after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
