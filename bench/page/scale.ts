/**
 * How the cost of each cache operation grows with the number of stored entries: for each
 * size N, every backend (through the public API only) and the raw platform stores beneath
 * them are filled to N entries of ~200-byte JSON, then `set` of a new key and `get` of a
 * random hit are timed, interleaved across every variant; then invalidation by prefix and by
 * tag (1% each, several rounds, interleaved with a raw IndexedDB key-range delete of 1%);
 * then one cull. The runner (bench/scale.mjs) builds, serves and opens this page.
 *
 * Two measurements on the same filled stores, after set/get and before the invalidation: a
 * worker hit at scale (`fetch-hit:<backend>`: fetch + whole body of a stored URL, the idb and
 * cache-storage rows interleaved, after the worker stored HIT_URLS misses into the big store;
 * bench/workers/scale-worker.ts, whose aliases `<backend>-<N>` are the page's over the stores
 * of size N), and the devtools panel at scale (`panel-open:all`: from `mountDevtools({ open:
 * true })` to the end of the frame that paints entry rows of every filled alias in its shadow
 * root, after one uncounted mount; `panel-longtask:all`: the longest long task in that window,
 * 0 when none passed 50 ms).
 * The worker is scoped to /scale-hit/ and controls a same-origin frame there, whose `fetch` the
 * page calls: the page itself stays uncontrolled, so its invalidations wait for no worker.
 *
 * Any cell may fail or crawl with a given core: each has a time budget (it stops and reports
 * what it measured), each operation a timeout (the cell then `fails`), and a backend whose fill
 * failed is skipped at larger sizes, as is an operation that failed.
 */
import { mountDevtools } from '../../src/devtools/index.js';
import { defineCaches, getCache, invalidate, type CachesConfig, type Cache } from '../../src/index.js';
import { assertIsolated, numberParam, runAndReport, timerResolution } from './lib/harness.js';
import { mulberry32, shuffle } from './lib/random.js';

const BACKENDS = ['idb', 'cache-storage', 'memory'] as const;
type BackendId = (typeof BACKENDS)[number];
const SIZES = [1_000, 10_000, 100_000];
const GROUPS = 100;
const CHUNK = 1_000;
const VALUE_BYTES = 200;
const RAW_STORE = 'kv';
/** The backends a worker shares stores with (memory is the page's own). */
const WORKER_BACKENDS = ['idb', 'cache-storage'] as const satisfies readonly BackendId[];
/** Distinct URLs per backend and size the worker stores and then serves; bench/scale.mjs serves ids 0 to HIT_URLS − 1. */
const HIT_URLS = 20;
/** How many times a stored miss is fetched again, WARM_PAUSE_MS apart, before it counts as never stored. */
const WARM_TRIES = 40;
const WARM_PAUSE_MS = 50;
/** Where the open panel's state is kept (mount-devtools.ts OPEN_KEY): cleared so `open: true` decides. */
const PANEL_OPEN_KEY = 'cachette:devtools:open';

/** One cell of the table: samples in ms, or why there are none. */
interface Cell {
  samplesMs?: number[];
  /** Entries removed by each sample's operation (invalidation, cull). */
  removed?: number;
  /** Entries in the store when the operation ran (cull). */
  before?: number;
  /** Stopped by the cell's time budget before `ops` samples. */
  truncated?: boolean;
  /** Whether every miss the worker fetched was stored into the big store and then served from it (fetch-hit). */
  stored?: boolean;
  /** The most fetches one URL took until the worker served it from its store (fetch-hit; the first is the miss). */
  storeFetches?: number;
  /** Long tasks seen in all the samples' windows (panel-longtask). */
  longTasks?: number;
  /** The uncounted first mount (panel-open). */
  warmUpMs?: number;
  /** The aliases whose rows were waited for (panel-open). */
  aliases?: string[];
  fails?: string;
  skipped?: string;
}
type Cells = Record<string, Record<string, Cell>>;

interface Timed {
  id: string;
  run: () => Promise<unknown>;
  check?: (result: unknown) => void;
}

