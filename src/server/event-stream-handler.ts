/**
 * The hub's HTTP side: a Connect-style middleware serving the Server-Sent Events stream.
 * A request at `path` is authorized (`audience(req)`), replays what its resume id missed
 * (or gets a reset), receives `ready`, then live events; `?catchup=1` ends after `ready`.
 * Headers are written only once the replay is known, so a hub that cannot reach its broker
 * answers 503 rather than an empty stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe } from '../core/options.js';
import { isFor, type Broker } from './broker.js';
import { compareEventIds, parseEventId } from './event-id.js';
import type { ResolvedHubOptions } from './hub-options.js';
import type { Connection, SseConnections } from './sse-connections.js';
import { readyFrame, resetFrame, STREAM_HEADERS } from './sse-frames.js';

/** Connect's `next`. */
export type NextFunction = (error?: unknown) => void;

/** What the handler needs from its hub. */
export interface HandlerHost {
  options: ResolvedHubOptions;
  connections: SseConnections;
  /** The started broker (rejects when it cannot start). */
  broker(): Promise<Broker>;
  closed(): boolean;
}

/**
 * The middleware of one hub. It resolves once the stream is live or the request answered.
 * @example const handler = createEventStreamHandler(host); http.createServer((req, res) => void handler(req, res));
 */
export function createEventStreamHandler(host: HandlerHost) {
  const { options, connections } = host;

  return async function handler(req: IncomingMessage, res: ServerResponse, next?: NextFunction): Promise<void> {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    if ((queryAt < 0 ? url : url.slice(0, queryAt)) !== options.path) {
      if (next) next();
      else answer(res, 404, 'Not Found');
      return;
    }
    if (req.method !== 'GET') return answer(res, 405, 'cachette: the event stream answers GET only', { Allow: 'GET' });
    if (host.closed()) return answer(res, 503, 'cachette: the invalidation hub is closed');
    const audiences = await resolveAudience(req);
    if (audiences === null) return answer(res, 401, 'cachette: not allowed to receive invalidations');
    const query = new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1));
    const resumeText = header(req, 'last-event-id') || query.get('lastEventId') || '';
    // Present but not an id the hub issued: it cannot vouch for what came after, so reset.
    const resume = resumeText ? (parseEventId(resumeText) ?? 'invalid') : undefined;
    const catchup = query.get('catchup') === '1';

    let conn: Connection | undefined;
    try {
      const broker = await host.broker();
      if (res.destroyed) return;
      if (host.closed()) return answer(res, 503, 'cachette: the invalidation hub is closed');
      // Registered before the replay is read: live events meanwhile are held, not lost.
      conn = connections.add(res, audiences, catchup, broker.latest());
      const replay = resume === undefined || resume === 'invalid' ? undefined : await broker.since(resume);
      if (!connections.isOpen(conn)) return;
      res.writeHead(200, STREAM_HEADERS);
      res.flushHeaders();
      req.socket.setNoDelay(true);
      let latest = replay ? replay.latest : broker.latest();
      if (resume !== undefined && (!replay || replay.gap)) {
        if (!(await connections.write(conn, resetFrame(latest)))) return;
      } else if (replay && !replay.gap) {
        for (const event of replay.events) {
          if (compareEventIds(event.id, latest) > 0) latest = event.id;
          if (isFor(event, audiences) && !(await connections.write(conn, event.frame))) return;
        }
      }
      if (!(await connections.write(conn, readyFrame(latest)))) return;
      if (catchup) res.end();
      else connections.goLive(conn, latest);
    } catch (error) {
      if (conn) connections.remove(res);
      options.onError(new Error('cachette: could not serve the invalidation stream', { cause: error }));
      if (!res.headersSent) answer(res, 503, 'cachette: invalidations are unavailable, retry later', { 'Retry-After': '5' });
      else res.destroy();
    }
  };

  // The connection's audiences; `undefined` on a hub without `audience`; `null` refuses it.
  async function resolveAudience(req: IncomingMessage): Promise<readonly string[] | undefined | null> {
    if (!options.audience) return undefined;
    let value: unknown;
    try {
      value = await options.audience(req);
    } catch {
      return null; // throwing is a documented way to refuse
    }
    if (value === null) return null;
    if (typeof value === 'string') return [value];
    if (Array.isArray(value) && value.every((a) => typeof a === 'string')) return [...(value as string[])];
    options.onError(new TypeError(`cachette: audience(req) must return a string, an array of strings or null, got ${describe(value)}; the connection was refused`));
    return null;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function answer(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}
