// One stream rewrap: headers filtered once, `new Response(hit.body)`, Age.
import { META_PREFIX } from '../../src/backends/cache-storage-codec.js';
import { serve } from './exp-common.js';
serve((hit) => {
  const headers = new Headers();
  hit.headers.forEach((value, name) => {
    if (!name.startsWith(META_PREFIX) && name !== 'cachette-stored-at') headers.append(name, value);
  });
  headers.set('Age', '0');
  return new Response(hit.body, { status: hit.status, statusText: hit.statusText, headers });
});
