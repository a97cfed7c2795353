/**
 * The broker for many server processes: Redis Streams. Publishing is one `XADD` (so Django,
 * a shell or another hub can publish too); one dedicated connection per hub blocks in
 * `XREAD` and fans out what it reads, whoever wrote it; replay is `XRANGE` after the
 * resume id. After any read failure (Redis restarting, a dropped connection) the reader
 * waits for node-redis to reconnect, checks that nothing was lost since its last id (see
 * `lostSince`), and resumes `XREAD` from that id; if events were lost every connection is
 * told to reset.
 */
import type { Broker, BrokerEvent, BrokerSink, Replay } from './broker.js';
import { compareEventIds, nextEventId, NO_EVENT } from './event-id.js';
import { closeRedisClient, loadRedis, redactUrl, type CreateRedisClient, type RedisClient } from './redis-client.js';
import { parseEntries, parseStreamEnds, parseXRead, toEvent, type StreamEnds, type StreamEntry } from './redis-entries.js';

/** What the Redis broker needs. */
export interface RedisBrokerOptions {
  /** `redis://…` or `rediss://…`. */
  url: string;
  /** The stream key. */
  stream: string;
  /** Events kept (Redis trims approximately: at least this many). */
  retain: number;
  /** How long a publish (or a replay) waits for Redis before rejecting. */
  timeoutMs: number;
  onError(error: unknown): void;
  /** Where `createClient` comes from (tests inject a failing loader). */
  load?: () => Promise<CreateRedisClient>;
}

/** How long one `XREAD` blocks before asking again. */
const BLOCK_MS = 5_000;
/** Entries one `XREAD` returns at most. */
const READ_COUNT = 1_000;

/**
 * A broker on a Redis stream.
 * @example const broker = createRedisBroker({ url: 'redis://localhost:6379', stream: 'cachette:invalidations', retain: 10_000, timeoutMs: 5_000, onError: console.error });
 */
