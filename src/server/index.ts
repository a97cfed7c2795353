/**
 * 'cachette/server': invalidations pushed from the server to browsers over Server-Sent
 * Events, for Node >= 20, with a memory broker (one process) or Redis Streams (many).
 * The `redis` package is loaded only when a Redis broker is configured.
 */
export { createInvalidationHub } from './invalidation-hub.js';
export type { HubStats, InvalidationHub, PublishOptions } from './invalidation-hub.js';
export type { AudienceResolver, BrokerOption, HubOptions } from './hub-options.js';
export type { NextFunction } from './event-stream-handler.js';
export type { Audience, PushedTarget } from './pushed-target.js';
