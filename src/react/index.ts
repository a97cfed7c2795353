// 'cachette/react': React bindings (React ≥ 18, an optional peer dependency): useCached over
// getOrSet, re-read on invalidation; CachedFragment hosting a {% cache %} fragment.
export { useCached, type CachedResult, type CachedStatus, type UseCachedOptions } from './use-cached.js';
export { CachedFragment, type CachedFragmentProps, type CachedFragmentState } from './cached-fragment.js';
export { invalidationConcerns, type ShownEntry } from './invalidation-concerns.js';
