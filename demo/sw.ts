// The demo's service worker: the blog's "server side" caching, as the guide configures
// Django's. The per-view cache is a route table (author pages 600 s, lists 60 s) whose
// entries die when a mutation passes through the worker; everything else same-origin is the
// per-site cache.
import { registerRoute } from 'workbox-routing';
import { cacheRoutes, cacheSite, defineCaches } from '../src/sw/index.js';

defineCaches({
  default: { backend: 'idb', location: 'demo-sw' },
  api: { backend: 'cache-storage', location: 'demo-api', maxEntries: 500 },
});

// The "caching off" switch of the page: `?nocache` goes straight to the network, as a view
// under Django's @never_cache (which tells browsers not to cache either: the API's max-age
// must not let the browser's HTTP cache answer). Registered first: routes are tried in order.
registerRoute(
  ({ url, sameOrigin }) => sameOrigin && url.searchParams.has('nocache'),
  ({ request }) => fetch(new Request(request, { cache: 'no-store' })),
);

// Vite's dev server (its client, modules and pre-bundled dependencies): straight to the
// network too, so the per-site cache below holds the app, not the toolchain. These paths do
// not exist in a production build.
const devServer = /^\/(@vite\/|@fs\/|@id\/|node_modules\/)|\.ts$/;
registerRoute(({ url, sameOrigin }) => sameOrigin && devServer.test(url.pathname), ({ request }) => fetch(request));

// Any change to an author (create, delete) or to articles (publish).
const authorsChanged = ['/api/authors', '/api/authors/:username'];
const articlesChanged = ['/api/articles', '/api/authors/:username'];

cacheRoutes([
  { match: '/api/authors/count', ttl: 60, cache: 'api', tags: ['authors'], invalidatedBy: authorsChanged },
  { match: '/api/authors/top', ttl: 60, cache: 'api', tags: ['authors'], invalidatedBy: [...authorsChanged, '/api/articles'] },
  { match: '/api/articles', ttl: 60, cache: 'api', tags: ['articles'], invalidatedBy: articlesChanged },
  { match: '/api/me/articles', ttl: 60, cache: 'api', tags: ['articles'], invalidatedBy: articlesChanged },
  // @cache_page(600) on the author view.
  { match: '/api/authors/:username', ttl: 600, cache: 'api', tags: ['authors'], invalidatedBy: ['/api/authors/:username', '/api/articles'] },
]);

cacheSite({ seconds: 600 });
