// The README's quick start, as a newcomer copies it: one configuration for page and worker.
import { defineCaches } from 'cachette';

defineCaches({
  default: { backend: 'idb', timeout: 600 },
  api: { backend: 'cache-storage', location: 'api' },
});
