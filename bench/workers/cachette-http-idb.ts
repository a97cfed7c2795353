/** Cachette's `httpCache()` (RFC 9111 rules: the origin's `Cache-Control` decides) over the `idb` backend, as an app's sw.ts would write it. */
import { defineCaches, httpCache } from 'cachette/sw';

defineCaches({ default: { backend: 'idb' } });
httpCache();
