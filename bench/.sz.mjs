import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const [,, code] = process.argv;
const r = await build({ stdin: { contents: code, resolveDir: '/work/main', loader: 'ts' }, bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, metafile: true, logLevel: 'silent' });
const out = r.outputFiles[0].contents;
console.log('min', out.length, 'gz', gzipSync(out, { level: 9 }).length);
const o = Object.values(r.metafile.outputs)[0];
for (const [p, { bytesInOutput }] of Object.entries(o.inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)) if (bytesInOutput) console.log(String(bytesInOutput).padStart(6), p);