void runAndReport(async () => {
  assertIsolated();
  const config = {
    maxN: numberParam('maxN', 100_000),
    ops: numberParam('ops', 200),
    warmup: numberParam('warmup', 5),
    invReps: numberParam('invReps', 3),
    cellBudgetS: numberParam('cellBudgetS', 60),
    fillBudgetS: numberParam('fillBudgetS', 240),
    opTimeoutS: numberParam('opTimeoutS', 120),
    seed: numberParam('seed', 1),
    panelReps: numberParam('panelReps', 3),
  };
  const sizes = SIZES.filter((n) => n <= config.maxN);
  if (!sizes.length) throw new Error(`--maxN=${config.maxN} leaves no size; sizes: ${SIZES.join(', ')}`);
  const random = mulberry32(config.seed);
  const opTimeoutMs = config.opTimeoutS * 1000;
  const cells: Cells = {};
  const put = (row: string, n: number, cell: Cell) => {
    (cells[row] ??= {})[String(n)] = cell;
  };
  /** Backend → why it is skipped from now on; `${backend}:${op}` → the size an operation failed at. */
  const backendDown = new Map<BackendId, string>();
  const opDown = new Map<string, number>();
  /** The size the panel failed at, if it did. */
  let panelDown: number | undefined;
  const resolutionMs = timerResolution();
  const started = performance.now();

  // The invalidation bus is a lazily loaded chunk: load it before anything is timed.
  configure(sizes[0]!, {});
  for (const b of BACKENDS) await invalidate({ cache: b, keys: ['scale-warm-up'] });
  // The worker's frame: a failure to set it up fails the fetch-hit cells only.
  progress('registering the worker');
  const hitFrame = await openHitFrame(opTimeoutMs).catch((error: unknown) => new Error(`the worker's frame: ${message(error)}`));

  for (const n of sizes) {
    progress(`N=${n}: filling`);
    configure(n, {});
    const live = BACKENDS.filter((b) => !backendDown.has(b));
    for (const b of BACKENDS) {
      if (!backendDown.has(b)) continue;
      for (const op of ['fill', 'set', 'get', 'fetch-hit', 'invalidate-prefix', 'invalidate-tag', 'cull']) {
        if (op !== 'fetch-hit' || isWorkerBackend(b)) put(`${op}:${b}`, n, { skipped: backendDown.get(b) });
      }
    }

    // Fill: the raw stores, then each backend.
    const rawDb = await openRawDb(`scale-raw-${n}`);
    put('fill:raw-idb', n, await timeFill(() => fillRawIdb(rawDb, n)));
    const rawCacheName = `scale-raw-${n}`;
    await caches.delete(rawCacheName);
    const rawCache = await caches.open(rawCacheName);
    put('fill:raw-cache', n, await timeFill(() => fillRawCache(rawCache, n, deadline(config.fillBudgetS))));
    const filled: BackendId[] = [];
    for (const b of live) {
      progress(`N=${n}: filling ${b}`);
      const cell = await timeFill(() => fillBackend(getCache(b), n, deadline(config.fillBudgetS), opTimeoutMs));
      put(`fill:${b}`, n, cell);
      if (cell.fails) {
        backendDown.set(b, `skipped: fill failed at ${label(n)}`);
        for (const op of ['set', 'get', 'fetch-hit', 'invalidate-prefix', 'invalidate-tag', 'cull']) {
          if (op !== 'fetch-hit' || isWorkerBackend(b)) put(`${op}:${b}`, n, { skipped: 'fill failed' });
        }
      } else filled.push(b);
    }

    // set of a new key and get of a random hit, interleaved over every variant.
    progress(`N=${n}: set/get over ${filled.join(', ')} and the raw stores`);
    const setsDone = new Map<BackendId, number>();
    const randomKey = () => {
      const i = Math.floor(random() * n);
      return `g${i % GROUPS}:${i}`;
    };
    const hit = (result: unknown) => {
      if (result === undefined || result === null) throw new Error('a get of an existing key missed');
    };
    let fresh = 0;
    const variants: Timed[] = [
      { id: 'set:raw-idb', run: () => rawIdbPut(rawDb, `new:${(fresh += 1)}`, makeValue(fresh)) },
      { id: 'get:raw-idb', run: () => rawIdbGet(rawDb, randomKey()), check: hit },
      { id: 'set:raw-cache', run: () => rawCache.put(rawUrl(`new:${(fresh += 1)}`), jsonResponse(makeValue(fresh))) },
      { id: 'get:raw-cache', run: async () => (await rawCache.match(rawUrl(randomKey())))?.json(), check: hit },
    ];
    for (const b of filled) {
      const c = getCache(b);
      setsDone.set(b, 0);
      for (const op of ['set', 'get'] as const) {
        if (opDown.has(`${b}:${op}`)) {
          put(`${op}:${b}`, n, { skipped: `failed at ${label(opDown.get(`${b}:${op}`)!)}` });
          continue;
        }
        variants.push(
          op === 'set'
            ? {
                id: `set:${b}`,
                run: async () => {
                  await c.set(`new:${(fresh += 1)}`, makeValue(fresh), null);
                  setsDone.set(b, setsDone.get(b)! + 1);
                },
              }
            : { id: `get:${b}`, run: () => c.get(randomKey()), check: hit },
        );
      }
    }
    const timed = await interleave(variants, { ...config, opTimeoutMs, random });
    for (const [id, cell] of Object.entries(timed)) {
      put(id, n, cell);
      noteFailure(id, n, cell);
    }

    // Worker hits on the big stores: HIT_URLS misses stored by the worker, then hits of random ones, interleaved.
    const storedBy = new Map<BackendId, number>();
    const hitBackends = filled.filter(isWorkerBackend).filter((b) => {
      if (!opDown.has(`${b}:fetch-hit`)) return true;
      put(`fetch-hit:${b}`, n, { skipped: `failed at ${label(opDown.get(`${b}:fetch-hit`)!)}` });
      return false;
    });
    if (hitFrame instanceof Error) {
      for (const b of hitBackends) put(`fetch-hit:${b}`, n, { fails: hitFrame.message });
    } else if (hitBackends.length) {
      progress(`N=${n}: worker misses stored into ${hitBackends.join(', ')}`);
      const hitVariants: Timed[] = [];
      for (const b of hitBackends) {
        const url = (i: number) => `/scale-hit/${b}/${n}/${i}`;
        const warm = await storeMisses(hitFrame, url, opTimeoutMs);
        storedBy.set(b, warm.stored);
        if (warm.fails) {
          put(`fetch-hit:${b}`, n, { fails: warm.fails, stored: warm.stored === HIT_URLS, storeFetches: warm.fetches });
          noteFailure(`fetch-hit:${b}`, n, { fails: warm.fails });
          continue;
        }
        hitVariants.push({ id: `fetch-hit:${b}`, run: () => workerFetch(hitFrame, url(Math.floor(random() * HIT_URLS))), check: workerHit });
        put(`fetch-hit:${b}`, n, { stored: true, storeFetches: warm.fetches });
      }
      progress(`N=${n}: worker hits over ${hitVariants.map((v) => v.id.slice('fetch-hit:'.length)).join(', ')}`);
      const hits = await interleave(hitVariants, { ...config, opTimeoutMs, random });
      for (const [id, cell] of Object.entries(hits)) {
        put(id, n, { ...cells[id]![String(n)], ...cell });
        noteFailure(id, n, cell);
      }
    }

    // The devtools panel over every filled alias: time to its first entry rows, and the longest long task meanwhile;
    // one mount first, not counted (the first ever pays for the element, its CSS and cold code: 2-3× the others at 1k).
    if (panelDown !== undefined) {
      for (const row of ['panel-open:all', 'panel-longtask:all']) put(row, n, { skipped: `failed at ${label(panelDown)}` });
    } else if (filled.length) {
      progress(`N=${n}: devtools panel`);
      const shown = [...filled];
      put('panel-open:all', n, { samplesMs: [], aliases: shown });
      put('panel-longtask:all', n, { samplesMs: [], longTasks: 0 });
      for (let rep = -1; rep < config.panelReps; rep += 1) {
        let once: PanelTiming;
        try {
          once = await timePanel(shown, opTimeoutMs);
        } catch (error) {
          cells['panel-open:all']![String(n)]!.fails = cells['panel-longtask:all']![String(n)]!.fails = message(error);
          panelDown = n;
          break;
        }
        if (rep < 0) {
          cells['panel-open:all']![String(n)]!.warmUpMs = once.ms;
          continue;
        }
        cells['panel-open:all']![String(n)]!.samplesMs!.push(once.ms);
        const longest = cells['panel-longtask:all']![String(n)]!;
        longest.samplesMs!.push(once.longestTaskMs);
        longest.longTasks! += once.longTasks;
      }
    }

    // Invalidation of 1% by prefix and by tag (distinct groups), and a raw key-range delete of 1%.
    progress(`N=${n}: invalidation`);
    const removedBy = new Map<BackendId, number>();
    const perGroup = n / GROUPS;
    const tasks: Array<{ id: string; run: (rep: number) => Promise<unknown> }> = [
      { id: 'invalidate-prefix:raw-idb', run: (rep) => rawIdbDeleteRange(rawDb, `g${10 + rep}:`) },
    ];
    for (const b of filled) {
      for (const op of ['invalidate-prefix', 'invalidate-tag'] as const) {
        if (opDown.has(`${b}:${op}`)) {
          put(`${op}:${b}`, n, { skipped: `failed at ${label(opDown.get(`${b}:${op}`)!)}` });
          continue;
        }
        tasks.push({
          id: `${op}:${b}`,
          run: async (rep) => {
            await (op === 'invalidate-prefix' ? invalidate({ cache: b, prefix: `g${10 + rep}:` }) : invalidate({ cache: b, tags: [`t${50 + rep}`] }));
            removedBy.set(b, (removedBy.get(b) ?? 0) + perGroup);
          },
        });
      }
    }
    const inv = await repeatInterleaved(tasks, config.invReps, { random, opTimeoutMs, budgetMs: config.cellBudgetS * 1000 });
    for (const [id, cell] of Object.entries(inv)) {
      put(id, n, { ...cell, removed: perGroup });
      noteFailure(id, n, cell);
    }

    // One cull per backend: another alias over the same store, with maxEntries at the count it holds.
    progress(`N=${n}: cull`);
    const counts: Record<string, number> = {};
    for (const b of filled) counts[b] = n + (setsDone.get(b) ?? 0) + (storedBy.get(b) ?? 0) - (removedBy.get(b) ?? 0);
    configure(n, counts);
    const cullOrder = filled.filter((b) => !opDown.has(`${b}:cull`));
    for (const b of filled) if (opDown.has(`${b}:cull`)) put(`cull:${b}`, n, { skipped: `failed at ${label(opDown.get(`${b}:cull`)!)}` });
    shuffle(cullOrder, random);
    for (const b of cullOrder) {
      const cell = await timeOnce(() => getCache(`${b}-cull`).set('cull:trigger', makeValue(-1), null), opTimeoutMs);
      const count = counts[b]!;
      put(`cull:${b}`, n, { ...cell, before: count, removed: Math.floor(count / 3) });
      noteFailure(`cull:${b}`, n, cell);
    }

    // Free this size's stores before the next one.
    progress(`N=${n}: clearing`);
    for (const b of live) await settle(getCache(b).clear(), opTimeoutMs);
    for (const b of live) await settle(getCache(b).close(), opTimeoutMs);
    rawDb.close();
    await settle(deleteRawDb(`scale-raw-${n}`), opTimeoutMs);
    await settle(caches.delete(rawCacheName), opTimeoutMs);
  }

  function noteFailure(id: string, n: number, cell: Cell): void {
    const [op, b] = id.split(':') as [string, string];
    if (cell.fails && (BACKENDS as readonly string[]).includes(b) && !opDown.has(`${b}:${op}`)) opDown.set(`${b}:${op}`, n);
  }

  document.querySelector('#status')!.textContent = 'done';
  return {
    userAgent: navigator.userAgent,
    crossOriginIsolated,
    timerResolutionMs: resolutionMs,
    valueJsonBytes: JSON.stringify(makeValue(12345)).length,
    config: { ...config, sizes },
    interleavedMs: performance.now() - started,
    cells,
  };
});

