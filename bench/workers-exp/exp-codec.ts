// Exactly Cachette's hit construction: readMeta, decodeValue('response') (stream wrap 1),
// fromStorable (stream wrap 2), Age.
import { decodeValue, readMeta } from '../../src/backends/cache-storage-codec.js';
import { fromStorable } from '../../src/sw/stored-response.js';
import { serve } from './exp-common.js';
serve(async (hit, request) => {
  const meta = readMeta(hit)!;
  const restored = fromStorable(await decodeValue(hit, meta.type), request.method)!;
  restored.response.headers.set('Age', String(Math.max(0, Math.floor((Date.now() - restored.storedAt) / 1000))));
  return restored.response;
});
