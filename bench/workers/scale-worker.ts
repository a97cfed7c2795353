/**
 * The scale benchmark's worker (bench/scale.mjs, bench/page/scale.ts): Cachette's route table
 * over the very stores the page fills, one alias per backend and size N. The aliases are the
 * page's own for that N (`configure(n)` in bench/page/scale.ts: backend, location `scale-<N>`,
 * maxEntries, no timeout), named `<backend>-<N>`, and `/scale-hit/<backend>/<N>/:id` is served
 * from that alias, so a worker hit reads a store of N entries. Scoped to /scale-hit/: it
 * controls the page's frame there, never the page, whose invalidations must not wait for it.
 */
import { cacheRoutes, defineCaches, type RouteRule } from 'cachette/sw';
import type { CachesConfig } from '../../src/index.js';

/** bench/page/scale.ts's SIZES and the backends whose stores a worker can share with the page. */
const SIZES = [1_000, 10_000, 100_000];
const BACKENDS = ['idb', 'cache-storage'] as const;

const config: CachesConfig = { default: { backend: 'memory', location: 'scale-unused' } };
const routes: RouteRule[] = [];
for (const n of SIZES) {
  for (const backend of BACKENDS) {
    const alias = `${backend}-${n}`;
    // As the page's configure(n): maxEntries far above the store, so no write here culls.
    config[alias] = { backend, location: `scale-${n}`, maxEntries: 10 * n + 100_000, timeout: null };
    routes.push({ match: `/scale-hit/${backend}/${n}/:id`, ttl: 600, cache: alias });
  }
}
defineCaches(config);
cacheRoutes(routes);
