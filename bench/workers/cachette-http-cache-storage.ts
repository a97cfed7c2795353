/** Cachette's `httpCache()` (RFC 9111 rules: the origin's `Cache-Control` decides) over the `cache-storage` backend, as an app's sw.ts would write it. */
import { defineCaches, httpCache } from 'cachette/sw';

defineCaches({ default: { backend: 'cache-storage' } });
httpCache();