/** Every backend's alias over the store of size `n` (`maxEntries` far above it), and a `-cull` alias per entry of `cullAt`. */
function configure(n: number, cullAt: Record<string, number>): void {
  const location = `scale-${n}`;
  const config: CachesConfig = { default: { backend: 'memory', location: 'scale-unused' } };
  for (const b of BACKENDS) {
    config[b] = { backend: b, location, maxEntries: 10 * n + 100_000, timeout: null };
    if (cullAt[b] !== undefined) config[`${b}-cull`] = { backend: b, location, maxEntries: cullAt[b], cullFrequency: 3, timeout: null };
  }
  defineCaches(config);
}

const isWorkerBackend = (b: BackendId): b is (typeof WORKER_BACKENDS)[number] => (WORKER_BACKENDS as readonly string[]).includes(b);

/**
 * Registers bench/workers/scale-worker.ts (served at /scale-hit/sw.js), scoped to /scale-hit/,
 * and resolves to the window of a frame it controls there (/scale-hit/frame.html, an empty
 * page): fetches made with that window's `fetch` go through the worker; this page's do not.
 */
async function openHitFrame(timeoutMs: number): Promise<Window> {
  const within = <T>(what: string, promise: Promise<T>) => withTimeout(promise, timeoutMs, `${what} took over ${Math.round(timeoutMs / 1000)} s`);
  const registration = await navigator.serviceWorker.register('/scale-hit/sw.js', { scope: '/scale-hit/' });
  const worker = registration.installing ?? registration.waiting ?? registration.active;
  if (!worker) throw new Error('the registration has no worker');
  if (worker.state !== 'activated') {
    await within(
      'activating the worker',
      new Promise<void>((resolve, reject) => {
        worker.addEventListener('statechange', () => {
          if (worker.state === 'activated') resolve();
          if (worker.state === 'redundant') reject(new Error('the worker became redundant (its script failed?)'));
        });
      }),
    );
  }
  const frame = document.createElement('iframe');
  frame.style.display = 'none';
  const loaded = new Promise<void>((resolve) => frame.addEventListener('load', () => resolve(), { once: true }));
  frame.src = '/scale-hit/frame.html';
  document.body.append(frame);
  await within('loading the frame', loaded);
  const win = frame.contentWindow!;
  const container = win.navigator.serviceWorker;
  // Loaded after activation, the frame is controlled from the start; else the worker claims it.
  if (!container.controller) await within('the worker taking control of the frame', new Promise<void>((resolve) => container.addEventListener('controllerchange', () => resolve(), { once: true })));
  return win;
}

