// Benchmark: what refreshing an expired 100 KB entry costs through Cachette's `httpCache()`
// (idb backend; (a') and (b') the same over cache-storage), fetched from a page, interleaved
// in one Chromium run:
//   (a) `304`: the origin sends `Cache-Control: max-age=0` and an `ETag`; the worker asks with
//       `If-None-Match`, the origin answers 304 (no body), the worker renews the stored entry
//       and gives the page a 200 with the stored body;
//   (b) `full`: the origin sends `max-age=0` and no validator; the worker fetches the whole
//       body again and stores it again;
//   (c) no worker, a plain fetch of the 100 KB body (no caching headers), for reference;
//   (d) no worker, the same headers as (a): the browser's own HTTP cache revalidates (304).
// Every entry is expired at every measured fetch (max-age=0), so every fetch reaches the
// origin; the servers check that (a) and (d) were answered 304 and (b) and (c) 200, and
// count the bytes each fetch moved (response: the socket's bytes written, headers
// included; request: its header block, rebuilt from the raw headers).
//
// Each variant runs under each network condition, one origin (server port, worker, storage)
// per variant × condition: loopback (no delay), a server delay (`--delayMs`, default 20 ms)
// and that delay with the body paced to a bandwidth (`--mbps`, default 10 Mbit/s; 0 leaves
// the condition out). Loopback moves 100 KB almost for free; the 304's saving is bytes,
// which only a bandwidth makes cost time.
//
// Chromium runs without Playwright by default (`--driver=bare`), as fetch-hit does.
import { buildPage } from './lib/build-page.mjs';
import { buildWorker } from './lib/build-worker.mjs';
import { environmentLine, loadMeter, resultJson, runIfMain, runPage, variantTable, withDefaults } from './lib/harness.mjs';
import { isolation, sendBody, startServer } from './lib/server.mjs';
import { ratio, roundAll, summarize, us } from './lib/stats.mjs';
import { fixed, markdownTable, times } from './lib/table.mjs';

export const name = 'revalidation';
export const description = 'refreshing an expired 100 KB entry through httpCache(): 304 revalidation vs full refetch vs no worker, with server delay and bandwidth';
/** Fetch timings are what Playwright's instrumentation distorts. */
export const defaultDriver = 'bare';

const PATH = '/data/100k';
const BYTES = 100 * 1024;
const ETAG = '"bench-v1"';
/** Variants in report order: `worker` names the entry in bench/workers/, `etag` whether the origin sends a validator, `expect` the status every fetch after the first must get. */
const VARIANTS = [
  { id: '304', label: '(a) `httpCache()` idb, ETag → 304, entry renewed', worker: 'cachette-http-idb', etag: true, cacheControl: 'max-age=0', expect: 304 },
  { id: 'full', label: '(b) `httpCache()` idb, no validator → full 200, stored again', worker: 'cachette-http-idb', etag: false, cacheControl: 'max-age=0', expect: 200 },
  { id: '304-cs', label: "(a') `httpCache()` cache-storage, ETag → 304, entry renewed", worker: 'cachette-http-cache-storage', etag: true, cacheControl: 'max-age=0', expect: 304 },
  { id: 'full-cs', label: "(b') `httpCache()` cache-storage, no validator → full 200, stored again", worker: 'cachette-http-cache-storage', etag: false, cacheControl: 'max-age=0', expect: 200 },
  { id: 'none', label: '(c) no worker, plain fetch (no caching headers)', etag: false, cacheControl: null, expect: 200 },
  { id: 'browser-304', label: "(d) no worker, ETag + max-age=0: the browser's HTTP cache → 304", etag: true, cacheControl: 'max-age=0', expect: 304 },
];
/** [numerator, denominator, goal (the median ratio must be below it)]. */
const RATIOS = [
  ['304', 'full', 1],
  ['304-cs', 'full-cs', 1],
  ['304', 'none'],
  ['full', 'none'],
  ['304', 'browser-304'],
];
/** Response-body chunk paced under a bandwidth. */
const CHUNK = 8 * 1024;
const REPORT_TIMEOUT_MS = 540_000;

