/**
 * The hub's wire format, public so any backend language can speak it: every frame the
 * hub writes is built here and nowhere else. Ids on the wire are `''` while the hub has
 * no event (internally `'0-0'`). Data lines are single-line JSON (or an id), so no frame
 * can be split or forged by its content.
 */
import { NO_EVENT } from './event-id.js';

/** The headers of the event stream: no caching, no compression, no proxy buffering. */
export const STREAM_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream',
  // no-transform: compression middleware and proxies leave the stream alone (they would buffer it).
  'Cache-Control': 'no-store, no-transform',
  // nginx buffers proxied responses unless told not to.
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
};

/** A comment line: keeps proxies and load balancers from closing an idle stream. */
export const HEARTBEAT_FRAME = ': hb\n\n';

/** What a reset carries: the client must drop everything it cached. */
export const RESET_DATA = '{"reason":"gap"}';

/**
 * One invalidation: `data` is the target as one-line JSON.
 * @example invalidateFrame('1700000000000-0', '{"tags":["authors"]}')
 * // 'id: 1700000000000-0\nevent: invalidate\ndata: {"tags":["authors"]}\n\n'
 */
export function invalidateFrame(id: string, data: string): string {
  return `id: ${id}\nevent: invalidate\ndata: ${data}\n\n`;
}

/**
 * Sent once the replay is written: the client is caught up to `latest`. It also carries
 * `id:`, so a plain EventSource that reconnects on its own resumes from there.
 * @example readyFrame('1700000000000-3') // 'id: 1700000000000-3\nevent: ready\ndata: 1700000000000-3\n\n'
 */
export function readyFrame(latest: string): string {
  const id = wireId(latest);
  return `id: ${id}\nevent: ready\ndata: ${id}\n\n`;
}

/**
 * The hub cannot prove the client has every event: it must drop everything it cached.
 * @example resetFrame('1700000000000-3') // 'id: 1700000000000-3\nevent: reset\ndata: {"reason":"gap"}\n\n'
 */
export function resetFrame(latest: string): string {
  return `id: ${wireId(latest)}\nevent: reset\ndata: ${RESET_DATA}\n\n`;
}

/**
 * An id as the client stores it: `''` before the first event.
 * @example wireId('0-0') // ''
 */
export function wireId(id: string): string {
  return id === NO_EVENT ? '' : id;
}