/** One fetch through the frame's worker, the whole body read: whether it was a worker hit (the worker adds `Age`; the server never sends it). */
async function workerFetch(win: Window, url: string): Promise<{ status: number; hit: boolean; bytes: number }> {
  const response = await win.fetch(url);
  const body = await response.text();
  return { status: response.status, hit: response.headers.has('Age'), bytes: body.length };
}

function workerHit(result: unknown): void {
  const { status, hit, bytes } = result as Awaited<ReturnType<typeof workerFetch>>;
  if (status !== 200 || !bytes) throw new Error(`a worker fetch answered ${status} with ${bytes} characters`);
  if (!hit) throw new Error('a fetch of a stored URL was not a worker hit (no Age header)');
}

/**
 * Fetches `url(i)` for i < HIT_URLS once each (misses: the worker fetches and stores them into
 * the big store after answering), then again until each is a hit (stored asynchronously).
 * `stored`: how many became hits; `fetches`: the most one URL needed; `fails` when one never did.
 */
async function storeMisses(win: Window, url: (i: number) => string, opTimeoutMs: number): Promise<{ stored: number; fetches: number; fails?: string }> {
  const fetchOnce = (i: number) => withTimeout(workerFetch(win, url(i)), opTimeoutMs, `a worker fetch of ${url(i)} took over ${Math.round(opTimeoutMs / 1000)} s`);
  let fetches = 1;
  try {
    for (let i = 0; i < HIT_URLS; i += 1) {
      const first = await fetchOnce(i);
      if (first.status !== 200) throw new Error(`${url(i)} answered ${first.status} (does bench/scale.mjs serve ids below ${HIT_URLS}?)`);
      if (first.hit) throw new Error(`the first fetch of ${url(i)} was a hit: the store was not empty of it`);
    }
  } catch (error) {
    return { stored: 0, fetches, fails: message(error) };
  }
  let stored = 0;
  for (let i = 0; i < HIT_URLS; i += 1) {
    let tries = 0;
    try {
      while (!(await fetchOnce(i)).hit) {
        tries += 1;
        if (tries > WARM_TRIES) return { stored, fetches, fails: `a miss was never stored: ${url(i)} still missed after ${WARM_TRIES + 1} more fetches` };
        await sleep(WARM_PAUSE_MS);
      }
    } catch (error) {
      return { stored, fetches, fails: message(error) };
    }
    stored += 1;
    fetches = Math.max(fetches, tries + 2);
  }
  return { stored, fetches };
}

