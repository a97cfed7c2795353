/**
 * The invalidation hub's wire format, read: a Server-Sent Events body becomes typed events.
 * `id: <ms>-<seq>` / `event: invalidate` / `data: <target JSON>`; `event: ready` (`data:` the
 * last id, or empty) once the hub replayed what the client missed; `event: reset` (`id:` the
 * hub's latest id) when it cannot replay; `:` comments as heartbeats. Parsing is
 * eventsource-parser's (the SSE grammar: line endings, multi-line data, a BOM, fields split
 * across chunks); what the events mean is here. Shared by the page's connection and the worker's catch-up.
 */
import { createParser } from 'eventsource-parser';
import { checkTarget, type InvalidateTarget } from './invalidate-target.js';
import { md5Hex } from './md5.js';

/**
 * One Server-Sent Event as the parser hands it over: the fields this module reads, declared
 * here because eventsource-parser is bundled (a dev dependency), so the published
 * declarations must not name it (an app type-checking with `skipLibCheck: false` has no copy).
 */
export interface EventSourceMessage {
  id?: string | undefined;
  event?: string | undefined;
  data: string;
}

/** One event of the hub's stream, checked. */
export type PushEvent =
  | { type: 'invalidate'; id: string; target: InvalidateTarget }
  | { type: 'ready'; lastId: string }
  | { type: 'reset'; id: string }
  /** Anything else: ignored (its `id`, if any, is still past). */
  | { type: 'malformed'; problem: string; id?: string };

/** A single event larger than this is not an invalidation: the connection is dropped. */
const MAX_EVENT_CHARS = 16 * 1024 * 1024;
/** What a bus and `Last-Event-ID` accept as an id. */
const MAX_ID = 64;

/**
 * Reads `body` to its end, calling `onEvent` with each event in order; the next chunk is read
 * only once the events before it are handled. `onChunk` hears every chunk, heartbeats
 * included (a watchdog's sign of life). Rejects when the stream fails or is aborted, or
 * when an event exceeds 16 MiB; cancels the body when it stops early.
 * @example await readPushEvents(response.body, async (event) => { if (event.type === 'invalidate') await invalidate(event.target); });
 */
export async function readPushEvents(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: PushEvent) => Promise<void>,
  onChunk: () => void = () => {},
): Promise<void> {
  const parsed: PushEvent[] = [];
  let overflow = false;
  const parser = createParser({
    onEvent: (message) => parsed.push(toPushEvent(message)),
    onError: (error) => {
      // Unknown fields and bad `retry:` values are the server's business; only an overflow ends the stream.
      if (error.type === 'max-buffer-size-exceeded') overflow = true;
    },
    maxBufferSize: MAX_EVENT_CHARS,
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      onChunk();
      parser.feed(decoder.decode(value, { stream: true }));
      if (overflow) throw new Error(`cachette: an event of the invalidation stream exceeds ${MAX_EVENT_CHARS} characters`);
      while (parsed.length > 0) await onEvent(parsed.shift()!);
    }
  } finally {
    // Stopping early (a handler threw, an overflow) must close the connection, not leave it streaming.
    if (!finished) void reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/**
 * What one SSE message of the hub means.
 * @example toPushEvent({ id: '5-0', event: 'invalidate', data: '{"keys":["a"]}' }) // { type: 'invalidate', id: '5-0', target: { keys: ['a'] } }
 */
export function toPushEvent(message: EventSourceMessage): PushEvent {
  const id = message.id;
  const known = id === undefined || id === '' || id.length > MAX_ID ? {} : { id };
  switch (message.event) {
    case 'invalidate': {
      if (id === undefined || id.length === 0 || id.length > MAX_ID) {
        return { type: 'malformed', problem: `an invalidate event needs an id of 1 to ${MAX_ID} characters, got ${quote(id)}` };
      }
      let data: unknown;
      try {
        data = JSON.parse(message.data);
      } catch {
        return { type: 'malformed', problem: `invalidate event ${id}: data is not JSON: ${quote(message.data)}`, id };
      }
      const target = checkTarget(data);
      if (typeof target === 'string') return { type: 'malformed', problem: `invalidate event ${id}: ${target}`, id };
      return { type: 'invalidate', id, target };
    }
    case 'ready': {
      // `data: ""` (a JSON empty string) and an empty `data:` both say "no event yet".
      const lastId = message.data.trim().replace(/^""$/, '');
      if (lastId.length > MAX_ID) return { type: 'malformed', problem: `a ready event's id is longer than ${MAX_ID} characters: ${quote(lastId)}` };
      return { type: 'ready', lastId };
    }
    case 'reset':
      if (id !== undefined && id.length > MAX_ID) return { type: 'reset', id: '' };
      return { type: 'reset', id: id ?? '' };
    default:
      return { type: 'malformed', problem: `unknown event type ${quote(message.event ?? 'message')}; accepted: invalidate, ready, reset`, ...known };
  }
}

function quote(text: string | undefined): string {
  if (text === undefined) return 'none';
  return `'${text.length > 80 ? `${text.slice(0, 77)}...` : text}'`;
}

/**
 * The bus's invalidation id for a pushed event (or for the `reset` carrying that id): every
 * context that applies it (the leading tab, the worker's catch-up) uses the same one, so each
 * acts once. Scoped by the hub, because two hubs of one origin number their events
 * independently and may issue the same id. `undefined` when it would not fit the protocol's
 * 64 characters (then the invalidation gets a fresh id).
 * @example pushedInvalidationId('https://app.test/cachette/events', '1795850904458-3') // '3f1c9a2b:1795850904458-3'
 */
export function pushedInvalidationId(hub: string, eventId: string, kind: 'event' | 'reset' = 'event'): string | undefined {
  if (eventId === '') return undefined;
  const id = `${kind === 'reset' ? 'reset:' : ''}${md5Hex(hub).slice(0, 8)}:${eventId}`;
  return id.length <= MAX_ID ? id : undefined;
}
