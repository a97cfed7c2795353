// The demo's service worker: the blog's "server side" caching, as the guide configures
// Django's. The per-view cache is a route table (author pages 600 s, lists 60 s) whose
// entries die when a mutation passes through the worker; everything else same-origin (the
// page, its modules and assets) goes through an HTTP cache, by the server's own headers.
// Both keep the app usable offline: a reload with the server stopped renders the blog from
// what they hold.
import { registerRoute } from 'workbox-routing';
import { cacheRoutes, defineCaches, httpCache } from '../src/sw/index.js';
import { TAGS } from './app/stale.js';

defineCaches({
  // The per-site cache (httpCache below): the page and, in `vite` dev, some 70 modules, each
  // revalidated on every load. Cache Storage keeps native responses: a dev reload took
  // ~0.7 s with it, ~1.3 s with IndexedDB (~0.55 s when the worker left them to the network).
  default: { backend: 'cache-storage', location: 'demo-sw' },
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

// The invalidation hub's event stream (the API's, see api/blog-api.ts): a live stream, never
// a cache's business.
registerRoute(({ url, sameOrigin }) => sameOrigin && url.pathname === '/cachette/events', ({ request }) => fetch(request));

// The app shell (Workbox's "navigation fallback"): every view of the SPA (`/?page=2`,
// `/authors/alice`, `/me`, `/numbers`) is the same index.html, which the server sends for
// any of them. httpCache() (below) answers a navigation to one as the page `/`: one stored
// copy, revalidated on each load, and a reload on any view works offline, even one the
// browser never loaded as a page. API, modules and assets are never navigations.
const views = [/^\/(\?|$)/, /^\/authors\/[^/?]+(\?|$)/, /^\/me(\?|$)/, /^\/numbers(\?|$)/];

// Any change to an author (create, delete) or to articles (publish), made in this browser.
const authorsChanged = ['/api/authors', '/api/authors/:username'];
const articlesChanged = ['/api/articles', '/api/authors/:username'];
// How long an expired API entry may still answer when the server cannot be reached (or
// fails with a 5xx): a day of reading offline. Online, an expired entry is revalidated with
// its ETag (the API answers 304 when nothing changed).
const OFFLINE = 24 * 60 * 60;

// The tags are the page's (app/stale.ts): what another browser's change makes stale
// arrives from the hub as `{ tags: [...] }` and drops these entries too.
cacheRoutes([
  { match: '/api/authors/count', ttl: 60, staleIfError: OFFLINE, cache: 'api', tags: [TAGS.authors], invalidatedBy: authorsChanged },
  { match: '/api/authors/top', ttl: 60, staleIfError: OFFLINE, cache: 'api', tags: [TAGS.authors, TAGS.articles], invalidatedBy: [...authorsChanged, '/api/articles'] },
  { match: '/api/articles', ttl: 60, staleIfError: OFFLINE, cache: 'api', tags: [TAGS.articles], invalidatedBy: articlesChanged },
  { match: '/api/me/articles', ttl: 60, staleIfError: OFFLINE, cache: 'api', tags: [TAGS.mine], invalidatedBy: articlesChanged },
  // @cache_page(600) on the author view.
  { match: '/api/authors/:username', ttl: 600, staleIfError: OFFLINE, cache: 'api', tags: [TAGS.authors, TAGS.articles], invalidatedBy: ['/api/authors/:username', '/api/articles'] },
]);

// The per-site cache, with HTTP's rules (RFC 9111, a private cache) rather than Django's:
// the server sends the page and the app's modules with `max-age=0` and an ETag
// (api/cache-headers.ts), so each load revalidates them (a 304, or the edited file in
// `vite` dev) and, when the server is gone, the stored copy answers. Vite dev's own paths
// (its client, `/@fs/` modules, pre-bundled dependencies, immutable) go through it too:
// offline, only the HMR websocket fails. Django's rules would never store Vite's answers
// (`no-cache`, `max-age=0`), so `cacheSite()` could not do this.
httpCache({ navigationFallback: { url: '/', allowlist: views } });
