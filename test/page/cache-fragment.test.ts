import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineCaches, getCache, makeFragmentKey, onCacheError, type ReportedError } from '../../src/index.js';
import { cacheFragment, varyTag } from '../../src/page/index.js';

let unique = 0;
let reports: ReportedError[];
let stopReports: () => void;

beforeEach(() => {
  unique += 1;
  defineCaches({ default: { backend: 'memory', location: `frag-${unique}` }, other: { backend: 'memory', location: `frag-other-${unique}` } });
  reports = [];
  stopReports = onCacheError((report) => reports.push(report));
});
afterEach(async () => {
  stopReports();
  vi.restoreAllMocks();
  await getCache().clear();
  await getCache('other').clear();
  document.body.replaceChildren();
});

/** The HTML of a fragment (what a caller would insert). */
function html(fragment: DocumentFragment): string {
  const div = document.createElement('div');
  div.append(fragment.cloneNode(true));
  return div.innerHTML;
}

function paragraph(text: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.textContent = text;
  return p;
}

describe('cacheFragment', () => {
  it('renders on a miss, stores under Django’s fragment key, and restores on the next call', async () => {
    const render = vi.fn(() => paragraph('top author: alice'));
    const first = await cacheFragment('top_author', 500, render);
    expect(html(first)).toBe('<p>top author: alice</p>');
    expect(await getCache().has(makeFragmentKey('top_author'))).toBe(true);
    expect(await getCache().get(makeFragmentKey('top_author'))).toBe('<p>top author: alice</p>');

    const second = await cacheFragment('top_author', 500, render);
    expect(html(second)).toBe('<p>top author: alice</p>');
    expect(render).toHaveBeenCalledTimes(1);
  });

  it('restores HTML stored by anyone under the same key (a Django server, another tab)', async () => {
    await getCache().set(makeFragmentKey('sidebar', ['bob']), '<nav>bob’s sidebar</nav>');
    const render = vi.fn(() => 'never');
    expect(html(await cacheFragment('sidebar', 60, render, { varyOn: ['bob'] }))).toBe('<nav>bob’s sidebar</nav>');
    expect(render).not.toHaveBeenCalled();
  });

  it('returns a fresh fragment on every call: inserting one leaves the other intact', async () => {
    await cacheFragment('fresh', 60, () => '<b>x</b><i>y</i>');
    const a = await cacheFragment('fresh', 60, () => 'never');
    const b = await cacheFragment('fresh', 60, () => 'never');
    expect(a).not.toBe(b);
    document.body.append(a);
    expect(a.childNodes).toHaveLength(0);
    expect(html(b)).toBe('<b>x</b><i>y</i>');
    expect(document.body.innerHTML).toBe('<b>x</b><i>y</i>');
  });

  it('takes a string, an Element, a Text node, a DocumentFragment, or a promise of one', async () => {
    const fragment = document.createDocumentFragment();
    fragment.append(paragraph('one'), 'two');
    const cases: [string, () => Node | string | Promise<Node | string>, string][] = [
      ['string', () => '<em>hi</em> <b>there</b>', '<em>hi</em> <b>there</b>'],
      ['element', () => paragraph('el'), '<p>el</p>'],
      ['text', () => document.createTextNode('a < b & c'), 'a &lt; b &amp; c'],
      ['fragment', () => fragment, '<p>one</p>two'],
      ['async', async () => paragraph('later'), '<p>later</p>'],
      ['async-string', () => Promise.resolve('<span>s</span>'), '<span>s</span>'],
    ];
    for (const [name, render, expected] of cases) {
      expect(html(await cacheFragment(name, 60, render)), name).toBe(expected);
      expect(await getCache().get(makeFragmentKey(name)), name).toBe(expected);
      expect(html(await cacheFragment(name, 60, () => 'never')), name).toBe(expected);
    }
  });

  it('returns the rendered nodes themselves on the rendering call, so their listeners work', async () => {
    const button = document.createElement('button');
    button.textContent = 'like';
    const clicked = vi.fn();
    button.addEventListener('click', clicked);
    const first = await cacheFragment('like', 60, () => button);
    expect(first.firstChild).toBe(button);
    document.body.append(first);
    button.click();
    expect(clicked).toHaveBeenCalledTimes(1);

    const restored = await cacheFragment('like', 60, () => button);
    expect(restored.firstChild).not.toBe(button);
    (restored.firstChild as HTMLButtonElement).click();
    expect(clicked).toHaveBeenCalledTimes(1);
  });

  it('keeps variants apart by varyOn, with Django’s key for each', async () => {
    const render = vi.fn((user: string) => paragraph(`hello ${user}`));
    expect(html(await cacheFragment('greeting', 60, () => render('alice'), { varyOn: ['alice'] }))).toBe('<p>hello alice</p>');
    expect(html(await cacheFragment('greeting', 60, () => render('bob'), { varyOn: ['bob'] }))).toBe('<p>hello bob</p>');
    expect(html(await cacheFragment('greeting', 60, () => render('x'), { varyOn: ['alice'] }))).toBe('<p>hello alice</p>');
    expect(render).toHaveBeenCalledTimes(2);
    expect(await getCache().get(makeFragmentKey('greeting', ['alice']))).toBe('<p>hello alice</p>');
    expect(await getCache().get(makeFragmentKey('greeting', ['bob']))).toBe('<p>hello bob</p>');
    expect(await getCache().has(makeFragmentKey('greeting'))).toBe(false);
  });

  it('uses the `using` alias', async () => {
    await cacheFragment('aliased', 60, () => '<p>o</p>', { using: 'other' });
    expect(await getCache('other').get(makeFragmentKey('aliased'))).toBe('<p>o</p>');
    expect(await getCache().has(makeFragmentKey('aliased'))).toBe(false);
  });

  it('stores the given tags and one vary tag per vary-on value', async () => {
    await cacheFragment('tagged', 60, () => 'x', { varyOn: ['alice', 3], tags: ['authors'] });
    const entries = await getCache().store.list(Date.now());
    const entry = entries.find((e) => e.key === getCache().makeKey(makeFragmentKey('tagged', ['alice', 3])));
    expect(entry?.tags.sort()).toEqual(['authors', varyTag('alice'), varyTag(3)].sort());
    expect(varyTag('alice')).toBe('cachette:vary:alice');
  });

  it('honours the timeout: null never expires, 0 keeps nothing', async () => {
    let now = 1_000_000;
    unique += 1;
    defineCaches(
      { default: { backend: 'memory', location: `frag-clock-${unique}` }, other: { backend: 'memory', location: `frag-other-${unique}` } },
      { clock: { now: () => now } },
    );
    const render = vi.fn(() => 'x');
    await cacheFragment('ttl', 10, render);
    now += 9_000;
    await cacheFragment('ttl', 10, render);
    expect(render).toHaveBeenCalledTimes(1);
    now += 2_000;
    await cacheFragment('ttl', 10, render);
    expect(render).toHaveBeenCalledTimes(2);
    await cacheFragment('never', null, render);
    now += 1e12;
    await cacheFragment('never', null, render);
    expect(render).toHaveBeenCalledTimes(3);
    await cacheFragment('zero', 0, render);
    await cacheFragment('zero', 0, render);
    expect(render).toHaveBeenCalledTimes(5);
  });

  it('leaves data-cache-skip elements out of the stored HTML, but shows them on the rendering call', async () => {
    const render = () =>
      '<div><p>kept</p><p data-cache-skip class="flash">Saved! <b>just now</b></p></div><aside data-cache-skip>toast</aside>';
    const first = await cacheFragment('skip', 60, render);
    expect(html(first)).toBe(
      '<div><p>kept</p><p data-cache-skip="" class="flash">Saved! <b>just now</b></p></div><aside data-cache-skip="">toast</aside>',
    );
    expect(await getCache().get(makeFragmentKey('skip'))).toBe('<div><p>kept</p></div>');
    expect(html(await cacheFragment('skip', 60, render))).toBe('<div><p>kept</p></div>');
  });

  it('leaves the rendered nodes untouched while serializing (skip removal works on a copy)', async () => {
    const div = document.createElement('div');
    div.innerHTML = '<p>a</p><p data-cache-skip>b</p>';
    const first = await cacheFragment('copy', 60, () => div);
    expect(first.firstChild).toBe(div);
    expect(div.innerHTML).toBe('<p>a</p><p data-cache-skip="">b</p>');
  });

  it('renders once for concurrent calls; each caller gets its own fragment', async () => {
    let finish!: (value: string) => void;
    const render = vi.fn(() => new Promise<string>((resolve) => (finish = resolve)));
    const calls = [cacheFragment('busy', 60, render), cacheFragment('busy', 60, render), cacheFragment('busy', 60, render)];
    await vi.waitFor(() => expect(render).toHaveBeenCalled());
    finish('<p>once</p>');
    const fragments = await Promise.all(calls);
    expect(render).toHaveBeenCalledTimes(1);
    expect(new Set(fragments).size).toBe(3);
    for (const fragment of fragments) expect(html(fragment)).toBe('<p>once</p>');
  });

  it('on a render error stores nothing, rejects every waiting call, and renders again next time', async () => {
    let fail!: (error: Error) => void;
    const failing = vi.fn(() => new Promise<string>((_resolve, reject) => (fail = reject)));
    const calls = [cacheFragment('boom', 60, failing), cacheFragment('boom', 60, failing)];
    await vi.waitFor(() => expect(failing).toHaveBeenCalled());
    const error = new Error('API down');
    fail(error);
    for (const call of calls) await expect(call).rejects.toBe(error);
    expect(failing).toHaveBeenCalledTimes(1);
    expect(await getCache().has(makeFragmentKey('boom'))).toBe(false);

    expect(html(await cacheFragment('boom', 60, () => '<p>back</p>'))).toBe('<p>back</p>');
    expect(reports).toEqual([]);
  });

  it('rejects a render that throws synchronously or returns something that is not a Node or a string', async () => {
    await expect(cacheFragment('sync-throw', 60, () => { throw new RangeError('bad'); })).rejects.toThrow(RangeError);
    await expect(cacheFragment('bad-result', 60, (() => 42) as never)).rejects.toThrow(
      /render of fragment 'bad-result' must return a Node .* or an HTML string, got number 42/,
    );
    await expect(cacheFragment('doc', 60, (() => document) as never)).rejects.toThrow(TypeError);
    expect(await getCache().has(makeFragmentKey('bad-result'))).toBe(false);
  });

  it('treats a stored value that is not a string as a miss', async () => {
    await getCache().set(makeFragmentKey('corrupt'), { not: 'html' });
    const render = vi.fn(() => '<p>fresh</p>');
    expect(html(await cacheFragment('corrupt', 60, render))).toBe('<p>fresh</p>');
    expect(render).toHaveBeenCalledTimes(1);
    expect(await getCache().get(makeFragmentKey('corrupt'))).toBe('<p>fresh</p>');
  });

  it('survives a failing cache read: renders, returns and reports', async () => {
    const failure = new DOMException('x', 'UnknownError');
    vi.spyOn(getCache().store, 'get').mockRejectedValue(failure);
    const render = vi.fn(() => paragraph('still here'));
    expect(html(await cacheFragment('broken-read', 60, render))).toBe('<p>still here</p>');
    expect(render).toHaveBeenCalledTimes(1);
    expect(reports).toHaveLength(1);
    expect(reports[0]?.error).toBe(failure);
    // The cache reports its failed read (and treats it as a miss) before the fragment renders.
    expect(reports[0]?.context).toMatch(/get 'template\.cache\.broken-read\.[0-9a-f]{32}' in cache 'default'/);
  });

  it('survives a failing cache write: returns the render and reports', async () => {
    const failure = new DOMException('quota', 'QuotaExceededError');
    vi.spyOn(getCache().store, 'set').mockRejectedValue(failure);
    expect(html(await cacheFragment('broken-write', 60, () => '<p>ok</p>'))).toBe('<p>ok</p>');
    expect(reports.map((r) => r.error)).toEqual([failure]);
  });

  it('calls onRestore only with restored fragments, and reports (never throws) its errors', async () => {
    const onRestore = vi.fn((fragment: DocumentFragment) => {
      fragment.querySelector('button')?.setAttribute('data-bound', '');
    });
    const first = await cacheFragment('hooked', 60, () => '<button>b</button>', { onRestore });
    expect(onRestore).not.toHaveBeenCalled();
    expect(html(first)).toBe('<button>b</button>');
    const second = await cacheFragment('hooked', 60, () => 'never', { onRestore });
    expect(onRestore).toHaveBeenCalledTimes(1);
    expect(onRestore).toHaveBeenCalledWith(second);
    expect(html(second)).toBe('<button data-bound="">b</button>');

    const hookError = new Error('hook bug');
    const third = await cacheFragment('hooked', 60, () => 'never', { onRestore: () => { throw hookError; } });
    expect(html(third)).toBe('<button>b</button>');
    expect(reports.map((r) => r.error)).toEqual([hookError]);
  });

  it('rejects bad arguments with a TypeError naming them and what is accepted', async () => {
    const render = () => 'x';
    await expect(cacheFragment('', 60, render)).rejects.toThrow(/name must be a non-empty string, got ''/);
    await expect(cacheFragment(7 as never, 60, render)).rejects.toThrow(TypeError);
    await expect(cacheFragment('t', 'soon' as never, render)).rejects.toThrow(/timeout of fragment 't' must be a finite number of seconds or null/);
    await expect(cacheFragment('t', Infinity, render)).rejects.toThrow(TypeError);
    await expect(cacheFragment('t', 60, '<p>' as never)).rejects.toThrow(/render must be a function/);
    await expect(cacheFragment('t', 60, render, null as never)).rejects.toThrow(/options must be an object/);
    await expect(cacheFragment('t', 60, render, { vary: ['a'] } as never)).rejects.toThrow(
      /unknown option 'vary'; accepted: varyOn, using, tags, onRestore/,
    );
    await expect(cacheFragment('t', 60, render, { varyOn: 'alice' as never })).rejects.toThrow(/varyOn must be an array/);
    await expect(cacheFragment('t', 60, render, { varyOn: [{}] })).rejects.toThrow(/varyOn\[0\] is an object/);
    await expect(cacheFragment('t', 60, render, { using: 'nope' })).rejects.toThrow(/unknown cache alias 'nope'/);
    await expect(cacheFragment('t', 60, render, { tags: 'a b' as never })).rejects.toThrow(/tags must be an array of strings/);
    await expect(cacheFragment('t', 60, render, { onRestore: 1 as never })).rejects.toThrow(/onRestore must be a function/);
    // Validated on a hit too.
    await cacheFragment('hit', 60, render);
    await expect(cacheFragment('hit', 'x' as never, render)).rejects.toThrow(TypeError);
  });
});

describe('restoring fragments in any context', () => {
  beforeEach(() => {
    defineCaches({ default: { backend: 'memory', location: `frag-ctx-${Math.random()}` }, other: { backend: 'memory', location: 'frag-ctx-other' } });
  });

  it('restores table rows (parsed as a <template> would) and plain markup alike', async () => {
    const rows = '<tr><td>1</td><td>Ada</td></tr><tr><td>2</td><td>Grace</td></tr>';
    await cacheFragment('rows', 60, () => rows);
    const restored = await cacheFragment('rows', 60, () => 'never rendered');
    const tbody = document.createElement('tbody');
    tbody.append(restored);
    expect(tbody.querySelectorAll('tr')).toHaveLength(2);
    expect(tbody.querySelectorAll('td')[3]?.textContent).toBe('Grace');

    await cacheFragment('list', 60, () => '<li class="a">x</li><li>y</li>');
    const list = await cacheFragment('list', 60, () => 'never rendered');
    expect([...list.childNodes].map((n) => (n as Element).outerHTML)).toEqual(['<li class="a">x</li>', '<li>y</li>']);
    expect(list.firstChild?.ownerDocument).toBe(document);
  });
});
