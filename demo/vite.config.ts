// The demo's Vite config: the blog SPA, its worker built by Cachette's own plugin, the
// blog's API (SQLite in WebAssembly, with latency standing in for a remote database) as
// middleware of `vite` and `vite preview`, on loopback, and the cache headers the app's own
// files are served with (revalidated on every load, usable offline: api/cache-headers.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { cachetteWorker } from '../src/vite/plugin.js';
import { blogApi } from './api/blog-api.js';
import { appCacheHeaders } from './api/cache-headers.js';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // In `vite` dev the worker sees Vite's own requests too (its client, modules, dependencies),
  // so the demo's httpCache() holds them and a reload with the server stopped still works.
  plugins: [cachetteWorker({ entry: 'sw.ts', dev: { viteRequests: 'worker' } }), blogApi(), appCacheHeaders()],
  // Same-origin only: Vite's default CORS for other localhost origins answers every file with
  // `Vary: Origin`, and a module script's request carries `Origin` where the page's fetch()
  // does not, so the copies the page hands the worker (app/offline.ts) would never match.
  server: { host: '127.0.0.1', port: 5173, cors: false },
  preview: { host: '127.0.0.1', port: 4173, cors: false },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
