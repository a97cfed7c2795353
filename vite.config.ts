/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { playwright } from '@vitest/browser-playwright';
import { CHROME_ARGS, findChrome } from './scripts/chrome-path.mjs';

// The library build: one entry per export; workbox and idb stay external so an app and
// Cachette share one workbox-routing Router. 'cachette/vite' runs in Node inside the app's
// own Vite: vite and Node's built-ins stay external too. 'cachette/server' runs in Node:
// the redis client is an optional peer, loaded only when a hub is given a Redis broker.
// 'cachette/react' imports the app's own React (an optional peer): never a bundled copy.
const external = [/^idb(\/|$)/, /^workbox-/, /^vite(\/|$)/, /^node:/, /^redis(\/|$)/, /^@redis\//, /^react(\/|$)/];

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    minify: false,
    lib: {
      entry: {
        index: 'src/index.ts',
        sw: 'src/sw/index.ts',
        page: 'src/page/index.ts',
        devtools: 'src/devtools/index.ts',
        vite: 'src/vite/plugin.ts',
        server: 'src/server/index.ts',
        react: 'src/react/index.ts',
      },
      formats: ['es'],
    },
    rollupOptions: {
      external,
      // One file per source module (dist/src/...): an app's bundler then leaves out, module by
      // module, what the app does not use (the invalidation bus of a page that never invalidates).
      // npm never packs a folder named node_modules: bundled dependencies go under vendor/.
      output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: (chunk) => `${chunk.name.replaceAll('node_modules', 'vendor')}.js` },
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'happy-dom',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.browser.test.ts', 'test/e2e/**', 'test/server/**'],
        },
      },
      {
        extends: true,
        test: {
          // cachette/server in Node, against a real redis-server the tests start.
          name: 'server',
          environment: 'node',
          include: ['test/server/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/**/*.browser.test.ts'],
          testTimeout: 20_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: findChrome(), args: CHROME_ARGS },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