interface PanelTiming {
  /** From the mount to the end of the frame that painted entry rows of every alias. */
  ms: number;
  /** The longest long task overlapping that window (0 when none). */
  longestTaskMs: number;
  longTasks: number;
}

/**
 * Mounts the page-side devtools panel open and times it until the frame whose
 * requestAnimationFrame callback finds an entry row (`td .key`) in the section of each of
 * `aliases` in its shadow root has been painted (the next task), with the long tasks that
 * overlapped that window; unmounts it after.
 */
async function timePanel(aliases: readonly string[], timeoutMs: number): Promise<PanelTiming> {
  try {
    localStorage.removeItem(PANEL_OPEN_KEY);
  } catch {
    // storage disabled: `open: true` decides anyway
  }
  const tasks: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries()));
  observer.observe({ type: 'longtask', buffered: false });
  const start = performance.now();
  const unmount = mountDevtools({ open: true });
  try {
    const root = document.querySelector('cachette-devtools')?.shadowRoot;
    if (!root) throw new Error('mountDevtools added no <cachette-devtools> with a shadow root');
    await new Promise<void>((resolve, reject) => {
      const poll = () => {
        if (aliases.every((a) => root.querySelector(`section.cache[aria-label="Cache ${a}"] tbody td .key`))) resolve();
        else if (performance.now() - start > timeoutMs) reject(new Error(`the panel showed no entry rows of ${aliases.join(', ')} within ${Math.round(timeoutMs / 1000)} s`));
        else requestAnimationFrame(poll);
      };
      requestAnimationFrame(poll);
    });
    // The rows are in the DOM at this frame's callbacks; its style, layout and paint follow in
    // the same rendering task. The first task after it ends the window: the rows are painted.
    await afterThisTask();
    const end = performance.now();
    // A long task is reported after it ends: give the observer a moment.
    await sleep(100);
    tasks.push(...observer.takeRecords());
    const overlapping = tasks.filter((t) => t.startTime < end && t.startTime + t.duration > start);
    return { ms: end - start, longestTaskMs: Math.max(0, ...overlapping.map((t) => t.duration)), longTasks: overlapping.length };
  } finally {
    observer.disconnect();
    unmount();
  }
}