export function createRedisBroker(options: RedisBrokerOptions): Broker {
  const { url, stream, retain, timeoutMs, onError } = options;
  const where = `Redis at ${redactUrl(url)} (stream '${stream}')`;
  let publisher: RedisClient | undefined;
  let reader: RedisClient | undefined;
  let lastId = NO_EVENT;
  let sink: BrokerSink | undefined;
  let closed = false;
  let down = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  const reportDown = (cause: unknown): void => {
    if (down || closed) return;
    down = true;
    onError(new Error(`cachette: the connection to ${where} is down; reconnecting`, { cause }));
  };

  const connected = (): RedisClient => {
    if (closed || !publisher) throw new Error(`cachette: the connection to ${where} is closed`);
    return publisher;
  };

  return {
    async start(s) {
      sink = s;
      const createClient = await (options.load ?? loadRedis)();
      if (closed) throw new Error(`cachette: the broker for ${where} was closed while starting`);
      const make = (offlineQueue: boolean): RedisClient => {
        const client = createClient({
          url,
          disableOfflineQueue: !offlineQueue,
          socket: { reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2_000) + Math.floor(Math.random() * 50), connectTimeout: timeoutMs },
        });
        client.on('error', reportDown);
        client.on('ready', () => {
          down = false;
        });
        return client;
      };
      // The publisher fails fast while Redis is down; the reader's commands wait for the reconnect.
      const pub = (publisher = make(false));
      const read = (reader = make(true));
      try {
        await withDeadline(Promise.all([pub.connect(), read.connect()]), timeoutMs, `${where} did not answer within ${timeoutMs} ms`);
        if (closed) throw new Error(`cachette: the broker for ${where} was closed while connecting`);
        lastId = (await ensureStream(pub)).last;
      } catch (error) {
        await Promise.all([closeRedisClient(pub, 0), closeRedisClient(read, 0)]);
        publisher = reader = undefined;
        throw error;
      }
      loop = readLoop(read);
    },

    async publish(data, audience) {
      const args = ['XADD', stream, 'MAXLEN', '~', String(retain), '*', 'target', data];
      if (audience) args.push('audience', JSON.stringify(audience));
      let reply: unknown;
      try {
        reply = await withDeadline(connected().sendCommand(args), timeoutMs, `publish failed: ${where} did not answer within ${timeoutMs} ms (the event may or may not be in the stream)`);
      } catch (cause) {
        if (cause instanceof DeadlineError) throw cause;
        throw new Error(`cachette: publish failed: ${where} is unreachable or refused XADD (${message(cause)})`, { cause });
      }
      const id = typeof reply === 'string' ? parseEntries([[reply]])[0]?.id : undefined;
      if (id === undefined) throw new Error(`cachette: publish got an unexpected reply from ${where}`);
      return id;
    },

    latest: () => lastId,

    async since(after) {
      const client = connected();
      const found = await withDeadline(readEnds(client), timeoutMs, `${where} did not answer within ${timeoutMs} ms`);
      // Deleted under us (FLUSHDB, Redis restarted empty): whatever it held is gone.
      if (found === undefined) return { gap: true, latest: (await withDeadline(ensureStream(client), timeoutMs, `${where} did not answer within ${timeoutMs} ms`)).last } satisfies Replay;
      const ends = found;
      if (lostSince(after, ends)) return { gap: true, latest: ends.last } satisfies Replay;
      // `nextEventId(after)` rather than `(after`: exclusive ranges need Redis 6.2.
      const reply = await withDeadline(client.sendCommand(['XRANGE', stream, nextEventId(after), '+']), timeoutMs, `${where} did not answer within ${timeoutMs} ms`);
      const events: BrokerEvent[] = [];
      // Bad entries are skipped silently here: the reader reported each one once already.
      for (const entry of parseEntries(reply)) {
        const event = toEvent(entry);
        if (!('error' in event)) events.push(event);
      }
      return { gap: false, events, latest: ends.last } satisfies Replay;
    },

    async close() {
      if (closed) return;
      closed = true;
      wake?.();
      // The reader is blocked in XREAD: destroy it at once rather than wait out the block.
      await Promise.all([reader && closeRedisClient(reader, 0), publisher && closeRedisClient(publisher, timeoutMs)]);
      await loop;
      sink = undefined;
    },
  };

  async function readLoop(client: RedisClient): Promise<void> {
    let failures = 0;
    while (!closed) {
      try {
        if (failures > 0) await resumeAfterFailure(client);
        const reply = await client.sendCommand(['XREAD', 'COUNT', String(READ_COUNT), 'BLOCK', String(BLOCK_MS), 'STREAMS', stream, lastId]);
        failures = 0;
        for (const entry of parseXRead(reply)) deliver(entry);
      } catch (error) {
        if (closed) return;
        // Socket errors are reported by the client's 'error' event; others (WRONGTYPE...) once here.
        if (failures === 0 && client.isReady) onError(new Error(`cachette: reading ${where} failed; retrying`, { cause: error }));
        failures += 1;
        await pause(Math.min(100 * failures, 1_000));
      }
    }
  }

  function deliver(entry: StreamEntry): void {
    lastId = entry.id;
    const event = toEvent(entry);
    if ('error' in event) onError(new Error(`cachette: skipped entry ${entry.id} of ${where}: ${event.error}`));
    else sink?.event(event);
  }

  // Runs once the reader is back (its commands wait for the reconnect).
  async function resumeAfterFailure(client: RedisClient): Promise<void> {
    const found = await readEnds(client);
    const lost = found === undefined || lostSince(lastId, found);
    if (!lost) return;
    lastId = (found ?? (await ensureStream(client))).last;
    onError(
      new Error(
        `cachette: events after the last one this hub read are gone from ${where} (Redis restarted without persistence, or the stream was deleted or trimmed past it); every connection is told to reset`,
      ),
    );
    sink?.reset(lastId);
  }

  /**
   * The stream's ends, creating it empty when it does not exist, so that it has a position
   * to resume from before its first event: the id of an entry added and deleted in one
   * script, a time no other creation of the stream shares (see `lostSince`).
   */
  async function ensureStream(client: RedisClient): Promise<StreamEnds> {
    // One script: no publish from another hub can fall between the check and the trim.
    await client.sendCommand(['EVAL', CREATE_EMPTY_STREAM, '1', stream]);
    const ends = await readEnds(client);
    if (!ends) throw new Error(`cachette: could not create the stream on ${where}`);
    return ends;
  }

  async function readEnds(client: RedisClient): Promise<StreamEnds | undefined> {
    let reply: unknown;
    try {
      reply = await client.sendCommand(['XINFO', 'STREAM', stream]);
    } catch (error) {
      if (/no such key/i.test(message(error))) return undefined;
      throw error;
    }
    const ends = parseStreamEnds(reply);
    if (!ends) throw new Error(`cachette: unexpected XINFO STREAM reply from ${where}`);
    return ends;
  }

  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** Creates the stream `KEYS[1]` when it does not exist: one entry added, then deleted, so it is empty but has a position. */
const CREATE_EMPTY_STREAM =
  "if redis.call('EXISTS', KEYS[1]) == 0 then local id = redis.call('XADD', KEYS[1], '*', 'created', '1'); redis.call('XDEL', KEYS[1], id) end return 1";

/**
 * Whether the stream cannot prove it still holds every event after `id`: `id` is newer than
 * anything the stream ever had (it was recreated), or the oldest entry kept (the id after
 * the newest when none is) comes after the one right after `id` (trimming removes the
 * oldest first) — unless `id` is the position the stream was created at and that creation
 * is the only entry it ever removed (Redis >= 7.0 counts; before it, such a client resets once).
 */
function lostSince(id: string, ends: StreamEnds): boolean {
  if (compareEventIds(id, ends.last) > 0) return true;
  if (ends.removed && ends.removed.count === 1 && ends.removed.maxDeleted === id) return false;
  const first = ends.first ?? nextEventId(ends.last);
  return compareEventIds(first, nextEventId(id)) > 0 || compareEventIds(id, ends.last) > 0;
}

/** Redis did not answer in time. */
class DeadlineError extends Error {}

function withDeadline<T>(promise: Promise<T>, ms: number, text: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`cachette: ${text}`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
