/**
 * This realm's alias registry (one per page or worker), over the built-in backends. A store
 * kept in this realm only makes the realm hear other contexts' invalidations: the bus is
 * loaded then, so a page that only reads and writes shared stores never ships it.
 */
import { builtinBackends } from './backends/registry.js';
import { CacheHandler } from './core/handler.js';

/** The registry behind `defineCaches` and `getCache`. */
export const handler: CacheHandler = /* @__PURE__ */ new CacheHandler(builtinBackends, {
  realmStoreOpened: () => import('./invalidations.js').then((m) => m.invalidationBus().listen()),
});