/** Runs the benchmark once (runner parameters: delayMs, mbps; page parameters: rounds, warmup, seed). */
export async function run({ driver = defaultDriver, params = {}, log = console.error } = {}) {
  const load = loadMeter();
  const { delayMs, mbps } = withDefaults(params, { delayMs: 20, mbps: 10 });
  const conditions = [
    { id: 'loopback', label: 'loopback, 0 ms', delayMs: 0, mbps: 0 },
    ...(delayMs > 0 ? [{ id: 'delay', label: `${delayMs} ms server delay`, delayMs, mbps: 0 }] : []),
    ...(mbps > 0 ? [{ id: 'slow', label: `${delayMs} ms + ${mbps} Mbit/s (the body alone ${fixed((BYTES * 8) / (mbps * 1000), 0)} ms)`, delayMs, mbps }] : []),
  ];
  const frame = await buildPage('fetch-hit-frame');
  const body = makeBody(BYTES);
  const workers = Object.fromEntries(await Promise.all([...new Set(VARIANTS.filter((v) => v.worker).map((v) => v.worker))].map(async (w) => [w, await buildWorker(w)])));
  const origins = [];
  try {
    for (const condition of conditions) {
      for (const variant of VARIANTS) origins.push({ variant, condition, ...(await startRevalidationOrigin({ root: frame.dir, worker: workers[variant.worker], body, variant, condition })) });
    }
    const key = (o) => `${o.variant.id}@${o.condition.id}`;
    const setup = { variants: origins.map((o) => ({ id: key(o), origin: o.origin, worker: o.variant.worker !== undefined })), path: PATH, bytes: BYTES };
    const { result, environment } = await runPage({ page: name, driver, params, log, load, timeoutMs: REPORT_TIMEOUT_MS, tabs: [{ setup: JSON.stringify(setup) }], notIsolated: 'the page was not cross-origin isolated' });
    const traffic = Object.fromEntries(origins.map((o) => [key(o), checkTraffic(key(o), o.variant, o.log(), result.fetches[key(o)])]));
    return summarizeReport(result, environment, conditions, traffic, { delayMs, mbps });
  } finally {
    await Promise.all(origins.map((o) => o.close()));
  }
}

/**
 * One origin: the frame page (static files from `root`), the worker at /sw.js (when the
 * variant has one) and PATH, answered after the condition's delay: 304 when the variant's
 * origin has an ETag and the request's `If-None-Match` names it, else the whole body (paced
 * to the condition's bandwidth). Every answer of PATH is logged with its status and bytes.
 */
