// The demo's Vite config: the blog SPA, its worker built by Cachette's own plugin, and the
// blog's API (SQLite in WebAssembly, with latency standing in for a remote database) as
// middleware of `vite` and `vite preview`, on loopback.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { cachetteWorker } from '../src/vite/plugin.js';
import { blogApi } from './api/blog-api.js';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [cachetteWorker({ entry: 'sw.ts' }), blogApi()],
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
