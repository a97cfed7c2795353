// 'cachette/page': the page side (register, cacheFragment, <cache-fragment>).
export { register, onUpdate, type RegisterOptions, type WorkerUpdate } from './register.js';
export { cacheFragment, varyTag, type FragmentOptions, type FragmentRender } from './cache-fragment.js';
export type { FragmentContent } from './fragment-html.js';
export { defineFragment, refreshFragments, type DefineFragmentOptions, type FragmentRenderer } from './fragment-element.js';
