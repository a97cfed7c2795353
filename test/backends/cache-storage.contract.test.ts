import { afterAll, beforeAll } from 'vitest';
import { installFakeCacheStorage } from '../support/fake-cache-storage.js';
import { runCacheContract } from './contract.js';

// happy-dom has no Cache Storage: the contract runs on an in-memory fake here, and on the
// real one in test/backends/contract.browser.test.ts.
let uninstall: () => void;
beforeAll(() => {
  uninstall = installFakeCacheStorage();
});
afterAll(() => uninstall());

runCacheContract('cache-storage');