/**
 * Times each variant once per round, rounds shuffled, until it has `ops` samples after
 * `warmup` rounds, or has spent its budget (then `truncated`), or fails (an error, a wrong
 * result, an operation past `opTimeoutMs`).
 */
async function interleave(
  variants: readonly Timed[],
  { ops, warmup, cellBudgetS, opTimeoutMs, random }: { ops: number; warmup: number; cellBudgetS: number; opTimeoutMs: number; random: () => number },
): Promise<Record<string, Cell>> {
  const state = new Map(variants.map((v) => [v.id, { samples: [] as number[], spent: 0, done: false, truncated: false, fails: undefined as string | undefined }]));
  const watchdog = new Watchdog(opTimeoutMs);
  try {
    for (let round = 0; ; round += 1) {
      const active = variants.filter((v) => !state.get(v.id)!.done);
      if (!active.length) break;
      shuffle(active, random);
      for (const v of active) {
        const s = state.get(v.id)!;
        let result: unknown;
        const start = performance.now();
        try {
          result = await watchdog.race(v.run(), start);
        } catch (error) {
          s.fails = message(error);
          s.done = true;
          continue;
        }
        const elapsed = performance.now() - start;
        try {
          v.check?.(result);
        } catch (error) {
          s.fails = message(error);
          s.done = true;
          continue;
        }
        if (round >= warmup) s.samples.push(elapsed);
        s.spent += elapsed;
        if (s.samples.length >= ops) s.done = true;
        else if (s.spent > cellBudgetS * 1000) s.done = s.truncated = true;
      }
    }
  } finally {
    watchdog.stop();
  }
  return Object.fromEntries([...state].map(([id, s]) => [id, s.fails ? { fails: s.fails, samplesMs: s.samples } : { samplesMs: s.samples, truncated: s.truncated }]));
}

