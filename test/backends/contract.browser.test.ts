// The shared contract suite, inside real Chromium: real IndexedDB, real Cache Storage,
// real structuredClone.
import { runCacheContract } from './contract.js';

runCacheContract('idb');
runCacheContract('cache-storage');
runCacheContract('memory');
