/**
 * What the demo's server says about its own files, in `vite` and `vite preview`. Vite sends
 * the page, its modules and (in preview) the built assets with `Cache-Control: no-cache` and
 * an ETag. A cache may store a `no-cache` response but may never serve it unvalidated, not
 * even when the origin cannot be reached (RFC 9111 §5.2.2.4), and Django's rules never store
 * it at all: as Vite serves it, no cache keeps the app usable offline.
 *
 * What the demo means is "ask me every time, but if I cannot answer, what you have is fine":
 * `max-age=0` with the same ETag. Every load still revalidates (a cheap 304, so an edit in
 * `vite` dev shows at once), and the worker's `httpCache()` may serve its copy when the
 * server is gone. Hashed build assets (`/assets/name-HASH.js`) never change under their
 * name: preview says so (`immutable`), as Vite dev already does for its pre-bundled
 * dependencies. The API (`/api/`) and the hub set their own headers and are left alone.
 */
import type { ServerResponse } from 'node:http';
import type { Connect, Plugin } from 'vite';

const REVALIDATE = 'max-age=0';
const IMMUTABLE = 'max-age=31536000, immutable';

/**
 * @example
 * export default defineConfig({ plugins: [blogApi(), appCacheHeaders()] });
 * // GET / → Cache-Control: max-age=0, ETag: W/"…" (Vite alone: no-cache)
 */
export function appCacheHeaders(): Plugin {
  let assetsDir = 'assets';
  const middleware = (hashedAssets: boolean): Connect.NextHandleFunction => (req, res, next) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if ((req.method === 'GET' || req.method === 'HEAD') && !path.startsWith('/api/') && !path.startsWith('/cachette/')) {
      restate(res, hashedAssets && path.startsWith(`/${assetsDir}/`) ? IMMUTABLE : REVALIDATE);
    }
    next();
  };
  return {
    name: 'demo:cache-headers',
    configResolved(config) {
      assetsDir = config.build.assetsDir;
    },
    configureServer(server) {
      server.middlewares.use(middleware(false));
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware(true));
    },
  };
}

/**
 * Replaces a `Cache-Control: no-cache` that Vite's middlewares set later on `res` (with
 * `setHeader`, or in `writeHead`'s headers as sirv does) by `value`; any other value stays.
 */
function restate(res: ServerResponse, value: string): void {
  const rewrite = (name: unknown, header: unknown): unknown =>
    typeof name === 'string' && name.toLowerCase() === 'cache-control' && String(header).trim().toLowerCase() === 'no-cache' ? value : header;
  const setHeader = res.setHeader;
  res.setHeader = function (this: ServerResponse, name: string, header: number | string | readonly string[]) {
    return setHeader.call(this, name, rewrite(name, header) as typeof header);
  };
  const writeHead = res.writeHead as (this: ServerResponse, ...args: unknown[]) => ServerResponse;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    for (const arg of args.slice(1)) {
      if (arg === null || typeof arg !== 'object' || Array.isArray(arg)) continue;
      const headers = arg as Record<string, unknown>;
      for (const name of Object.keys(headers)) headers[name] = rewrite(name, headers[name]);
    }
    return writeHead.apply(this, args);
  } as ServerResponse['writeHead'];
}