/** `reps` rounds of every task once (`run(rep)`), shuffled per round; a task stops at its first failure or when past its budget. */
async function repeatInterleaved(
  tasks: ReadonlyArray<{ id: string; run: (rep: number) => Promise<unknown> }>,
  reps: number,
  { random, opTimeoutMs, budgetMs }: { random: () => number; opTimeoutMs: number; budgetMs: number },
): Promise<Record<string, Cell>> {
  const cells: Record<string, Cell & { spent: number }> = Object.fromEntries(tasks.map((t) => [t.id, { samplesMs: [], spent: 0 }]));
  for (let rep = 0; rep < reps; rep += 1) {
    const order = tasks.filter((t) => !cells[t.id]!.fails && cells[t.id]!.spent <= budgetMs);
    shuffle(order, random);
    for (const t of order) {
      const cell = cells[t.id]!;
      const once = await timeOnce(() => t.run(rep), opTimeoutMs);
      if (once.fails) cell.fails = once.fails;
      else cell.samplesMs!.push(once.samplesMs![0]!);
      cell.spent += once.samplesMs?.[0] ?? opTimeoutMs;
    }
  }
  return Object.fromEntries(Object.entries(cells).map(([id, { spent, ...cell }]) => [id, { ...cell, truncated: !cell.fails && cell.samplesMs!.length < reps }]));
}

/** One timed operation. */
async function timeOnce(op: () => Promise<unknown>, timeoutMs: number): Promise<Cell> {
  const watchdog = new Watchdog(timeoutMs);
  const start = performance.now();
  try {
    await watchdog.race(op(), start);
    return { samplesMs: [performance.now() - start] };
  } catch (error) {
    return { fails: message(error) };
  } finally {
    watchdog.stop();
  }
}

/** A fill: its total time as the one sample, or why it failed. */
async function timeFill(fill: () => Promise<void>): Promise<Cell> {
  const start = performance.now();
  try {
    await fill();
    return { samplesMs: [performance.now() - start] };
  } catch (error) {
    return { fails: message(error) };
  }
}

/**
 * Rejects the operation in flight once it has run `timeoutMs` (checked each second): one
 * timer for a whole cell, so the timed path adds only a `Promise.race`.
 */
