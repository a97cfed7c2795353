// The body as a Blob (a handle to the stored bytes), headers filtered once, Age.
import { META_PREFIX } from '../../src/backends/cache-storage-codec.js';
import { serve } from './exp-common.js';
serve(async (hit) => {
  const headers = new Headers();
  hit.headers.forEach((value, name) => {
    if (!name.startsWith(META_PREFIX) && name !== 'cachette-stored-at') headers.append(name, value);
  });
  headers.set('Age', '0');
  return new Response(await hit.blob(), { status: hit.status, statusText: hit.statusText, headers });
});
