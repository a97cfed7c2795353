/**
 * `createInvalidationHub`: pushes invalidations from the server to every browser over
 * Server-Sent Events, as Django's `post_save` receivers clear a shared cache. The hub
 * opens nothing until first used (a publish or a request), so creating it at the top of a
 * module has no effect on import.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Broker } from './broker.js';
import { NO_EVENT } from './event-id.js';
import { createEventStreamHandler, type NextFunction } from './event-stream-handler.js';
import { resolveHubOptions, type AudienceResolver, type HubOptions } from './hub-options.js';
import { createMemoryBroker } from './memory-broker.js';
import { INVALIDATED_HEADER, invalidatedHeaderValue } from '../core/invalidated-header.js';
import { describe } from '../core/options.js';
import { checkAudience, checkPushedTarget, type Audience, type PushedTarget } from './pushed-target.js';
import { createRedisBroker } from './redis-broker.js';
import { SseConnections, type ConnectionStats } from './sse-connections.js';
import { wireId } from './sse-frames.js';

/** Options of `publish`. */
export interface PublishOptions {
  /** Only connections whose `audience(req)` includes one of these receive the event. */
  audience?: Audience;
  /**
   * The response to the request that made the change. The hub adds the event to its
   * `Cachette-Invalidated` header, so the browser that made the change applies it before the
   * page reads the response (its worker does, for a mutation an `invalidatedBy` route
   * forwards) and recognises the pushed copy as already applied. With `audience(req)` on the
   * hub and an audience on the event, only when the request's audience includes one of them.
   */
  response?: ServerResponse;
}

/** What `stats()` tells devtools and benchmarks. */
export interface HubStats extends ConnectionStats {
  /** The newest event id the hub knows (`''` before the first). */
  latestId: string;
}

/** A hub: publish invalidations, serve them, close. */
export interface InvalidationHub {
  /** Publishes an invalidation to every connected (and later resuming) browser; resolves with its id. */
  publish(target: PushedTarget, options?: PublishOptions): Promise<string>;
  /** Connect/Express middleware serving the event stream at `path`; other paths go to `next` (or 404). */
  handler(req: IncomingMessage, res: ServerResponse, next?: NextFunction): Promise<void>;
  /** Ends every stream and disconnects from the broker; idempotent. */
  close(): Promise<void>;
  /** Open streams, slow ones, dropped ones and the latest id: for devtools and benchmarks. */
  stats(): HubStats;
}

/**
 * A hub pushing invalidations to browsers over Server-Sent Events (Node >= 20).
 * @example
 * const hub = createInvalidationHub({ broker: { redis: 'redis://localhost:6379' }, audience: (req) => userIdOf(req) });
 * app.use(hub.handler);
 * await hub.publish({ tags: ['authors'] });
 * await hub.publish({ keys: ['profile'] }, { audience: 'user:42' });
 */