class Watchdog {
  #start = 0;
  #reject: (error: Error) => void = () => {};
  #fired: Promise<never>;
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(readonly timeoutMs: number) {
    this.#fired = this.#arm();
    this.#timer = setInterval(() => {
      if (this.#start && performance.now() - this.#start > timeoutMs) {
        this.#reject(new Error(`timed out: one operation took over ${Math.round(timeoutMs / 1000)} s`));
        this.#fired = this.#arm();
      }
    }, 1000);
  }

  #arm(): Promise<never> {
    const fired = new Promise<never>((_, reject) => {
      this.#reject = reject;
    });
    fired.catch(() => {}); // rejected only while someone races it
    return fired;
  }

  async race<T>(op: Promise<T>, start: number): Promise<T> {
    this.#start = start;
    try {
      return await Promise.race([op, this.#fired]);
    } finally {
      this.#start = 0;
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/** `promise`, or a rejection with `text` after `timeoutMs`. */
async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, text: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(text)), timeoutMs)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves in the next task (a message: not clamped or throttled as a timer is). */
function afterThisTask(): Promise<void> {
  const { port1, port2 } = new MessageChannel();
  return new Promise<void>((resolve) => {
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits for `op` at most `timeoutMs`, ignoring its outcome (cleanup). */
async function settle(op: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([op.catch(() => {}), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
}

/** Fills `cache` to `n` entries: per group (key `g<g>:<i>`, tag `t<g>`), `setMany` calls of at most 1,000 keys. */
async function fillBackend(cache: Cache, n: number, until: number, opTimeoutMs: number): Promise<void> {
  let filled = 0;
  for (let g = 0; g < GROUPS; g += 1) {
    let record: Record<string, unknown> = {};
    let size = 0;
    for (let i = g; i < n; i += GROUPS) {
      record[`g${g}:${i}`] = makeValue(i);
      size += 1;
      if (size === CHUNK || i + GROUPS >= n) {
        const call = await timeOnce(() => cache.setMany(record, null, { tags: [`t${g}`] }), opTimeoutMs);
        if (call.fails) throw new Error(`setMany failed at ${filled} of ${n} entries: ${call.fails}`);
        filled += size;
        record = {};
        size = 0;
        if (performance.now() > until && filled < n) throw new Error(`fill stopped by its budget at ${filled} of ${n} entries`);
      }
    }
  }
}

function fillRawIdb(db: IDBDatabase, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(RAW_STORE, 'readwrite');
    const store = tx.objectStore(RAW_STORE);
    for (let i = 0; i < n; i += 1) store.put(makeValue(i), `g${i % GROUPS}:${i}`);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

/** `n` puts, 100 in flight at a time. */
async function fillRawCache(cache: globalThis.Cache, n: number, until: number): Promise<void> {
  const parallel = 100;
  for (let start = 0; start < n; start += parallel) {
    const batch = [];
    for (let i = start; i < Math.min(n, start + parallel); i += 1) batch.push(cache.put(rawUrl(`g${i % GROUPS}:${i}`), jsonResponse(makeValue(i))));
    await Promise.all(batch);
    if (performance.now() > until && start + parallel < n) throw new Error(`fill stopped by its budget at ${start + parallel} of ${n} entries`);
  }
}

const rawUrl = (key: string) => `/__raw/${encodeURIComponent(key)}`;
const jsonResponse = (value: unknown) => new Response(JSON.stringify(value), { headers: { 'Content-Type': 'application/json' } });

function openRawDb(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(RAW_STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error(`opening '${name}' is blocked`));
  });
}

function deleteRawDb(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
}

/** One put in its own transaction, resolved when the transaction completes. */
function rawIdbPut(db: IDBDatabase, key: string, value: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(RAW_STORE, 'readwrite');
    tx.objectStore(RAW_STORE).put(value, key);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

/** One get in its own readonly transaction, resolved on the request's success. */
function rawIdbGet(db: IDBDatabase, key: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = db.transaction(RAW_STORE, 'readonly').objectStore(RAW_STORE).get(key);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Deletes every key starting with `prefix` (one key range, one transaction). */
function rawIdbDeleteRange(db: IDBDatabase, prefix: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(RAW_STORE, 'readwrite');
    tx.objectStore(RAW_STORE).delete(IDBKeyRange.bound(prefix, `${prefix}\uffff`));
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

const PAD = 'x'.repeat(VALUE_BYTES);
/** A ~200-byte JSON object for entry `i`. */
function makeValue(i: number): Record<string, unknown> {
  const value = { id: i, slug: `item-${i}`, published: i % 2 === 0, score: 0.8731, updatedAt: '2025-11-26T12:00:00.000Z', tags: ['cache', 'browser'], note: '' };
  value.note = PAD.slice(0, Math.max(0, VALUE_BYTES - JSON.stringify(value).length));
  return value;
}

const deadline = (seconds: number) => performance.now() + seconds * 1000;
const label = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
const message = (error: unknown) => (error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error));

/** A progress line for the runner's log (fire and forget: never on a timed path). */
function progress(line: string): void {
  void fetch('/__progress', { method: 'POST', body: line }).catch(() => {});
}
