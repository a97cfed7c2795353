/**
 * Fragment restore vs re-render: a 200-row article list, rendered with createElement (no
 * cache) against `cacheFragment('list', 500, render)` restoring it from each backend, a
 * `cacheFragment` miss (render + store), and parsing the stored HTML alone (the floor of a
 * restore, no storage), as Cachette's parseFragment does and in an inert document's `<div>`. Each sample times getting the fragment, appending it to a container
 * and one forced layout (`offsetHeight`); checking, removing it and the layout after the
 * removal are untimed. Interleaved, shuffled rounds; the runner (bench/fragments.mjs)
 * summarizes.
 */
import { defineCaches, getCache, makeFragmentKey } from '../../src/index.js';
import { cacheFragment } from '../../src/page/index.js';
import { parseFragment } from '../../src/page/fragment-html.js';
import { assertIsolated, numberParam, runAndReport, timerResolution } from './lib/harness.js';
import { shuffle, mulberry32 } from './lib/random.js';

const ROWS = 200;
const TAGS = ['cache', 'browser', 'django'];
const TIMEOUT = 500;
const HIT_NAME = 'list';
/** The miss variant's own fragment, deleted before each of its samples. */
const MISS_NAME = 'list-miss';

interface Variant {
  id: string;
  /** Untimed, before the sample. */
  prepare?: () => Promise<unknown>;
  /** Timed: resolves to the nodes to insert. */
  get: () => Node | Promise<Node>;
  /** How many times `render` must run per sample: 1 for the plain render and the miss, else 0. */
  renders: number;
}

void runAndReport(async () => {
  assertIsolated();
  const config = {
    warmup: numberParam('warmup', 30),
    rounds: numberParam('rounds', 300),
    seed: numberParam('seed', 1),
  };
  const container = document.querySelector<HTMLElement>('#container')!;
  const status = document.querySelector('#status')!;

  defineCaches({
    default: { backend: 'idb', location: 'bench-fragments' },
    mem: { backend: 'memory' },
    cs: { backend: 'cache-storage', location: 'bench-fragments' },
  });
  const idb = getCache();
  let renders = 0;
  const render = (): HTMLElement => {
    renders += 1;
    return renderList();
  };

  // What every variant must insert, and the stored HTML (one render, untimed).
  const expected = renderList().outerHTML;
  for (const using of ['mem', 'default', 'cs']) {
    await cacheFragment(HIT_NAME, TIMEOUT, render, { using });
  }
  if (renders !== 3) throw new Error(`storing the fragment in 3 caches rendered ${renders} times`);
  const stored = await getCache('mem').get(makeFragmentKey(HIT_NAME));
  if (typeof stored !== 'string' || stored !== expected) throw new Error('the stored fragment HTML differs from the render');
  const missKey = makeFragmentKey(MISS_NAME);

  const variants: Variant[] = [
    { id: 'plain', get: render, renders: 1 },
    // The floor of any restore: cacheFragment's own parse of the stored HTML, no storage read.
    { id: 'parse', get: () => parseFragment(stored), renders: 0 },
    // Not what Cachette does: the same HTML parsed by a <div>'s innerHTML in an inert document
    // (no browsing context: nothing loads or runs), moved into a fragment of this document.
    { id: 'parse-inert-div', get: () => parseInInertDiv(stored), renders: 0 },
    { id: 'memory', get: () => cacheFragment(HIT_NAME, TIMEOUT, render, { using: 'mem' }), renders: 0 },
    { id: 'idb', get: () => cacheFragment(HIT_NAME, TIMEOUT, render), renders: 0 },
    { id: 'cache-storage', get: () => cacheFragment(HIT_NAME, TIMEOUT, render, { using: 'cs' }), renders: 0 },
    { id: 'miss-idb', prepare: () => idb.delete(missKey), get: () => cacheFragment(MISS_NAME, TIMEOUT, render), renders: 1 },
  ];

  const samplesMs: Record<string, { total: number[]; get: number[] }> = Object.fromEntries(variants.map((v) => [v.id, { total: [], get: [] }]));
  const random = mulberry32(config.seed);
  const order = [...variants];
  status.textContent = 'measuring…';
  const started = performance.now();
  for (let round = 0; round < config.warmup + config.rounds; round += 1) {
    shuffle(order, random);
    for (const variant of order) {
      await variant.prepare?.();
      const rendersBefore = renders;
      const t0 = performance.now();
      const nodes = await variant.get();
      const got = performance.now();
      container.append(nodes);
      void container.offsetHeight; // style + layout of the inserted list, inside the timing
      const t1 = performance.now();
      // The whole HTML is compared in warm-up and every 10th round (serializing 34 KB takes a while); the rest a cheaper check.
      check(variant, container, expected, renders - rendersBefore, round < config.warmup || round % 10 === 0);
      container.replaceChildren();
      void container.offsetHeight; // the removal's layout, outside the timing
      if (round >= config.warmup) {
        samplesMs[variant.id]!.total.push(t1 - t0);
        samplesMs[variant.id]!.get.push(got - t0);
      }
    }
  }
  const interleavedMs = performance.now() - started;
  status.textContent = 'done';
  return {
    userAgent: navigator.userAgent,
    crossOriginIsolated,
    timerResolutionMs: timerResolution(),
    config: { ...config, rows: ROWS, timeout: TIMEOUT },
    htmlBytes: new TextEncoder().encode(stored).length,
    elements: countElements(stored),
    interleavedMs,
    samplesMs,
  };
});

/** The list: 200 rows of a link, an author and three tags, built with createElement. */
function renderList(): HTMLElement {
  const list = document.createElement('ul');
  list.className = 'articles';
  for (let i = 1; i <= ROWS; i += 1) {
    const row = document.createElement('li');
    row.className = 'article';
    const link = document.createElement('a');
    link.href = `/articles/${i}`;
    link.textContent = `Title ${i}`;
    const author = document.createElement('span');
    author.className = 'author';
    author.textContent = `Author ${i % 17}`;
    const tags = document.createElement('ul');
    tags.className = 'tags';
    for (const tag of TAGS) {
      const item = document.createElement('li');
      item.textContent = tag;
      tags.append(item);
    }
    row.append(link, ' by ', author, ' ', tags);
    list.append(row);
  }
  return list;
}

const inertDocument = document.implementation.createHTMLDocument('');

function parseInInertDiv(html: string): DocumentFragment {
  const holder = inertDocument.createElement('div');
  holder.innerHTML = html;
  const fragment = document.createDocumentFragment();
  fragment.append(...Array.from(holder.childNodes));
  return fragment;
}

function check(variant: Variant, container: HTMLElement, expected: string, rendered: number, whole: boolean): void {
  if (rendered !== variant.renders) throw new Error(`variant '${variant.id}' rendered ${rendered} times, expected ${variant.renders}`);
  const list = container.firstElementChild;
  const rows = list?.children;
  if (container.childNodes.length !== 1 || rows?.length !== ROWS || rows[ROWS - 1]!.firstElementChild?.textContent !== `Title ${ROWS}`) {
    throw new Error(`variant '${variant.id}' inserted something else than the ${ROWS}-row list: ${container.innerHTML.slice(0, 120)}`);
  }
  if (whole && container.innerHTML !== expected) {
    throw new Error(`variant '${variant.id}' inserted other HTML (${container.innerHTML.length} chars, expected ${expected.length}): ${container.innerHTML.slice(0, 120)}`);
  }
}

function countElements(html: string): number {
  const template = document.createElement('template');
  template.innerHTML = html;
  return template.content.querySelectorAll('*').length;
}


