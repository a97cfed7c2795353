// What an app pays in bytes for what it uses: each scenario is a small entry file, as a
// user writes it, bundled with esbuild (minified, for the browser) against the built
// package (`dist/`, resolved through its package exports as an app resolves it), then
// gzipped (level 9). Reference rows bundle the alternatives the same way.
//
// Pages are bundled as an app bundler does (ES modules with code splitting): a scenario
// pays for its entry chunk, the chunks it imports statically, and the lazily loaded chunks
// its code makes load (`loads`: the backend modules it names). Workers are bundled as one
// script, as the `cachette/vite` plugin builds them (a service worker cannot import()):
// everything reachable is paid for.
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
    loads: ['cache-storage'],
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
    worker: true,
    goal: 10 * 1024,
  },
  {
    name: 'worker: cacheSite()',
    code: `import { cacheSite } from 'cachette/sw';\ncacheSite();`,
    worker: true,
  },
  {
    name: 'reference: Workbox CacheFirst + ExpirationPlugin, one route',
    worker: true,
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
        splitting: !scenario.worker,
        outdir: join(dir, `out-${i}`),
        platform: 'browser',
        target: 'es2022',
        write: false,
        nodePaths: [join(root, 'node_modules')],
        logLevel: 'silent',
        metafile: true,
      });
      const paid = paidChunks(result.metafile, `entry-${i}.js`, scenario.loads ?? []);
      const files = result.outputFiles.filter((f) => paid.has(f.path));
      const minified = files.reduce((n, f) => n + f.contents.length, 0);
      const gzipped = files.reduce((n, f) => n + gzipSync(f.contents, { level: 9 }).length, 0);
      const lazy = result.outputFiles.filter((f) => !paid.has(f.path)).map((f) => gzipSync(f.contents, { level: 9 }).length);
      rows.push({ name: scenario.name, minified, gzipped, goal: scenario.goal, chunks: files.length, lazyNotLoaded: lazy, inputs: topInputs(result.metafile, paid) });
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The output chunks a scenario loads: its entry, what they import statically, and the
 * dynamically imported chunks that hold one of the `loads` modules (and their static imports).
 */
function paidChunks(metafile, entryName, loads) {
  const outputs = metafile.outputs;
  const paid = new Set();
  const visit = (path) => {
    if (paid.has(path) || !outputs[path]) return;
    paid.add(path);
    // esbuild puts a module that one side reaches statically and another dynamically in a shared chunk that the entry imports but does not run until the dynamic import: still downloaded, so still paid for.
    for (const imported of outputs[path].imports) if (imported.kind === 'import-statement') visit(imported.path);
  };
  for (const [path, output] of Object.entries(outputs)) {
    // esbuild marks dynamically imported modules as entry points too: only the scenario's own counts.
    if (output.entryPoint?.endsWith(entryName)) visit(path);
    if (Object.keys(output.inputs).some((input) => loads.some((name) => input.includes(`/${name}`)))) visit(path);
  }
  return new Set([...paid].map((path) => join(process.cwd(), path)));
}

/** The largest inputs of what a scenario loads, for seeing where bytes go. */
function topInputs(metafile, paid) {
  const inputs = {};
  for (const [path, output] of Object.entries(metafile.outputs)) {
    if (!paid.has(join(process.cwd(), path))) continue;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) inputs[input] = (inputs[input] ?? 0) + bytesInOutput;
  }
  return Object.entries(inputs).map(([path, bytesInOutput]) => [path, { bytesInOutput }])
    .map(([path, { bytesInOutput }]) => ({ path: path.replace(/^.*node_modules\//, '').replace(root, ''), bytes: bytesInOutput }))
    .filter((i) => i.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, process.argv.includes("--all") ? 200 : 12);
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await measure();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(rows, null, 2));
  } else {
    console.log('| scenario | minified | min+gzip | goal | lazy chunks it does not load (min+gzip) |\n| --- | ---: | ---: | --- | --- |');
    for (const r of rows) {
      const goal = r.goal === undefined ? '' : `≤ ${kb(r.goal)} ${r.gzipped <= r.goal ? '✓' : '✗'}`;
      console.log(`| ${r.name} | ${kb(r.minified)} | ${kb(r.gzipped)} | ${goal} | ${r.lazyNotLoaded.map(kb).join(', ')} |`);
    }
    if (process.argv.includes('--inputs')) for (const r of rows) console.log(`\n${r.name}\n${r.inputs.map((i) => `  ${String(i.bytes).padStart(6)}  ${i.path}`).join('\n')}`);
  }
  if (process.argv.includes('--goals') && rows.some((r) => r.goal !== undefined && r.gzipped > r.goal)) process.exitCode = 1;
}
