/**
 * This realm's invalidation bus, over its registry. Its own module, so that a bundle that
 * never invalidates and keeps no realm-local store leaves it out.
 */
import { InvalidationBus } from './core/invalidation-bus.js';
import { handler } from './realm.js';

/** The one bus of this realm. */
export const bus: InvalidationBus = /* @__PURE__ */ new InvalidationBus(handler);
