// @vitest-environment-options { "settings": { "enableJavaScriptEvaluation": true } }
// Script evaluation is on in this file only, so "never runs" is shown against a DOM that runs scripts.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { defineCaches, getCache, makeFragmentKey } from '../../src/index.js';
import { cacheFragment } from '../../src/page/index.js';

const ran = globalThis as { fragmentScriptRan?: string[] };
let unique = 0;

beforeEach(() => {
  unique += 1;
  defineCaches({ default: { backend: 'memory', location: `frag-scripts-${unique}` } });
  ran.fragmentScriptRan = [];
});
afterEach(async () => {
  await getCache().clear();
  document.body.replaceChildren();
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

it('runs a script inserted by the page (the control: evaluation is on here)', async () => {
  const script = document.createElement('script');
  script.textContent = 'globalThis.fragmentScriptRan.push("control")';
  document.body.append(script);
  await settle();
  expect(ran.fragmentScriptRan).toEqual(['control']);
});

it('never runs a script from cached HTML, even once inserted', async () => {
  await getCache().set(makeFragmentKey('script'), '<p>x</p><script>globalThis.fragmentScriptRan.push("cached")</script>');
  const fragment = await cacheFragment('script', 60, () => 'never');
  expect(fragment.querySelector('script')).not.toBeNull();
  document.body.append(fragment);
  await settle();
  expect(ran.fragmentScriptRan).toEqual([]);
});

it('never runs a script from a string render, on the rendering call or when restored', async () => {
  const render = () => '<script>globalThis.fragmentScriptRan.push("rendered")</script><p>y</p>';
  document.body.append(await cacheFragment('script-render', 60, render));
  document.body.append(await cacheFragment('script-render', 60, render));
  await settle();
  expect(document.body.querySelectorAll('script')).toHaveLength(2);
  expect(ran.fragmentScriptRan).toEqual([]);
});
