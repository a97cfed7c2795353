// 'cachette/page': the page side (register, cacheFragment, <cache-fragment>).
export { register, onUpdate, type RegisterOptions, type WorkerUpdate } from './register.js';
export { cacheFragment, loadFragment, type FragmentOptions, type FragmentRender, type FragmentSource, type LoadedFragment } from './cache-fragment.js';
// The tag of each vary-on value (also exported by 'cachette'), e.g. for logout.
export { varyTag } from '../core/entry-vocabulary.js';
export type { FragmentContent } from './fragment-html.js';
export { defineFragment, refreshFragments, type DefineFragmentOptions, type FragmentRenderer } from './fragment-element.js';
export { requestWorkerSnapshot } from './worker-snapshot.js';
export type { WorkerSnapshot } from '../core/protocol.js';
export {
  connectInvalidations,
  type ConnectInvalidationsOptions,
  type InvalidationsConnection,
  type LockManagerLike,
  type FetchLike,
  type Timers,
} from './connect-invalidations.js';
