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

export default defineConfig({
  // NEWCOMER_NO_PLUGIN: the mistake the README warns about, the worker plugin forgotten.
  plugins: [...(process.env.NEWCOMER_NO_PLUGIN ? [] : [cachetteWorker({ entry: 'src/sw.ts' })]), api()],
});