async function startRevalidationOrigin({ root, worker, body, variant, condition }) {
  const corp = 'cross-origin';
  const log = [];
  const routes = {
    [PATH]: async (req, res) => {
      if (req.method !== 'GET') return void res.writeHead(405, isolation(corp)).end();
      const socket = req.socket;
      const before = socket.bytesWritten;
      const requestBytes = requestHeaderBytes(req);
      const ifNoneMatch = req.headers['if-none-match'] ?? null;
      if (condition.delayMs > 0) await sleep(condition.delayMs);
      const headers = { ...isolation(corp), 'Content-Type': 'application/json', ...(variant.cacheControl ? { 'Cache-Control': variant.cacheControl } : {}), ...(variant.etag ? { ETag: ETAG } : {}) };
      const notModified = variant.etag && ifNoneMatch !== null && ifNoneMatch.split(',').some((tag) => tag.trim() === ETAG);
      const status = notModified ? 304 : 200;
      res.on('finish', () => log.push({ status, ifNoneMatch, cacheControl: req.headers['cache-control'] ?? null, requestBytes, responseBytes: socket.bytesWritten - before }));
      if (notModified) return void res.writeHead(304, headers).end();
      res.writeHead(200, { ...headers, 'Content-Length': String(body.length) });
      await writePaced(res, body, condition.mbps);
    },
  };
  if (worker !== undefined) routes['/sw.js'] = sendBody(worker, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' }, corp);
  const server = await startServer({ mounts: { '/': root }, routes, corp });
  return { origin: server.origin, close: server.close, log: () => [...log] };
}

/**
 * Writes `body` and ends; under `mbps` > 0, in chunks, each sent when that bandwidth would
 * have delivered its last byte (the headers go first, unpaced: a few hundred bytes).
 */
async function writePaced(res, body, mbps) {
  if (!(mbps > 0)) return void res.end(body);
  const started = performance.now();
  const bytesPerMs = (mbps * 1e6) / 8 / 1000;
  for (let offset = 0; offset < body.length; offset += CHUNK) {
    const chunk = body.subarray(offset, offset + CHUNK);
    const wait = started + (offset + chunk.length) / bytesPerMs - performance.now();
    if (wait > 0) await sleep(wait);
    res.write(chunk);
  }
  res.end();
}

/** The request's header block as it came on the wire (request line, fields, blank line), rebuilt from the raw headers. */
function requestHeaderBytes(req) {
  let bytes = Buffer.byteLength(`${req.method} ${req.url} HTTP/${req.httpVersion}\r\n\r\n`);
  for (let i = 0; i < req.rawHeaders.length; i += 2) bytes += Buffer.byteLength(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`);
  return bytes;
}

/**
 * Every fetch the page made reached this origin once; the first (filling the cache) was a
 * 200, every later one what the variant expects. Returns the bytes of the later ones.
 */
function checkTraffic(id, variant, log, fetches) {
  const problems = [];
  if (log.length !== fetches) problems.push(`the page fetched ${fetches} times, the origin answered ${log.length}`);
  if (log[0]?.status !== 200) problems.push(`the first fetch got ${log[0]?.status}, expected 200`);
  const later = log.slice(1);
  const wrong = later.filter((entry) => entry.status !== variant.expect);
  if (wrong.length) problems.push(`${wrong.length} of ${later.length} later fetches were not ${variant.expect} (first: ${JSON.stringify(wrong[0])})`);
  if (problems.length) throw new Error(`${id}: ${problems.join('; ')}`);
  const responses = summarize(later.map((e) => e.responseBytes));
  const requests = summarize(later.map((e) => e.requestBytes));
  return { fetches: log.length, statuses: countBy(log.map((e) => e.status)), firstRequest: log[0], lastRequest: later.at(-1), responseBytes: roundAll(responses, 1), requestBytes: roundAll(requests, 1) };
}

function summarizeReport(result, environment, conditions, traffic, runner) {
  const key = (variant, condition) => `${variant}@${condition}`;
  const stats = Object.fromEntries(Object.entries(result.samplesMs).map(([id, samples]) => [id, summarize(us(samples))]));
  const rel = (a, b, c, stat = 'median') => ratio(stats[key(a, c)][stat], stats[key(b, c)][stat]);
  const label = (id) => VARIANTS.find((v) => v.id === id).label;

  const mainTable = variantTable(VARIANTS, [
    ['variant', (v) => v.label],
    ...conditions.flatMap((c) => [
      [`${c.label}: median µs`, (v) => fixed(stats[key(v.id, c.id)].median, 0)],
      [`p95 µs`, (v) => fixed(stats[key(v.id, c.id)].p95, 0)],
    ]),
    ['bytes per fetch (response, headers included / request headers)', (v) => bytesCell(traffic[key(v.id, conditions[0].id)])],
  ]);
  const ratios = {};
  const ratioRows = RATIOS.map(([a, b, goal]) => {
    const name = `${a} / ${b}`;
    ratios[name] = {};
    const cells = conditions.map((c) => {
      const median = rel(a, b, c.id);
      const p95 = rel(a, b, c.id, 'p95');
      const met = goal === undefined || median === null ? null : median < goal;
      ratios[name][c.id] = { median, p95, deltaMedianUs: stats[key(a, c.id)].median - stats[key(b, c.id)].median, ...(goal === undefined ? {} : { goal: `< ${goal}`, met }) };
      return `${times(median)} (p95 ${times(p95)})${met === null ? '' : met ? ' ✓' : ' ✗'}`;
    });
    return [`${label(a)} / ${label(b)}`, goal === undefined ? '' : `< ${goal}`, ...cells];
  });
  const ratioTable = markdownTable(['ratio (median, p95)', 'goal', ...conditions.map((c) => c.label)], ratioRows);
  const frames = Object.values(result.frames);
  const resolutionUs = Math.max(result.timerResolutionMs, ...frames.map((f) => f.timerResolutionMs)) * 1000;
  const markdown = [
    `### revalidation: ${result.config.rounds} interleaved rounds after ${result.config.warmup} warm-up, an expired ${BYTES / 1024} KB entry fetched from a page (fetch + whole body), one origin per variant × condition`,
    '',
    environmentLine(result, environment, `${fixed(resolutionUs, 1)} µs (page and frames crossOriginIsolated)`),
    '',
    mainTable,
    '',
    ratioTable,
    '',
    'Every fetch reached its origin (each entry is always expired: `max-age=0`); the origins checked that every fetch after the first was answered ' +
      "304 for (a), (a') and (d) and 200 for (b), (b') and (c). Bytes are counted at the server, per fetch after the first (median; the same under every condition).",
  ].join('\n');

  const json = resultJson({ name, description }, {
    environment: { ...environment, userAgent: result.userAgent, timerResolutionUs: resolutionUs, crossOriginIsolated: result.crossOriginIsolated, frames: result.frames },
    config: { ...result.config, ...runner, path: PATH, bytes: BYTES, conditions, order: 'interleaved: every round fetches each variant × condition once, shuffled (seeded)', origins: 'one server (port) per variant × condition' },
    unit: 'µs',
    variants: Object.fromEntries(
      VARIANTS.map((v) => [
        v.id,
        {
          label: v.label,
          worker: v.worker ? `bench/workers/${v.worker}.ts` : null,
          origin: { etag: v.etag ? ETAG : null, cacheControl: v.cacheControl, answers: v.expect },
          ...Object.fromEntries(conditions.map((c) => [c.id, { ...roundAll(stats[key(v.id, c.id)], 1), traffic: traffic[key(v.id, c.id)] }])),
        },
      ]),
    ),
    ratios,
    samplesUs: Object.fromEntries(Object.entries(result.samplesMs).map(([id, samples]) => [id, us(samples).map((x) => Math.round(x * 10) / 10)])),
  });
  return { markdown, json };
}

function bytesCell(traffic) {
  const { responseBytes, requestBytes, statuses } = traffic;
  return `${fixed(responseBytes.median, 0)} / ${fixed(requestBytes.median, 0)} (${Object.entries(statuses).map(([s, n]) => `${n}× ${s}`).join(', ')})`;
}

function countBy(values) {
  const counts = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `bytes` of JSON text (an array of records, padded), as fetch-hit's bodies. */
function makeBody(bytes) {
  const items = [];
  for (let i = 0; JSON.stringify(items).length < bytes - 120; i += 1) items.push({ id: i, title: `Item number ${i}`, price: 9.99 + i, inStock: i % 2 === 0 });
  const text = JSON.stringify({ items, note: '' });
  const padded = `${text.slice(0, -2)}${'x'.repeat(bytes - text.length)}"}`;
  const body = Buffer.from(padded);
  if (body.length !== bytes) throw new Error(`made a ${body.length}-byte body, wanted ${bytes}`);
  return body;
}

await runIfMain(import.meta.url, { name, description, defaultDriver, run });