export function createInvalidationHub(options?: HubOptions): InvalidationHub {
  const resolved = resolveHubOptions(options);
  const connections = new SseConnections(resolved.heartbeatMs);
  const sink = { event: connections.broadcast.bind(connections), reset: connections.reset.bind(connections) };
  let broker: Broker | undefined;
  let starting: Promise<Broker> | undefined;
  let closing: Promise<void> | undefined;

  const started = (): Promise<Broker> => {
    if (closing) return Promise.reject(new Error('cachette: the invalidation hub is closed'));
    broker ??=
      resolved.broker === 'memory'
        ? createMemoryBroker({ retain: resolved.retain, now: () => resolved.clock.now() })
        : createRedisBroker({ url: resolved.broker.redis, timeoutMs: resolved.broker.timeoutMs, stream: resolved.stream, retain: resolved.retain, onError: resolved.onError });
    const b = broker;
    // A failed start (Redis unreachable) is retried by the next use.
    starting ??= b.start(sink).then(
      () => b,
      (error: unknown) => {
        starting = undefined;
        broker = undefined;
        throw error;
      },
    );
    return starting;
  };

  const handler = createEventStreamHandler({ options: resolved, connections, broker: started, closed: () => closing !== undefined });

  return {
    async publish(target, publishOptions) {
      const data = checkPushedTarget(target);
      if (typeof data !== 'string') throw new TypeError(`cachette: ${data.error}`);
      const { audience, response } = checkPublishOptions(publishOptions, resolved.audience !== undefined);
      const id = await (await started()).publish(data, audience);
      if (response) await announce(response, id, data, audience);
      return id;
    },
    handler,
    close() {
      closing ??= (async () => {
        connections.closeAll();
        // Closing the broker first cuts a pending start (Redis connecting) short.
        await Promise.all([broker?.close(), starting?.catch(() => {})]);
      })();
      return closing;
    },
    stats() {
      return { ...connections.stats(), latestId: wireId(broker?.latest() ?? NO_EVENT) };
    },
  };

  /** Tells the request that made the change what it published (see `PublishOptions.response`). */
  async function announce(response: ServerResponse, id: string, data: string, audience: string[] | undefined): Promise<void> {
    if (response.headersSent) {
      resolved.onError(new Error(`cachette: event ${id} was published, but not added to the response's ${INVALIDATED_HEADER} header: its headers were already sent (publish before writing the response)`));
      return;
    }
    if (audience && resolved.audience && !(await includes(resolved.audience, response.req, audience))) return;
    const previous = response.getHeader(INVALIDATED_HEADER);
    const values = previous === undefined ? [] : Array.isArray(previous) ? previous : [String(previous)];
    response.setHeader(INVALIDATED_HEADER, [...values, invalidatedHeaderValue(id, resolved.path, data)]);
  }
}

/** Whether the request's audience includes one of `audience` (a refused or failing check does not). */
async function includes(resolver: AudienceResolver, req: IncomingMessage | undefined, audience: string[]): Promise<boolean> {
  if (!req) return false;
  try {
    const own = checkAudience(await resolver(req));
    return Array.isArray(own) && own.some((a) => audience.includes(a));
  } catch {
    return false;
  }
}

const PUBLISH_OPTIONS = ['audience', 'response'];

function checkPublishOptions(raw: unknown, hubHasAudience: boolean): { audience?: string[]; response?: ServerResponse } {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || Object.keys(raw).some((k) => !PUBLISH_OPTIONS.includes(k))) {
    throw new TypeError(`cachette: publish options must be an object like { audience: 'user:42', response: res }; accepted: ${PUBLISH_OPTIONS.join(', ')}`);
  }
  const response = checkResponse((raw as { response?: unknown }).response);
  const audience = checkPublishAudience((raw as { audience?: unknown }).audience, hubHasAudience);
  return { ...(audience ? { audience } : {}), ...(response ? { response } : {}) };
}

function checkResponse(value: unknown): ServerResponse | undefined {
  if (value === undefined) return undefined;
  const r = value as Partial<ServerResponse> | null;
  if (typeof r !== 'object' || r === null || typeof r.setHeader !== 'function' || typeof r.getHeader !== 'function' || typeof r.headersSent !== 'boolean') {
    throw new TypeError(`cachette: publish: response must be the Node response (http.ServerResponse, Express's res) of the request that made the change, got ${describe(value)}`);
  }
  return value as ServerResponse;
}

function checkPublishAudience(value: unknown, hubHasAudience: boolean): string[] | undefined {
  if (value === undefined) return undefined;
  if (!hubHasAudience) {
    throw new TypeError(
      'cachette: publish names an audience, but this hub was created without audience(req), so no connection has one; pass audience to createInvalidationHub',
    );
  }
  const audience = checkAudience(value);
  if (!Array.isArray(audience)) throw new TypeError(`cachette: publish: ${audience.error}`);
  return audience;
}
