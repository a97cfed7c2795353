// The demo's Vite config: the worker built by Cachette's own plugin, and a small local API
// with latency standing in for a remote database (issue 6 replaces it with the blog's).
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { cachetteWorker } from '../src/vite/plugin.js';

const AUTHORS = ['Ada Lovelace', 'Grace Hopper', 'Barbara Liskov', 'Margaret Hamilton'];

function slowApi(): Plugin {
  let hits = 0;
  return {
    name: 'demo:slow-api',
    configureServer(server) {
      server.middlewares.use('/api/top-authors', (_req, res) => {
        hits += 1;
        setTimeout(() => {
          res.setHeader('Content-Type', 'application/json');
          res.setHeader('Cache-Tag', 'authors');
          res.end(JSON.stringify({ authors: AUTHORS, served: hits }));
        }, 300);
      });
      server.middlewares.use('/api/authors', (req, res, next) => {
        if (req.method !== 'POST') return next();
        res.statusCode = 201;
        res.end('{"created":true}');
      });
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [cachetteWorker({ entry: 'sw.ts' }), slowApi()],
  server: { host: '127.0.0.1', port: 5173 },
});
