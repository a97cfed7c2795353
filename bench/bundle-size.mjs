// What an app pays in bytes for what it uses: each scenario is a small entry file, as a
// user writes it, bundled with esbuild (minified, for the browser) against the built
// package (`dist/`, resolved through its package exports as an app resolves it), then
// gzipped (level 9). Reference rows bundle the alternatives the same way.
//
//   npm run build && node bench/bundle-size.mjs [--json] [--goals]
//
// --goals exits 1 when a scenario with a goal is over it (the issue's budgets).
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** name → { code, platform, goal (bytes, min+gzip) } */
export const scenarios = [
  {
    name: 'page: cache.get/set on the default (idb)',
    code: `import { cache } from 'cachette';\nawait cache.set('k', 1, 60);\nconsole.log(await cache.get('k'));`,
    goal: 5 * 1024,
  },
  {
    name: "page: defineCaches({ default: { backend: 'idb' } }) + get/set",
    code: `import { defineCaches, getCache } from 'cachette';\ndefineCaches({ default: { backend: 'idb', timeout: 600 } });\nawait getCache().set('k', 1);\nconsole.log(await getCache().get('k'));`,
  },
  {
    name: "page: a 'cache-storage' alias + get/set",
    code: `import { defineCaches, getCache } from 'cachette';\ndefineCaches({ default: { backend: 'cache-storage' } });\nawait getCache().set('k', 1);\nconsole.log(await getCache().get('k'));`,
  },
  {
    name: 'page: cacheFragment',
    code: `import { cacheFragment } from 'cachette/page';\ndocument.body.append(await cacheFragment('sidebar', 600, () => '<p>hi</p>'));`,
  },
  {
    name: 'page: connectInvalidations',
    code: `import { connectInvalidations } from 'cachette/page';\nawait connectInvalidations().ready;`,
  },
  {
    name: 'worker: one cacheRoutes row',
    code: `import { cacheRoutes } from 'cachette/sw';\ncacheRoutes([{ match: '/api/posts', ttl: 60 }]);`,
    goal: 10 * 1024,
  },
  {
    name: 'worker: cacheSite()',
    code: `import { cacheSite } from 'cachette/sw';\ncacheSite();`,
  },
  {
    name: 'reference: Workbox CacheFirst + ExpirationPlugin, one route',
    code: `import { registerRoute } from 'workbox-routing';\nimport { CacheFirst } from 'workbox-strategies';\nimport { ExpirationPlugin } from 'workbox-expiration';\nregisterRoute(({ url }) => url.pathname === '/api/posts', new CacheFirst({ cacheName: 'api', plugins: [new ExpirationPlugin({ maxAgeSeconds: 60 })] }));`,
  },
];

/** Bundles each scenario; resolves rows of { name, minified, gzipped, goal }. */
export async function measure() {
  const dir = await mkdtemp(join(tmpdir(), 'cachette-bundle-'));
  try {
    // The package as an app sees it: node_modules/cachette → this repository.
    await mkdir(join(dir, 'node_modules'));
    await symlink(root, join(dir, 'node_modules', 'cachette'), 'dir');
    const rows = [];
    for (const [i, scenario] of scenarios.entries()) {
      const entry = join(dir, `entry-${i}.js`);
      await writeFile(entry, scenario.code);
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        minify: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        write: false,
        nodePaths: [join(root, 'node_modules')],
        logLevel: 'silent',
        metafile: true,
      });
      const code = result.outputFiles[0].contents;
      rows.push({ name: scenario.name, minified: code.length, gzipped: gzipSync(code, { level: 9 }).length, goal: scenario.goal, inputs: topInputs(result.metafile) });
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The largest inputs of a bundle, for seeing where bytes go. */
function topInputs(metafile) {
  const output = Object.values(metafile.outputs)[0];
  return Object.entries(output.inputs)
    .map(([path, { bytesInOutput }]) => ({ path: path.replace(/^.*node_modules\//, '').replace(root, ''), bytes: bytesInOutput }))
    .filter((i) => i.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 12);
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await measure();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(rows, null, 2));
  } else {
    console.log('| scenario | minified | min+gzip | goal |\n| --- | ---: | ---: | --- |');
    for (const r of rows) {
      const goal = r.goal === undefined ? '' : `≤ ${kb(r.goal)} ${r.gzipped <= r.goal ? '✓' : '✗'}`;
      console.log(`| ${r.name} | ${kb(r.minified)} | ${kb(r.gzipped)} | ${goal} |`);
    }
    if (process.argv.includes('--inputs')) for (const r of rows) console.log(`\n${r.name}\n${r.inputs.map((i) => `  ${String(i.bytes).padStart(6)}  ${i.path}`).join('\n')}`);
  }
  if (process.argv.includes('--goals') && rows.some((r) => r.goal !== undefined && r.gzipped > r.goal)) process.exitCode = 1;
}
