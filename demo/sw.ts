// The demo's service worker: the blog's "server side" caching, as the guide configures
// Django's. The per-view cache is a route table (author pages 600 s, lists 60 s) whose
// entries die when a mutation passes through the worker; everything else same-origin is the
// per-site cache.
import { registerRoute } from 'workbox-routing';
import { cacheRoutes, cacheSite, defineCaches } from '../src/sw/index.js';
import { TAGS } from './app/stale.js';

defineCaches({
  default: { backend: 'idb', location: 'demo-sw' },
  // The page names this one too (main.ts): the tab applying an invalidation empties it first.
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

// The invalidation hub's event stream (the API's, see api/blog-api.ts): a live stream, never
// a cache's business.
registerRoute(({ url, sameOrigin }) => sameOrigin && url.pathname === '/cachette/events', ({ request }) => fetch(request));

// Any change to an author (create, delete) or to articles (publish), made in this browser.
const authorsChanged = ['/api/authors', '/api/authors/:username'];
const articlesChanged = ['/api/articles', '/api/authors/:username'];

// The tags are the page's (app/stale.ts): what another browser's change makes stale
// arrives from the hub as `{ tags: [...] }` and drops these entries too.
cacheRoutes([
  { match: '/api/authors/count', ttl: 60, cache: 'api', tags: [TAGS.authors], invalidatedBy: authorsChanged },
  { match: '/api/authors/top', ttl: 60, cache: 'api', tags: [TAGS.authors, TAGS.articles], invalidatedBy: [...authorsChanged, '/api/articles'] },
  { match: '/api/articles', ttl: 60, cache: 'api', tags: [TAGS.articles], invalidatedBy: articlesChanged },
  { match: '/api/me/articles', ttl: 60, cache: 'api', tags: [TAGS.mine], invalidatedBy: articlesChanged },
  // @cache_page(600) on the author view.
  { match: '/api/authors/:username', ttl: 600, cache: 'api', tags: [TAGS.authors, TAGS.articles], invalidatedBy: ['/api/authors/:username', '/api/articles'] },
]);

cacheSite({ seconds: 600 });
