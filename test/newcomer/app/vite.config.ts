import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { cachetteWorker } from 'cachette/vite';

/** The app's API: a number that changes on every request, so a cached answer shows. */
function api(): Plugin {
  let calls = 0;
  return {
    name: 'newcomer-api',
    configurePreviewServer(server) {
      server.middlewares.use('/api/time', (_req, res) => {
        calls += 1;
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ time: calls }));
      });
    },
  };
}

// The test's variants: NEWCOMER_NO_PLUGIN, the mistake the README warns about (the worker
// plugin forgotten); NEWCOMER_NO_CACHETTE, the same app without Cachette (for its cost).
const without = (file: string) => fileURLToPath(new URL(`without-cachette/${file}`, import.meta.url));

export default defineConfig({
  plugins: [react(), ...(process.env.NEWCOMER_NO_PLUGIN || process.env.NEWCOMER_NO_CACHETTE ? [] : [cachetteWorker({ entry: 'src/sw.ts' })]), api()],
  resolve: process.env.NEWCOMER_NO_CACHETTE
    ? { alias: [{ find: /^cachette\/page$/, replacement: without('page.ts') }, { find: /^cachette$/, replacement: without('index.ts') }] }
    : {},
});
